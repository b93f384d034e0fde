// What-if and diff answers (issue "What-if before a change"): the flows a change opens and closes,
// grouped by source and destination, each part symbolic (protocol, exact ports, source prefixes)
// with an example flow traced before and after; the change in internet exposure; findings added
// and resolved; the effective routes and security rules that changed.

import type { Caveat } from '../../dataplane/caveats.ts';
import type { DataPlane } from '../../dataplane/compile.ts';
import type { EffectiveRouteView, EffectiveSecurityRuleView } from '../network-watcher.ts';
import type { Trace } from '../../trace/types.ts';
import type { SnapshotEdit } from './snapshot-edits.ts';
import type { ResourceId } from '../../model/types.ts';

/** One side of a changed flow: an endpoint, a whole subnet or VNet, or an outside party. */
export interface WhatIfParty {
  kind: 'endpoint' | 'subnet' | 'vnet' | 'internet' | 'onPremises' | 'storageAccount';
  /** VM name for a VM's NIC, `vnet/subnet` for a subnet, the resource name otherwise. */
  name: string;
  /** Resource id as the input spelled it (NIC, private endpoint, load balancer, subnet, storage account, local network gateway). */
  id?: string;
  /** `nic`, `privateEndpoint`, `loadBalancerFrontend` for endpoints. */
  endpointKind?: string;
  /** Private addresses of the endpoint, or of the subnet's endpoints that the item covers. */
  ips?: string[];
  /** `vnet/subnet` of an endpoint. */
  subnet?: string;
}

export interface WhatIfExample {
  src: string;
  dst: string;
  protocol: string;
  dstPort?: number;
  srcPort?: number;
  /** The example flow traced on the snapshot before the change and after it. */
  before?: Trace;
  after?: Trace;
}

export interface FlowChange {
  /** Display names of the two sides (`fromRef`/`toRef` carry ids and addresses). */
  from: string;
  to: string;
  fromRef: WhatIfParty;
  toRef: WhatIfParty;
  protocol: string;
  /** Destination ports as the client addresses them (`22`, `443-445`); empty for ICMP-like protocols. */
  ports: string[];
  /** Source prefixes: the sources' own addresses for endpoints inside the estate. */
  sources: string[];
  /** Source ports, only when not every source port is concerned. */
  sourcePorts?: string[];
  /** The entry point, for traffic from outside (public IP, load-balancing rule, DNAT...). */
  via?: string;
  example: WhatIfExample;
}

export interface ExposureChange {
  resource: string;
  name: string;
  kind: string;
  ip?: string;
  subnet?: string;
  protocol: string;
  ports: string[];
  sources: string[];
  via?: string;
}

/** The structural shape of a finding that what-if needs (core/analysis/findings Finding fits it). */
export interface FindingLike {
  id: string;
  severity: string;
  title?: string;
  resource: string;
  name?: string;
  message: string;
  fingerprint: string;
  fix?: string;
  /** Where the resource was read from (full findings carry it; SARIF uses it). */
  location?: { file: string; jsonPath: string };
}

export interface RouteChange {
  subnet: string;
  /** `vnet/subnet`. */
  name: string;
  added: EffectiveRouteView[];
  removed: EffectiveRouteView[];
}

export interface RuleChange {
  /** The NICs (and private endpoints) that see this change, by name. */
  endpoints: string[];
  /** Their resource ids. */
  ids: string[];
  subnet: string;
  added: (EffectiveSecurityRuleView & { nsg: string })[];
  removed: (EffectiveSecurityRuleView & { nsg: string })[];
}

export interface ResourceChangeSummary {
  /** Model collection, e.g. `networkSecurityGroups`. */
  collection: string;
  id: string;
  name: string;
  change: 'added' | 'removed' | 'modified';
  /** Top-level fields that differ, and for NSGs and route tables the rules and routes. */
  details: string[];
}

