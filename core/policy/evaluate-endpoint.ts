// NSG filtering at one endpoint (a NIC or a private endpoint) for one direction: inbound the subnet
// NSG then the NIC NSG (rule 3.2), outbound the NIC NSG then the subnet NSG (rule 3.3); both must
// allow and the first deny ends it (3.4); a level without an NSG allows (3.5).

import type { Direction, ResourceId } from '../model/types.ts';
import type { DataPlane } from '../dataplane/compile.ts';
import { PacketSpace } from '../sets/packet-space.ts';
import { evaluateNsg, type NsgDecision } from './evaluate-nsg.ts';
import { computeNsgPermits, type SymbolicNsgResult } from './symbolic-nsg.ts';
import type { Flow } from './flow.ts';
import { withAnySourcePort, type CompiledNsg } from './compile-nsg.ts';

export type NsgSide = 'source-nic' | 'source-subnet' | 'destination-subnet' | 'destination-nic';

/** Where NSGs apply for one endpoint. */
export interface FilterPoint {
  subnetId: ResourceId;
  subnetNsgId?: ResourceId;
  nicNsgId?: ResourceId;
  /** A private endpoint's point: inbound rules ignore source ports (rule 3.14). */
  anySourcePort?: true;
}

/** The compiled NSG `nsgId` as it judges traffic at `point` in `direction` (rule 3.14 at private endpoints). */
export function nsgAt(dp: DataPlane, point: FilterPoint, nsgId: ResourceId, direction: Direction): CompiledNsg | undefined {
  const nsg = dp.compiledNsg(nsgId);
  return nsg && point.anySourcePort && direction === 'Inbound' ? withAnySourcePort(nsg) : nsg;
}

export interface NsgStep {
  nsgId: ResourceId;
  side: NsgSide;
  decision: NsgDecision;
}

export interface EndpointFilterResult {
  access: 'Allow' | 'Deny';
  steps: NsgStep[];
  approximate: boolean;
}

/**
 * The NSGs that apply to an endpoint. Private endpoints are filtered by their subnet's NSG only when
 * the subnet enables NSG network policies (rules 3.14, 11.4); they have no NIC NSG of their own.
 */
export function filterPointFor(dp: DataPlane, subnetId: ResourceId, nicId: ResourceId | undefined, isPrivateEndpoint: boolean): FilterPoint {
  const subnet = dp.snapshot.subnets.get(subnetId);
  if (isPrivateEndpoint) {
    const policy = subnet?.privateEndpointNetworkPolicies ?? 'Disabled';
    const nsgApplies = policy === 'Enabled' || policy === 'NetworkSecurityGroupEnabled';
    return { subnetId, subnetNsgId: nsgApplies ? subnet?.nsgId : undefined, anySourcePort: true };
  }
  const nic = nicId ? dp.snapshot.networkInterfaces.get(nicId) : undefined;
  return { subnetId, subnetNsgId: subnet?.nsgId, nicNsgId: nic?.nsgId };
}

function order(point: FilterPoint, direction: Direction): { nsgId: ResourceId; side: NsgSide }[] {
  const list: { nsgId: ResourceId | undefined; side: NsgSide }[] =
    direction === 'Inbound'
      ? [{ nsgId: point.subnetNsgId, side: 'destination-subnet' }, { nsgId: point.nicNsgId, side: 'destination-nic' }]
      : [{ nsgId: point.nicNsgId, side: 'source-nic' }, { nsgId: point.subnetNsgId, side: 'source-subnet' }];
  return list.filter((x): x is { nsgId: ResourceId; side: NsgSide } => x.nsgId !== undefined);
}

export function evaluateEndpointFilter(dp: DataPlane, point: FilterPoint, direction: Direction, flow: Flow): EndpointFilterResult {
  const vnetTag = dp.virtualNetworkTag(point.subnetId).set;
  const steps: NsgStep[] = [];
  let approximate = false;
  for (const { nsgId, side } of order(point, direction)) {
    const nsg = nsgAt(dp, point, nsgId, direction);
    if (!nsg) continue; // dangling reference: reported by the importer; no NSG to apply
    const decision = evaluateNsg(nsg, direction, flow, vnetTag);
    steps.push({ nsgId, side, decision });
    approximate ||= decision.approximate;
    if (decision.access === 'Deny') return { access: 'Deny', steps, approximate };
  }
  return { access: 'Allow', steps, approximate };
}

export interface EndpointPermits {
  allowed: PacketSpace;
  perNsg: { nsgId: ResourceId; side: NsgSide; result: SymbolicNsgResult }[];
}

/** Symbolic counterpart of evaluateEndpointFilter: the part of `query` both NSGs allow. */
export function computeEndpointPermits(dp: DataPlane, point: FilterPoint, direction: Direction, query: PacketSpace): EndpointPermits {
  const vnetTag = dp.virtualNetworkTag(point.subnetId).set;
  let allowed = query;
  const perNsg: EndpointPermits['perNsg'] = [];
  for (const { nsgId, side } of order(point, direction)) {
    const nsg = nsgAt(dp, point, nsgId, direction);
    if (!nsg) continue;
    const result = computeNsgPermits(nsg, direction, allowed, vnetTag);
    perNsg.push({ nsgId, side, result });
    allowed = result.allowed;
    if (allowed.isEmpty()) break;
  }
  return { allowed, perNsg };
}

export { PacketSpace };
