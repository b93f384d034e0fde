// compile(snapshot) -> DataPlane: the indexes every question reuses. Per-subnet route tables,
// VirtualNetwork tags and compiled NSGs are computed on first use and cached, keyed so that
// subnets that no route or tag tells apart share one computation.

import type { NetworkSecurityGroup, ResourceId, Snapshot, Subnet } from '../model/types.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { addressText, parseIPv4 } from '../sets/ipv4.ts';
import { type AsgMembers, type CompiledNsg, RulePartsCache, compileNsg } from '../policy/compile-nsg.ts';
import { type AddressIndex, type Endpoint, buildAddressIndex } from './address-index.ts';
import { type EffectiveRouteTable, type RouteContext, computeEffectiveRoutes } from './effective-routes.ts';
import { ServiceTagResolver } from './service-tag-resolver.ts';
import { type Topology, buildTopology } from './topology.ts';
import { type VirtualNetworkTag, computeVirtualNetworkTag } from './virtual-network-tag.ts';

export interface DataPlane {
  snapshot: Snapshot;
  topology: Topology;
  tags: ServiceTagResolver;
  addresses: AddressIndex;
  asgMembers: AsgMembers;
  routesForSubnet(subnetId: ResourceId): EffectiveRouteTable | undefined;
  virtualNetworkTag(subnetId: ResourceId): VirtualNetworkTag;
  compiledNsg(nsgId: ResourceId): CompiledNsg | undefined;
  /** Subnets by NSG and NICs by NSG (associations, rule 3.1). */
  subnetsByNsg: Map<ResourceId, ResourceId[]>;
  nicsByNsg: Map<ResourceId, ResourceId[]>;
  /** NIC endpoints in a load balancer backend pool, in address order (built on first use). */
  backendPoolMembers(poolId: ResourceId): Endpoint[];
  /** Force every lazy table (for benchmarks and whole-estate questions). */
  compileAll(): void;
}

/** ASG id -> the private IPs of its member ip configurations (shared with what-if's derived data plane). */
export function buildAsgMembers(snapshot: Snapshot): AsgMembers {
  const ranges = new Map<ResourceId, [number, number][]>();
  for (const nic of snapshot.networkInterfaces.values()) {
    for (const ipc of nic.ipConfigurations) {
      const ip = ipc.privateIp ? parseIPv4(addressText(ipc.privateIp)) : undefined;
      if (ip === undefined) continue;
      for (const asg of ipc.asgIds) {
        let list = ranges.get(asg);
        if (list === undefined) ranges.set(asg, (list = []));
        list.push([ip, ip]);
      }
    }
  }
  const out: AsgMembers = new Map();
  for (const [id, r] of ranges) out.set(id, IntervalSet.fromRanges(r));
  return out;
}

/** Subnets with equal keys have equal effective routes (their VNet, route table and service endpoints). */
export function routeKey(s: Subnet): string {
  const se = s.serviceEndpoints.map((e) => `${e.service.toLowerCase()}@${e.locations.join('+').toLowerCase()}`).sort().join(',');
  return `${s.vnetId}|${s.routeTableId ?? ''}|${se}`;
}

/** Subnets with equal keys have the same VirtualNetwork tag (their VNet and route table, rule A3). */
export function tagKey(s: Subnet): string {
  return `${s.vnetId}|${s.routeTableId ?? ''}`;
}

/**
 * A per-subnet result computed once per key (look-alike subnets share it) and remembered per
 * Subnet object too: walks ask for routes and tags on every hop, and building the key string on
 * each call was a hot spot.
 */
export class SubnetCache<T> {
  private readonly byKey = new Map<string, T>();
  private readonly bySubnet = new WeakMap<Subnet, T>();

  constructor(
    private readonly keyOf: (s: Subnet) => string,
    private readonly compute: (s: Subnet) => T,
  ) {}

  get(s: Subnet): T {
    let t = this.bySubnet.get(s);
    if (t !== undefined) return t;
    const k = this.keyOf(s);
    t = this.byKey.get(k);
    if (t === undefined) this.byKey.set(k, (t = this.compute(s)));
    this.bySubnet.set(s, t);
    return t;
  }
}

/** Private endpoints by VNet, each with its /32 prefix built once (its route is in every table of its VNet and of the VNets peered with it). */
export function privateEndpointRoutes(addresses: AddressIndex): RouteContext['privateEndpointsByVnet'] {
  const out: RouteContext['privateEndpointsByVnet'] = new Map();
  for (const list of addresses.byVnet.values()) {
    for (const e of list.values()) {
      if (e.kind !== 'privateEndpoint') continue;
      const arr = out.get(e.vnetId) ?? [];
      arr.push({ ip: e.ipText, prefix: `${e.ipText}/32`, privateEndpointId: e.privateEndpointId, nicId: e.nicId, subnetId: e.subnetId });
      out.set(e.vnetId, arr);
    }
  }
  return out;
}