export interface WhatIfStats {
  mode: 'incremental' | 'full';
  /** The answer covers every pair it should (false: a time budget stopped a full computation). */
  complete: boolean;
  sources: number;
  destinations: number;
  /** Source x destination pairs recomputed (after grouping equivalent endpoints). */
  pairsComputed: number;
  /** Pairs the change could affect (incremental), or all pairs (full). */
  pairsConsidered: number;
  /** Why pairs were considered (incremental mode). */
  reasons: string[];
  /** Wall time of the whole answer. */
  elapsedMs: number;
  /** Of which computing findings on both snapshots (when a findings engine was given). */
  findingsMs?: number;
  /** Full mode stopped by its budget: what the whole computation would have taken, extrapolated. */
  estimatedFullMs?: number;
  /**
   * Present (false) when flows and internet exposure were not compared at all: there were more
   * pairs to compare than WhatIfOptions.maxPairs allows (caveat whatif.too-large).
   */
  flowsCompared?: false;
}

export interface WhatIfAnswer {
  newlyAllowed: FlowChange[];
  newlyBlocked: FlowChange[];
  exposure: { added: ExposureChange[]; removed: ExposureChange[] };
  findings: { added: FindingLike[]; resolved: FindingLike[] };
  routes: RouteChange[];
  rules: RuleChange[];
  changes: ResourceChangeSummary[];
  caveats: Caveat[];
  stats: WhatIfStats;
}

export interface WhatIfOptions {
  /** `incremental` (default) recomputes what the change touches; `full` compares every pair. */
  mode?: 'incremental' | 'full';
  /** Alias used by the benchmark harness: `false` means `mode: 'full'`. */
  incremental?: boolean;
  /**
   * Full mode only: stop after this many milliseconds, counted from the call, setup included (compiling
   * the snapshot after, the equivalence classes); checked before every walk (default 60 s; the answer
   * says it is partial, and extrapolates the whole run when it compared some pairs).
   */
  budgetMs?: number;
  /**
   * Compare every pair (full mode, or a change no rule bounds: address spaces, subnets holding
   * appliances, firewalls or gateways, service tags ...) only up to this many source/destination
   * pairs (default MAX_EVERY_PAIR, 25 million), and the candidates of a bounded change (compared
   * one by one up to 100,000, by class beyond: a VNet removed at tier L is some 10 million). Beyond
   * it flows and exposure are not compared: the answer says so (stats.flowsCompared false, caveat
   * whatif.too-large) instead of running for hours out of memory; findings, routes and rules are
   * still compared.
   */
  maxPairs?: number;
  /**
   * Stop a comparison by class once more source/destination pairs than this have changed (default
   * MAX_CHANGED_PAIRS, 2 million): flows and exposure are then not compared, as beyond maxPairs,
   * instead of the process running out of memory while it keeps every changed pair.
   */
  maxChangedPairs?: number;
  /**
   * Compare a bounded change's candidate pairs once per pair of endpoint classes, however few
   * they are (a cross-check of that path). By default only more than 100,000 candidates are;
   * stats.reasons then starts with `candidates by class`.
   */
  candidatesByClass?: boolean;
  /**
   * Called as flows are compared by class (every pair, or more than 100,000 candidates: the
   * comparisons that take seconds to minutes at scale) with the pairs compared so far and the pairs
   * to compare, at most once per percent; for a progress line.
   */
  onProgress?: (pairsDone: number, pairsTotal: number) => void;
  /** Trace the example of each changed flow before and after (default true). */
  traces?: boolean;
  /** At most this many items get traced examples (default 25; newly allowed first). */
  maxTraces?: number;
  /**
   * How findings are computed (e.g. core's computeFindings); without it findings are not compared.
   * `nsgScope`, when given, is FindingsOptions.nsgScope: the change edits only these NSGs, so the
   * per-NSG checks need judge only them, on both sides, for the same added and resolved findings.
   */
  findings?: (dp: DataPlane, nsgScope?: ReadonlySet<ResourceId>) => { findings: FindingLike[] };
}

/** The second argument of computeWhatIf: the snapshot after the change, or edits to apply. */
export type WhatIfTarget = DataPlane | { changes: SnapshotEdit[] };
