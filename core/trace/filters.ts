// The filters a packet meets on its way (NSGs, firewalls, PaaS firewalls, peering flags), in two
// implementations with one interface: `trace` evaluates one concrete flow rule by rule (and names
// the deciding rule), `reach` computes the whole set of packets that pass. The forwarding walker
// (walk.ts) uses either, so trace and reach share every routing decision but not the filter code.

import type { AzureFirewall, Direction } from '../model/types.ts';
import type { DataPlane } from '../dataplane/compile.ts';
import { evaluateEndpointFilter, computeEndpointPermits, type FilterPoint } from '../policy/evaluate-endpoint.ts';
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
      return r.access === 'Allow' ? { space, steps, approximate: r.approximate } : { space: PacketSpace.EMPTY, steps, stop: steps[steps.length - 1], approximate: r.approximate };
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
      return { space: r.allowed, steps: [] };
    },
    firewall(fw, space, q) {
      const r = computeFirewallPermits(dp, fw, space, q);
      return { network: r.network, application: r.application, steps: [], notes: r.notes };
    },
  };
}
