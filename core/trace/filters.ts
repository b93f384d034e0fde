// The filters a packet meets on its way (NSGs, firewalls, PaaS firewalls, peering flags), in two
// implementations with one interface: `trace` evaluates one concrete flow rule by rule (and names
// the deciding rule), `reach` computes the whole set of packets that pass. The forwarding walker
// (walk.ts) uses either, so trace and reach share every routing decision but not the filter code.

import type { AzureFirewall, Direction } from '../model/types.ts';
import type { DataPlane } from '../dataplane/compile.ts';
import { evaluateEndpointFilter, computeEndpointPermits, type EndpointPermits, type FilterPoint } from '../policy/evaluate-endpoint.ts';
import type { AddressMatch } from '../policy/compile-nsg.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { ALL_PROTOCOLS } from '../sets/packet-space.ts';
import { ALL_PORTS } from '../sets/ports.ts';
import { evaluateFirewall, computeFirewallPermits, type FirewallQuery } from '../firewall/evaluate-firewall.ts';
import { PacketSpace } from '../sets/packet-space.ts';
import type { Flow } from '../policy/flow.ts';
import type { Step } from './types.ts';
import { nameFromId } from '../model/ids.ts';

export interface FilterResult {
  space: PacketSpace;
  steps: Step[];
  /** A step that stopped (part of) the traffic, for `stoppedBy`. */
  stop?: Step;
  approximate?: boolean;
  /** What the approximation was: the Internet tag (rule 4.3, A4) and/or a tag not in the loaded service tags. */
  approximations?: { internet: boolean; unknownTag: boolean };
}

export interface FirewallResult {
  /** Allowed by network rules (source kept unless SNAT) and by application rules (proxied). */
  network: PacketSpace;
  application: PacketSpace;
  steps: Step[];
  stop?: Step;
  notes: string[];
}

export interface Filters {
  readonly mode: 'trace' | 'reach';
  nsg(point: FilterPoint, direction: Direction, space: PacketSpace): FilterResult;
  firewall(fw: AzureFirewall, space: PacketSpace, q: FirewallQuery): FirewallResult;
}

/** The single packet a trace-mode space holds. */
export function flowOf(space: PacketSpace): Flow | undefined {
  const b = space.boxes[0];
  if (!b) return undefined;
  return { protocol: b.protocols.min()!, src: b.src.min()!, srcPort: b.srcPorts.min()!, dst: b.dst.min()!, dstPort: b.dstPorts.min()! };
}

function nsgName(dp: DataPlane, id: string): string {
  return dp.snapshot.networkSecurityGroups.get(id)?.name ?? nameFromId(id);
}
function nsgDisplay(dp: DataPlane, id: string): string {
  return dp.snapshot.networkSecurityGroups.get(id)?.displayId ?? id;
}

export function traceFilters(dp: DataPlane): Filters {
  return {
    mode: 'trace',
    nsg(point, direction, space) {
      const flow = flowOf(space);
      if (!flow) return { space, steps: [] };
      const r = evaluateEndpointFilter(dp, point, direction, flow);
      const steps: Step[] = r.steps.map((s) => ({
        kind: 'nsg',
        nsg: nsgDisplay(dp, s.nsgId),
        nsgName: nsgName(dp, s.nsgId),
        side: s.side,
        direction,
        rule: `${s.decision.rule.rule.collection}/${s.decision.rule.rule.name}`,
        priority: s.decision.rule.rule.priority,
        access: s.decision.access,
      }));
      const approximations = { internet: false, unknownTag: false };
      for (const s of r.steps) {
        if (!s.decision.approximate) continue;
        const c = s.decision.rule;
        approximations.internet ||= c.src.internet || c.dst.internet;
        approximations.unknownTag ||= c.src.unknownTags.length > 0 || c.dst.unknownTags.length > 0;
      }
      const common = { steps, approximate: r.approximate, approximations };
      return r.access === 'Allow' ? { space, ...common } : { space: PacketSpace.EMPTY, ...common, stop: steps[steps.length - 1] };
    },
    firewall(fw, space, q) {
      const flow = flowOf(space);
      if (!flow) return { network: space, application: PacketSpace.EMPTY, steps: [], notes: [] };
      const d = evaluateFirewall(dp, fw, flow, q);
      const step: Step = { kind: 'firewall', firewall: fw.displayId, action: d.action, ruleType: d.ruleType, rule: d.rule, ruleCollection: d.ruleCollection, ruleCollectionGroup: d.ruleCollectionGroup };
      if (d.action === 'Deny') return { network: PacketSpace.EMPTY, application: PacketSpace.EMPTY, steps: [step], stop: step, notes: d.notes };
      return d.ruleType === 'Application'
        ? { network: PacketSpace.EMPTY, application: space, steps: [step], notes: d.notes }
        : { network: space, application: PacketSpace.EMPTY, steps: [step], notes: d.notes };
    },
  };
}

export function reachFilters(dp: DataPlane): Filters {
  return {
    mode: 'reach',
    nsg(point, direction, space) {
      const r = computeEndpointPermits(dp, point, direction, space);
      const approximations = symbolicApproximations(dp, point, r.perNsg);
      return { space: r.allowed, steps: [], approximate: approximations.internet || approximations.unknownTag, approximations };
    },
    firewall(fw, space, q) {
      const r = computeFirewallPermits(dp, fw, space, q);
      return { network: r.network, application: r.application, steps: [], notes: r.notes };
    },
  };
}

const ALL_IPS = IntervalSet.range(0, 0xffffffff);

/** The addresses of a rule side whose match leans on an approximation (as evaluate-nsg.ts matchAddress decides per address). */
function approximatedAddresses(m: AddressMatch, vnetTag: IntervalSet): IntervalSet {
  const approx = m.internet ? m.fixed : m.approximate;
  return m.virtualNetwork ? approx.subtract(vnetTag) : approx;
}

/**
 * The symbolic counterpart of the per-flow `approximate` flag: some packet of the query was allowed
 * or denied by a rule whose match, for that packet, leaned on the Internet tag or an unknown tag.
 * Trace and reach thus carry the same caveats for the same packets.
 */
function symbolicApproximations(dp: DataPlane, point: FilterPoint, perNsg: EndpointPermits['perNsg']): { internet: boolean; unknownTag: boolean } {
  const out = { internet: false, unknownTag: false };
  const vnetTag = dp.virtualNetworkTag(point.subnetId).set;
  for (const n of perNsg) {
    for (const part of [...n.result.allowedBy, ...n.result.deniedBy]) {
      const c = part.rule;
      if (!c.src.internet && !c.dst.internet && c.src.approximate.isEmpty() && c.dst.approximate.isEmpty()) continue;
      const src = approximatedAddresses(c.src, vnetTag);
      const dst = approximatedAddresses(c.dst, vnetTag);
      const hit =
        (!src.isEmpty() && !part.space.intersectBox({ protocols: ALL_PROTOCOLS, src, srcPorts: ALL_PORTS, dst: ALL_IPS, dstPorts: ALL_PORTS }).isEmpty()) ||
        (!dst.isEmpty() && !part.space.intersectBox({ protocols: ALL_PROTOCOLS, src: ALL_IPS, srcPorts: ALL_PORTS, dst, dstPorts: ALL_PORTS }).isEmpty());
      if (!hit) continue;
      out.internet ||= c.src.internet || c.dst.internet;
      out.unknownTag ||= c.src.unknownTags.length > 0 || c.dst.unknownTags.length > 0;
    }
  }
  return out;
}
