// Microsoft.Network/virtualNetworks, with its subnets and virtualNetworkPeerings (embedded or
// standalone).

import type {
  PeeringState,
  PrivateEndpointNetworkPolicies,
  ResourceId,
  ServiceEndpoint,
  Subnet,
  VirtualNetwork,
  VirtualNetworkPeering,
} from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import { canonId, parentOf } from '../ids.ts';
import type { Store } from '../store.ts';
import { matchEnum, readPrefixes } from '../values.ts';
import { childIdentity, resourceBase, type ChildIdentity } from './base.ts';

export function readVirtualNetwork(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const space = f.sub('addressSpace');
  const addressSpace = space ? readPrefixes(space, undefined, 'addressPrefixes', 'address space prefix') : [];
  if (space === undefined) f.warn('field.missing', undefined, `virtual network ${b.name} has no addressSpace`);
  const vnet: VirtualNetwork = {
    kind: 'virtualNetwork',
    id: b.id,
    displayId: b.displayId,
    name: b.name,
    location: b.location,
    tags: b.tags,
    source: b.source,
    addressSpace,
    subnetIds: [],
    peeringIds: [],
  };
  const subnets: Subnet[] = [];
  const subnetList = f.list('subnets');
  if (subnetList !== undefined) {
    const listPath = f.atRef('subnets');
    for (let i = 0; i < subnetList.length; i++) {
      const c = f.item(subnetList, listPath, i, 'subnets');
      const who = c && childIdentity(c, b.displayId, 'subnets', 'subnet');
      if (who) subnets.push(buildSubnet(c, who, b.id));
    }
  }
  const peerings: VirtualNetworkPeering[] = [];
  const peeringList = f.list('virtualNetworkPeerings');
  if (peeringList !== undefined) {
    const listPath = f.atRef('virtualNetworkPeerings');
    for (let i = 0; i < peeringList.length; i++) {
      const c = f.item(peeringList, listPath, i, 'virtualNetworkPeerings');
      const who = c && childIdentity(c, b.displayId, 'virtualNetworkPeerings', 'peering');
      const p = who && buildPeering(c, who, b.id);
      if (p) peerings.push(p);
    }
  }
  store.addParent(store.snap.virtualNetworks, vnet, 'virtual network', {
    subnets: f.has('subnets') ? subnets.map((s) => s.id) : undefined,
    virtualNetworkPeerings: f.has('virtualNetworkPeerings') ? peerings.map((p) => p.id) : undefined,
  });
  for (const s of subnets) store.add(store.snap.subnets, s, 'subnet');
  for (const p of peerings) store.add(store.snap.peerings, p, 'peering');
}

/** A subnet that stands alone (`Microsoft.Network/virtualNetworks/subnets`). */
export function readSubnet(f: Fields, store: Store): void {
  const b = resourceBase(f);
  store.add(store.snap.subnets, buildSubnet(f, b, canonId(parentOf(b.displayId))), 'subnet');
}

export function readPeering(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const p = buildPeering(f, b, canonId(parentOf(b.displayId)));
  if (p) store.add(store.snap.peerings, p, 'peering');
}

const PE_POLICIES: readonly PrivateEndpointNetworkPolicies[] = ['Disabled', 'Enabled', 'NetworkSecurityGroupEnabled', 'RouteTableEnabled'];

function buildSubnet(c: Fields, who: ChildIdentity, vnetId: ResourceId): Subnet {
  const addressPrefixes = readPrefixes(c, 'addressPrefix', 'addressPrefixes', 'subnet prefix');
  if (addressPrefixes.length === 0 && !c.has('addressPrefix') && !c.has('addressPrefixes')) {
    c.warn('field.missing', undefined, `subnet ${who.name} has no addressPrefix`);
  }
  const serviceEndpoints: ServiceEndpoint[] = [];
  c.each('serviceEndpoints', (e) => {
    const service = e.str('service');
    if (service !== undefined) serviceEndpoints.push({ service, locations: e.strList('locations').slice() });
  });
  const delegations: string[] = [];
  c.each('delegations', (d) => {
    const name = d.str('serviceName');
    if (name !== undefined) delegations.push(name);
  });
  const policies = c.refs('serviceEndpointPolicies', true);
  if (policies.length > 0) {
    c.info('field.not-evaluated', 'serviceEndpointPolicies', `subnet ${who.name} has service endpoint policies, which are read but not evaluated: answers that reach storage over its service endpoint carry the caveat route.service-endpoint-policy`);
  }
  const pePolicyText = c.str('privateEndpointNetworkPolicies');
  let pePolicy = matchEnum(pePolicyText, PE_POLICIES);
  if (pePolicy === undefined) {
    if (pePolicyText !== undefined) {
      c.warn('field.value', 'privateEndpointNetworkPolicies', `unknown privateEndpointNetworkPolicies '${pePolicyText}'; read as Disabled`);
    }
    pePolicy = 'Disabled';
  }
  return {
    kind: 'subnet',
    id: who.id,
    displayId: who.displayId,
    name: who.name,
    location: undefined,
    tags: {},
    source: c.source(),
    vnetId,
    addressPrefixes,
    nsgId: c.ref('networkSecurityGroup'),
    routeTableId: c.ref('routeTable'),
    natGatewayId: c.ref('natGateway'),
    serviceEndpoints,
    ...(policies.length > 0 ? { serviceEndpointPolicyIds: policies } : {}),
    privateEndpointNetworkPolicies: pePolicy,
    defaultOutboundAccess: c.optBool('defaultOutboundAccess'),
    delegations,
  };
}

