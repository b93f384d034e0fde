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

interface EntryIndex {
  loadBalancers: DataPlane['snapshot']['loadBalancers'];
  applicationGateways: DataPlane['snapshot']['applicationGateways'];
  /** Load balancers in snapshot order, and by every key that can tie a path to an IP configuration. */
  lbList: LoadBalancer[];
  lbsByKey: Map<string, number[]>;
  /** Application Gateways in snapshot order, by backend IP configuration id and backend address. */
  agwList: ApplicationGateway[];
  agwsByKey: Map<string, number[]>;
}

const cache = new WeakMap<DataPlane, EntryIndex>();

function addKey(map: Map<string, number[]>, key: string | undefined, ordinal: number): void {
  if (key === undefined) return;
  const list = map.get(key);
  if (list === undefined) map.set(key, [ordinal]);
  else if (list[list.length - 1] !== ordinal) list.push(ordinal);
}

function build(dp: DataPlane): EntryIndex {
  const s = dp.snapshot;
  const lbList = [...s.loadBalancers.values()];
  const lbsByKey = new Map<string, number[]>();
  lbList.forEach((lb, i) => {
    // A load-balancing rule reaches the members of its backend pools.
    for (const r of lb.loadBalancingRules) for (const p of r.backendPoolIds) addKey(lbsByKey, p, i);
    // An inbound NAT rule: its pool (V2), its backend IP configuration (V1), or the rule itself
    // as the NIC lists it.
    for (const r of lb.inboundNatRules) {
      addKey(lbsByKey, r.backendPoolId, i);
      addKey(lbsByKey, r.backendIpConfigurationId, i);
      addKey(lbsByKey, r.id, i);
    }
  });
  const agwList = [...s.applicationGateways.values()];
  const agwsByKey = new Map<string, number[]>();
  agwList.forEach((agw, i) => {
    for (const p of agw.backendPools) {
      for (const id of p.ipConfigurationIds) addKey(agwsByKey, id, i);
      for (const a of p.addresses) addKey(agwsByKey, a.ipAddress, i);
    }
  });
  return { loadBalancers: s.loadBalancers, applicationGateways: s.applicationGateways, lbList, lbsByKey, agwList, agwsByKey };
}

function indexOf(dp: DataPlane): EntryIndex {
  let x = cache.get(dp);
  // A data plane keeps its snapshot; the check guards against one whose maps were replaced.
  if (!x || x.loadBalancers !== dp.snapshot.loadBalancers || x.applicationGateways !== dp.snapshot.applicationGateways) cache.set(dp, (x = build(dp)));
  return x;
}

/** The items at the ordinals listed under any of `keys`, each once, in snapshot order. */
function gather<T>(list: T[], byKey: Map<string, number[]>, keys: Iterable<string>): T[] {
  let ordinals: number[] | undefined;
  for (const k of keys) {
    const found = byKey.get(k);
    if (found) (ordinals ??= []).push(...found);
  }
  if (!ordinals) return [];
  return [...new Set(ordinals)].sort((a, b) => a - b).map((i) => list[i]);
}

/** Every load balancer that has a rule naming one of the IP configuration's pools, NAT rules, or the IP configuration itself. */
export function loadBalancersFor(dp: DataPlane, ipc: IpConfiguration): LoadBalancer[] {
  const x = indexOf(dp);
  const keys: ResourceId[] = [ipc.id, ...ipc.loadBalancerBackendPoolIds, ...ipc.loadBalancerInboundNatRuleIds];
  return gather(x.lbList, x.lbsByKey, keys);
}

/** Every Application Gateway with a backend pool naming the IP configuration or the address. */
export function applicationGatewaysFor(dp: DataPlane, ipc: IpConfiguration | undefined, address: string): ApplicationGateway[] {
  const x = indexOf(dp);
  return gather(x.agwList, x.agwsByKey, ipc ? [ipc.id, address] : [address]);
}

/** Load balancers with outbound rules, by the backend pools those rules name; per load balancer map of a snapshot. */
const outboundCache = new WeakMap<Snapshot['loadBalancers'], { list: LoadBalancer[]; byPool: Map<string, number[]> }>();

/** Every load balancer with an outbound rule for one of the IP configuration's backend pools, in snapshot order. */
export function outboundBalancersFor(s: Snapshot, ipc: IpConfiguration): LoadBalancer[] {
  if (ipc.loadBalancerBackendPoolIds.length === 0) return [];
  let x = outboundCache.get(s.loadBalancers);
  if (!x) {
    const list = [...s.loadBalancers.values()];
    const byPool = new Map<string, number[]>();
    list.forEach((lb, i) => {
      for (const r of lb.outboundRules) addKey(byPool, r.backendPoolId, i);
    });
    outboundCache.set(s.loadBalancers, (x = { list, byPool }));
  }
  return gather(x.list, x.byPool, ipc.loadBalancerBackendPoolIds);
}