/** Subnets by NSG and NICs by NSG (associations, rule 3.1). */
export function nsgAssociations(snapshot: Snapshot): { subnetsByNsg: Map<ResourceId, ResourceId[]>; nicsByNsg: Map<ResourceId, ResourceId[]> } {
  const subnetsByNsg = new Map<ResourceId, ResourceId[]>();
  for (const s of snapshot.subnets.values()) {
    if (!s.nsgId) continue;
    const l = subnetsByNsg.get(s.nsgId) ?? [];
    l.push(s.id);
    subnetsByNsg.set(s.nsgId, l);
  }
  const nicsByNsg = new Map<ResourceId, ResourceId[]>();
  for (const n of snapshot.networkInterfaces.values()) {
    if (!n.nsgId) continue;
    const l = nicsByNsg.get(n.nsgId) ?? [];
    l.push(n.id);
    nicsByNsg.set(n.nsgId, l);
  }
  return { subnetsByNsg, nicsByNsg };
}

/** Load balancer backend pool id -> the NIC endpoints of `snapshot` in it, by IP. */
export function backendPoolIndex(addresses: AddressIndex, snapshot: Snapshot): Map<ResourceId, Endpoint[]> {
  const m = new Map<ResourceId, Endpoint[]>();
  for (const byIp of addresses.byVnet.values()) {
    for (const e of byIp.values()) {
      if (e.kind !== 'nic') continue;
      const ipc = snapshot.networkInterfaces.get(e.nicId)?.ipConfigurations.find((c) => c.id === e.ipConfigurationId);
      for (const pool of ipc?.loadBalancerBackendPoolIds ?? []) {
        const members = m.get(pool);
        if (members) members.push(e);
        else m.set(pool, [e]);
      }
    }
  }
  for (const list of m.values()) list.sort((a, b) => a.ip - b.ip);
  return m;
}

export function compile(snapshot: Snapshot): DataPlane {
  const topology = buildTopology(snapshot);
  const tags = new ServiceTagResolver(snapshot.serviceTags);
  const addresses = buildAddressIndex(snapshot);
  const asgMembers = buildAsgMembers(snapshot);

  const privateEndpointsByVnet = privateEndpointRoutes(addresses);
  const routeCtx: RouteContext = { snapshot, topology, tags, privateEndpointsByVnet };

  const { subnetsByNsg, nicsByNsg } = nsgAssociations(snapshot);

  let poolIndex: Map<ResourceId, Endpoint[]> | undefined;
  const buildPoolIndex = (): Map<ResourceId, Endpoint[]> => backendPoolIndex(addresses, snapshot);

  const routes = new SubnetCache<EffectiveRouteTable>(routeKey, (s) => computeEffectiveRoutes(routeCtx, s));
  const vnetTags = new SubnetCache<VirtualNetworkTag>(tagKey, (s) => computeVirtualNetworkTag(snapshot, topology, s));
  const nsgCache = new Map<ResourceId, CompiledNsg>();
  const ruleParts = new RulePartsCache(tags, asgMembers);

  const dp: DataPlane = {
    snapshot,
    topology,
    tags,
    addresses,
    asgMembers,
    subnetsByNsg,
    nicsByNsg,
    routesForSubnet(subnetId) {
      const s = snapshot.subnets.get(subnetId);
      return s ? routes.get(s) : undefined;
    },
    virtualNetworkTag(subnetId) {
      const s = snapshot.subnets.get(subnetId);
      return s ? vnetTags.get(s) : { set: IntervalSet.EMPTY, fromUserRoutes: IntervalSet.EMPTY };
    },
    compiledNsg(nsgId) {
      let c = nsgCache.get(nsgId);
      if (c) return c;
      const nsg: NetworkSecurityGroup | undefined = snapshot.networkSecurityGroups.get(nsgId);
      if (!nsg) return undefined;
      nsgCache.set(nsgId, (c = compileNsg(nsg, tags, asgMembers, ruleParts)));
      return c;
    },
    backendPoolMembers(poolId) {
      poolIndex ??= buildPoolIndex();
      return poolIndex.get(poolId) ?? [];
    },
    compileAll() {
      for (const id of snapshot.subnets.keys()) {
        dp.routesForSubnet(id);
        dp.virtualNetworkTag(id);
      }
      for (const id of snapshot.networkSecurityGroups.keys()) dp.compiledNsg(id);
    },
  };
  return dp;
}
