// Zero-trust findings (issue 4): what a finding is. A finding names one resource, says what is
// wrong in words, and carries the evidence as data (an example flow and the rules and routes that
// let it through), a fix, and where the resource came from (for SARIF).

import type { Caveat } from '../../dataplane/caveats.ts';
import type { AllowedBy, Disposition, StoppedBy, TraceFlow } from '../../trace/types.ts';
import type { ResourceId } from '../../model/types.ts';

export type Severity = 'high' | 'medium' | 'low' | 'info';

export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low', 'info'];

/** high = 0 ... info = 3: lower is more severe. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** True when `s` is at or above `threshold` (high >= medium >= low >= info). */
export function severityAtLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) <= severityRank(threshold);
}

export interface FindingLocation {
  file: string;
  /** JSON path inside the file, e.g. `$.value[3]`. */
  jsonPath: string;
}

/** A route a flow took, as the trace recorded it. */
export interface EvidenceRoute {
  subnet: string;
  addressPrefix: string;
  nextHopType: string;
  nextHopIpAddress?: string;
  source: string;
  route?: string;
}

/** An NSG rule named by the evidence (shadowing rules, the rule that admitted a flow...). */
export interface EvidenceRule {
  nsg: string;
  rule: string;
  priority: number;
  access: 'Allow' | 'Deny';
  direction: 'Inbound' | 'Outbound';
}

export interface FindingEvidence {
  /** An example flow that shows the problem (absent for purely structural findings). */
  flow?: TraceFlow;
  /** The trace of that flow, summarised. */
  disposition?: Disposition;
  reachable?: boolean;
  /** Hops after the source, as `kind:name`. */
  path?: string[];
  allowedBy: AllowedBy[];
  routes: EvidenceRoute[];
  stoppedBy?: StoppedBy | null;
  /** Rules the finding is about (e.g. the rule and the rules that shadow it). */
  rules?: EvidenceRule[];
  /** The entry point of an internet flow (public IP, load balancer rule, DNAT...). */
  entry?: { via: string; resource: string; name: string; publicIp?: string; frontendPort?: number; backendPort?: number };
  /** Extra facts, each a short sentence or list (breadth, affected resources, ports). */
  details?: Record<string, string | string[] | number>;
}

export interface RelatedResource {
  resource: string;
  name: string;
  /** What the related resource is to the finding (`allowing rule`, `shadowing rule`...). */
  role: string;
  location?: FindingLocation;
}

export interface Finding {
  /** Stable catalog id, e.g. `ZT-EXPOSED-MGMT-PORT`. */
  id: string;
  severity: Severity;
  title: string;
  /** Display id of the resource the finding is about. */
  resource: string;
  name: string;
  message: string;
  evidence: FindingEvidence;
  fix: string;
  location?: FindingLocation;
  related: RelatedResource[];
  /** Stable key for deduplication across runs (SARIF partialFingerprints). */
  fingerprint: string;
}

export interface FindingsOptions {
  /** Only run these catalog ids (default: all). */
  only?: string[];
  /** Skip the blast-radius ranking (the most expensive check). */
  skipBlast?: boolean;
  /** How many footholds the blast-radius ranking evaluates (default 4; 0 skips it; estates with more than 2,000 NICs skip it unless this is set). */
  blastFootholds?: number;
  /** How many endpoints the blast-radius finding lists. */
  blastTop?: number;
  /**
   * Judge only these NSGs in the checks that work NSG by NSG: ZT-IMPLIED-TRUST (the NSG a finding
   * is about, and the NSGs paired with it on the way in), ZT-SHADOWED-RULE, ZT-REDUNDANT-RULE,
   * ZT-BROAD-ALLOW, and ZT-VNET-TAG-WIDENED (the route tables whose subnets these NSGs filter).
   * The other checks run in full. What-if passes the NSGs a change edits when it
   * edits nothing else: those checks' findings about other NSGs are then the same before and after.
   */
  nsgScope?: ReadonlySet<ResourceId>;
}

export interface FindingsAnswer {
  findings: Finding[];
  /** Counts per severity. */
  counts: Record<Severity, number>;
  /** Checks that did not run, or ran with limits, and why. */
  notes: string[];
  /**
   * The catalog ids this run judged: every id, less those --only left out and those of checks that
   * were skipped (the blast-radius ranking). An id not judged says nothing about its findings (a
   * baseline's finding of it is not fixed).
   */
  judged?: string[];
  caveats: Caveat[];
  /** Milliseconds per check, for benchmarks. */
  timings: Record<string, number>;
}
