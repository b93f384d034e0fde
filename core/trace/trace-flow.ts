// traceFlow: one concrete flow end to end (CONTRACT.md "Paths"): disposition, hops, the step that
// decided each stage, what allowed it and what stopped it.

import type { DataPlane } from '../dataplane/compile.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { PacketSpace } from '../sets/packet-space.ts';
import { formatIPv4 } from '../sets/ipv4.ts';
import { protocolName } from '../sets/protocols.ts';
import { traceFilters } from './filters.ts';
import { runPath, type PathQuery } from './run-path.ts';
import type { AllowedBy, Hop, Trace } from './types.ts';
import type { Outcome } from './walk.ts';

export interface TraceQuery extends PathQuery {
  protocol: number;
  dstPort?: number;
  srcPort?: number;
}

export const DEFAULT_SOURCE_PORT = 49152;

/**
 * The source port of an example flow drawn from `srcPorts`: none (a trace then uses
 * DEFAULT_SOURCE_PORT) when that one is in the set, else the lowest, so the example gets through.
 */
export function exampleSourcePort(srcPorts: IntervalSet): number | undefined {
  return srcPorts.has(DEFAULT_SOURCE_PORT) ? undefined : srcPorts.min();
}

export function isReachable(o: Outcome, dstIsExternal: boolean): boolean {
  return o.disposition === 'ACCEPTED' || (dstIsExternal && o.disposition === 'EXITS_NETWORK');
}

function allowedByOf(hops: Hop[]): AllowedBy[] {
  const out: AllowedBy[] = [];
  for (const h of hops) {
    for (const s of h.steps) {
      if (s.kind === 'nsg' && s.access === 'Allow') out.push({ nsg: s.nsg, rule: s.rule, side: s.side });
      else if (s.kind === 'firewall' && s.action === 'Allow' && s.rule) out.push({ firewall: s.firewall, rule: s.rule, ruleCollection: s.ruleCollection });
      else if (s.kind === 'service' && s.access === 'Allow') out.push({ paasFirewall: s.resource, rule: s.rule });
    }
  }
  return out;
}

export type TraceResult = { ok: true; trace: Trace; alternatives: number } | { ok: false; error: string };

export function traceFlow(dp: DataPlane, q: TraceQuery): TraceResult {
  const usesPorts = q.protocol === 6 || q.protocol === 17;
  const srcPort = usesPorts ? q.srcPort ?? DEFAULT_SOURCE_PORT : 0;
  const dstPort = usesPorts ? q.dstPort ?? 0 : 0;
  const run = runPath(dp, q, traceFilters(dp), (src, dst) =>
    PacketSpace.of({ protocols: IntervalSet.point(q.protocol), src, srcPorts: IntervalSet.point(srcPort), dst: IntervalSet.point(dst), dstPorts: IntervalSet.point(dstPort) }),
  );
  if (run.error) return { ok: false, error: run.error };
  const dstExternal = q.to.kind === 'external' || q.to.kind === 'internet';
  const chosen = run.outcomes.find((o) => isReachable(o, dstExternal)) ?? run.outcomes[0];
  const hops = chosen.hops.slice(1);
  const trace: Trace = {
    flow: {
      src: formatIPv4(run.srcIp),
      dst: run.dstLabel,
      protocol: protocolName(q.protocol),
      ...(usesPorts ? { dstPort, srcPort } : {}),
    },
    reachable: isReachable(chosen, dstExternal),
    disposition: chosen.disposition,
    source: chosen.hops[0],
    hops,
    allowedBy: allowedByOf(chosen.hops),
    stoppedBy: isReachable(chosen, dstExternal) ? null : chosen.stoppedBy,
    caveats: run.caveats.list(),
  };
  return { ok: true, trace, alternatives: run.outcomes.length - 1 };
}