const PEERING_STATES: readonly PeeringState[] = ['Initiated', 'Connected', 'Disconnected'];

function buildPeering(c: Fields, who: ChildIdentity, vnetId: ResourceId): VirtualNetworkPeering | undefined {
  const remoteVnetId = c.ref('remoteVirtualNetwork');
  if (remoteVnetId === undefined) {
    c.error('field.missing', 'remoteVirtualNetwork', `peering ${who.name} has no remoteVirtualNetwork.id; skipped`);
    return undefined;
  }
  const spaceKey = c.has('remoteAddressSpace') ? 'remoteAddressSpace' : 'remoteVirtualNetworkAddressSpace';
  const space = c.sub(spaceKey);
  const stateText = c.str('peeringState');
  let peeringState = matchEnum(stateText, PEERING_STATES);
  if (peeringState === undefined) {
    if (stateText !== undefined) {
      c.warn('field.value', 'peeringState', `unknown peeringState '${stateText}'; read as Disconnected`);
      peeringState = 'Disconnected';
    } else {
      c.info('field.missing', 'peeringState', `peering ${who.name} has no peeringState; assumed Connected`);
      peeringState = 'Connected';
    }
  }
  return {
    kind: 'peering',
    id: who.id,
    displayId: who.displayId,
    name: who.name,
    location: undefined,
    tags: {},
    source: c.source(),
    vnetId,
    remoteVnetId,
    remoteAddressSpace: space ? readPrefixes(space, undefined, 'addressPrefixes', 'remote address space prefix') : [],
    allowVirtualNetworkAccess: c.bool('allowVirtualNetworkAccess', true),
    allowForwardedTraffic: c.bool('allowForwardedTraffic', false),
    allowGatewayTransit: c.bool('allowGatewayTransit', false),
    useRemoteGateways: c.bool('useRemoteGateways', false),
    peeringState,
    ...subnetPeering(c),
    ...syncLevel(c),
  };
}

/** `peeringSyncLevel`, kept when the peering is not fully in sync (to be named in caveats). */
function syncLevel(c: Fields): Pick<VirtualNetworkPeering, 'peeringSyncLevel'> {
  const level = c.str('peeringSyncLevel');
  if (level === undefined || level.toLowerCase() === 'fullyinsync') return {};
  c.info('field.not-evaluated', 'peeringSyncLevel', `the peering is ${level}: its routes use the exported address spaces, and answers that use it carry the caveat peering.not-in-sync`);
  return { peeringSyncLevel: level };
}

/** Subnet peering and IPv6-only peering: kept to be named in caveats (see VirtualNetworkPeering.subnetPeering). */
function subnetPeering(c: Fields): Pick<VirtualNetworkPeering, 'subnetPeering'> {
  const complete = c.bool('peerCompleteVnets', true);
  const ipv6Only = c.bool('enableOnlyIPv6Peering', false);
  if (complete && !ipv6Only) return {};
  c.info('field.not-evaluated', ipv6Only ? 'enableOnlyIPv6Peering' : 'peerCompleteVnets', `${ipv6Only ? 'IPv6-only peering' : 'subnet peering'} is read but not evaluated: the peering is treated as complete, and answers that use it carry the caveat peering.subnet-peering`);
  return { subnetPeering: { localSubnetNames: c.strList('localSubnetNames').slice(), remoteSubnetNames: c.strList('remoteSubnetNames').slice(), ipv6Only } };
}
