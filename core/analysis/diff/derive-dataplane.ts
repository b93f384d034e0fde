// The data plane after a change, recompiling only what the change touches (DESIGN.md: "What-if
// recompiles only what a change touches"). When the change leaves VNets, peerings, gateways and
// every address where they were (NSGs, rules, associations, route tables, firewall rules, storage
// firewalls, public IPs...), the topology and the address index of the snapshot before are reused,
// compiled NSGs and effective routes of untouched NSGs and subnets come from its caches, and only
// the rest is compiled, lazily, from the snapshot after. Any other change compiles from scratch.

import type { DataPlane } from '../../dataplane/compile.ts';
import type { Endpoint } from '../../dataplane/address-index.ts';
import { SubnetCache, backendPoolIndex, buildAsgMembers, compile, nsgAssociations, privateEndpointRoutes, routeKey, tagKey } from '../../dataplane/compile.ts';
import { computeEffectiveRoutes, type EffectiveRouteTable, type RouteContext } from '../../dataplane/effective-routes.ts';
import { computeVirtualNetworkTag, type VirtualNetworkTag } from '../../dataplane/virtual-network-tag.ts';
import type { IpConfiguration, ModelResource, NetworkSecurityGroup, ResourceId, Snapshot, Subnet } from '../../model/types.ts';
import { compileNsg, type CompiledNsg } from '../../policy/compile-nsg.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { modelEqual, type ResourceChange, type SnapshotDiff } from './snapshot-diff.ts';

/** Subnet fields read only at walk time (or by NSG association), never by routes or addresses. */
const SUBNET_LIGHT = new Set(['nsgId', 'natGatewayId', 'defaultOutboundAccess', 'delegations', 'tags', 'routeTableId', 'serviceEndpoints']);
const NIC_LIGHT = new Set(['nsgId', 'tags', 'vmId', 'enableIpForwarding', 'ipConfigurations', 'location']);
const IPC_HEAVY: (keyof IpConfiguration)[] = ['privateIp', 'subnetId', 'nicId', 'id'];

function ipConfigsLight(a: IpConfiguration[], b: IpConfiguration[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) for (const k of IPC_HEAVY) if (a[i][k] !== b[i][k]) return false;
  return true;
}

function asgKey(ipcs: IpConfiguration[]): string {
  return ipcs.map((c) => `${c.privateIp ?? ''}:${[...c.asgIds].sort().join(',')}`).join(';');
}

interface Plan {
  /** The change can reuse the topology and address index of the snapshot before. */
  reusable: boolean;
  nsgIds: Set<ResourceId>;
  asgChanged: boolean;
  /** Subnets whose effective routes and VirtualNetwork tag must be recomputed. */
  routeSubnets: Set<ResourceId>;
  routeTables: Set<ResourceId>;
  associationsChanged: boolean;
}

function plan(diff: SnapshotDiff): Plan {
  const p: Plan = { reusable: !diff.serviceTagsChanged, nsgIds: new Set(), asgChanged: false, routeSubnets: new Set(), routeTables: new Set(), associationsChanged: false };
  const heavy = (c: ResourceChange) => {
    void c;
    p.reusable = false;
  };
  for (const c of diff.changes) {
    const before = c.before as ModelResource | undefined;
    const after = c.after as ModelResource | undefined;
    switch (c.collection) {
      case 'networkSecurityGroups':
        p.nsgIds.add(c.id);
        break;
      case 'applicationSecurityGroups':
      case 'storageAccounts':
      case 'publicIpAddresses':
      case 'natGateways':
      case 'firewallPolicies':
      case 'firewallPolicyRuleCollectionGroups':
      case 'ipGroups':
      case 'virtualMachines':
        break;
      case 'routeTables':
        p.routeTables.add(c.id);
        break;
      case 'subnets':
        if (c.change !== 'modified' || !c.fields.every((f) => SUBNET_LIGHT.has(f))) heavy(c);
        else {
          if (c.fields.includes('nsgId')) p.associationsChanged = true;
          if (c.fields.includes('routeTableId') || c.fields.includes('serviceEndpoints')) p.routeSubnets.add(c.id);
        }
        break;
      case 'networkInterfaces':
        if (c.change !== 'modified' || !c.fields.every((f) => NIC_LIGHT.has(f)) || before?.kind !== 'networkInterface' || after?.kind !== 'networkInterface') heavy(c);
        else {
          if (!ipConfigsLight(before.ipConfigurations, after.ipConfigurations)) heavy(c);
          if (asgKey(before.ipConfigurations) !== asgKey(after.ipConfigurations)) p.asgChanged = true;
          if (c.fields.includes('nsgId')) p.associationsChanged = true;
        }
        break;
      case 'azureFirewalls':
        if (c.change !== 'modified' || before?.kind !== 'azureFirewall' || after?.kind !== 'azureFirewall' || !modelEqual(before.ipConfigurations, after.ipConfigurations)) heavy(c);
        break;
      case 'loadBalancers':
        if (c.change !== 'modified' || before?.kind !== 'loadBalancer' || after?.kind !== 'loadBalancer' || !modelEqual(before.frontends, after.frontends)) heavy(c);
        break;
      case 'applicationGateways':
        if (c.change !== 'modified' || before?.kind !== 'applicationGateway' || after?.kind !== 'applicationGateway' || !modelEqual(before.frontends, after.frontends) || before.subnetId !== after.subnetId) heavy(c);
        break;
      default:
        heavy(c);
    }
  }
  return p;
}

