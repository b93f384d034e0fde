// Which load balancers and Application Gateways name an endpoint's IP configuration (in a pool, a
// NAT rule or an outbound rule), found through an index instead of by reading every one of them for
// every endpoint. enterFromInternet looped over all load balancers and gateways of the snapshot for
// each endpoint it was asked about, and egressForNic over all load balancers for each NIC: exposure
// asks about every endpoint with a public entry and the egress findings about every NIC of an
// internet-routed subnet, so the work grew with endpoints times load balancers (tier XL, 4x tier
// L's estate: 13x its time in enterFromInternet).
//
// Each lookup is a superset: it gives every load balancer (gateway) that names one of the
// endpoint's keys anywhere a path could come from, in the snapshot's order; the callers still check
// each one exactly as before, so their answers do not change.

import type { DataPlane } from '../dataplane/compile.ts';
import type { ApplicationGateway, LoadBalancer, NetworkInterface, ResourceId, Snapshot } from '../model/types.ts';

type IpConfiguration = NetworkInterface['ipConfigurations'][number];

/** Items in snapshot order, and the ordinals of those that name each key. */
interface Keyed<T> {
  list: T[];
  byKey: Map<string, number[]>;
}

/**
 * Per map of a snapshot (a what-if snapshot has maps of its own). Built on first use: the maps are
 * complete by then, as the importer and the change files fill them before any question is asked.
 */
const balancerIndexes = new WeakMap<Snapshot['loadBalancers'], { ways: Keyed<LoadBalancer>; outbound: Keyed<LoadBalancer> }>();
const gatewayIndexes = new WeakMap<Snapshot['applicationGateways'], Keyed<ApplicationGateway>>();

function addKey(map: Map<string, number[]>, key: string | undefined, ordinal: number): void {
  if (key === undefined) return;
  const list = map.get(key);
  if (list === undefined) map.set(key, [ordinal]);
  else if (list[list.length - 1] !== ordinal) list.push(ordinal);
}

function balancers(s: Snapshot): { ways: Keyed<LoadBalancer>; outbound: Keyed<LoadBalancer> } {
  let x = balancerIndexes.get(s.loadBalancers);
  if (x) return x;
  const list = [...s.loadBalancers.values()];
  const ways = new Map<string, number[]>();
  const outbound = new Map<string, number[]>();
  list.forEach((lb, i) => {
    // A load-balancing rule reaches the members of its backend pools.
    for (const r of lb.loadBalancingRules) for (const p of r.backendPoolIds) addKey(ways, p, i);
    // An inbound NAT rule: its pool (V2), its backend IP configuration (V1), or the rule itself
    // as the NIC lists it.
    for (const r of lb.inboundNatRules) {
      addKey(ways, r.backendPoolId, i);
      addKey(ways, r.backendIpConfigurationId, i);
      addKey(ways, r.id, i);
    }
    for (const r of lb.outboundRules) addKey(outbound, r.backendPoolId, i);
  });
  balancerIndexes.set(s.loadBalancers, (x = { ways: { list, byKey: ways }, outbound: { list, byKey: outbound } }));
  return x;
}

function gateways(s: Snapshot): Keyed<ApplicationGateway> {
  let x = gatewayIndexes.get(s.applicationGateways);
  if (x) return x;
  const list = [...s.applicationGateways.values()];
  const byKey = new Map<string, number[]>();
  list.forEach((agw, i) => {
    for (const p of agw.backendPools) {
      for (const id of p.ipConfigurationIds) addKey(byKey, id, i);
      for (const a of p.addresses) addKey(byKey, a.ipAddress, i);
    }
  });
  gatewayIndexes.set(s.applicationGateways, (x = { list, byKey }));
  return x;
}

/** The items listed under any of `keys`, each once, in snapshot order. */
function gather<T>(index: Keyed<T>, keys: Iterable<string>): T[] {
  let ordinals: number[] | undefined;
  for (const k of keys) {
    const found = index.byKey.get(k);
    if (found) (ordinals ??= []).push(...found);
  }
  if (!ordinals) return [];
  return [...new Set(ordinals)].sort((a, b) => a - b).map((i) => index.list[i]);
}

/** Every load balancer that has a rule naming one of the IP configuration's pools, NAT rules, or the IP configuration itself. */
export function loadBalancersFor(dp: DataPlane, ipc: IpConfiguration): LoadBalancer[] {
  const keys: ResourceId[] = [ipc.id, ...ipc.loadBalancerBackendPoolIds, ...ipc.loadBalancerInboundNatRuleIds];
  return gather(balancers(dp.snapshot).ways, keys);
}

/** Every Application Gateway with a backend pool naming the IP configuration or the address. */
export function applicationGatewaysFor(dp: DataPlane, ipc: IpConfiguration | undefined, address: string): ApplicationGateway[] {
  return gather(gateways(dp.snapshot), ipc ? [ipc.id, address] : [address]);
}

/** Every load balancer with an outbound rule for one of the IP configuration's backend pools, in snapshot order. */
export function outboundBalancersFor(s: Snapshot, ipc: IpConfiguration): LoadBalancer[] {
  if (ipc.loadBalancerBackendPoolIds.length === 0) return [];
  return gather(balancers(s).outbound, ipc.loadBalancerBackendPoolIds);
}