export interface DerivedDataPlane {
  dp: DataPlane;
  /** True when caches of the data plane before were reused. */
  reused: boolean;
}

/** The data plane of `after`, reusing what `before` compiled where the change allows it. */
export function deriveDataPlane(before: DataPlane, after: Snapshot, diff: SnapshotDiff): DerivedDataPlane {
  const p = plan(diff);
  if (!p.reusable) return { dp: compile(after), reused: false };
  const asgMembers = p.asgChanged ? buildAsgMembers(after) : before.asgMembers;
  const { subnetsByNsg, nicsByNsg } = p.associationsChanged ? nsgAssociations(after) : { subnetsByNsg: before.subnetsByNsg, nicsByNsg: before.nicsByNsg };
  const fresh = (s: Subnet | undefined): boolean => !!s && (p.routeSubnets.has(s.id) || (!!s.routeTableId && p.routeTables.has(s.routeTableId)));
  // Built on the first route table recompiled (a change to rules alone never needs it).
  let routeCtx: RouteContext | undefined;
  const routeContext = (): RouteContext => (routeCtx ??= { snapshot: after, topology: before.topology, tags: before.tags, privateEndpointsByVnet: privateEndpointRoutes(before.addresses) });
  const routes = new SubnetCache<EffectiveRouteTable>(routeKey, (s) => computeEffectiveRoutes(routeContext(), s));
  const vnetTags = new SubnetCache<VirtualNetworkTag>(tagKey, (s) => computeVirtualNetworkTag(after, before.topology, s));
  const nsgCache = new Map<ResourceId, CompiledNsg>();
  // Load balancer pool members (as compile.ts indexes them) when NICs changed, else the old index.
  const nicsChanged = diff.byCollection.has('networkInterfaces');
  let poolIndex: Map<ResourceId, Endpoint[]> | undefined;
  const buildPoolIndex = (): Map<ResourceId, Endpoint[]> => backendPoolIndex(before.addresses, after);
  const dp: DataPlane = {
    ...before,
    snapshot: after,
    asgMembers,
    subnetsByNsg,
    nicsByNsg,
    routesForSubnet(subnetId) {
      const s = after.subnets.get(subnetId);
      if (!s) return undefined;
      return fresh(s) ? routes.get(s) : before.routesForSubnet(subnetId);
    },
    virtualNetworkTag(subnetId) {
      const s = after.subnets.get(subnetId);
      if (!s) return { set: IntervalSet.EMPTY, fromUserRoutes: IntervalSet.EMPTY };
      return fresh(s) ? vnetTags.get(s) : before.virtualNetworkTag(subnetId);
    },
    compiledNsg(nsgId) {
      if (!p.asgChanged && !p.nsgIds.has(nsgId)) return before.compiledNsg(nsgId);
      let c = nsgCache.get(nsgId);
      if (c) return c;
      const nsg: NetworkSecurityGroup | undefined = after.networkSecurityGroups.get(nsgId);
      if (!nsg) return undefined;
      nsgCache.set(nsgId, (c = compileNsg(nsg, before.tags, asgMembers)));
      return c;
    },
    backendPoolMembers(poolId) {
      if (!nicsChanged) return before.backendPoolMembers(poolId);
      poolIndex ??= buildPoolIndex();
      return poolIndex.get(poolId) ?? [];
    },
    compileAll() {
      for (const id of after.subnets.keys()) {
        dp.routesForSubnet(id);
        dp.virtualNetworkTag(id);
      }
      for (const id of after.networkSecurityGroups.keys()) dp.compiledNsg(id);
    },
  };
  return { dp, reused: true };
}
