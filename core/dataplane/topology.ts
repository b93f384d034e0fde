// The VNet-level facts everything else needs: address spaces, connected peerings, gateways and the
// prefixes those gateways learn. Computed once per snapshot.

import type { Connection, ResourceId, Snapshot, VirtualNetworkPeering, VirtualNetworkGateway } from '../model/types.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { cidrsToSet, parseCidr } from '../sets/cidr.ts';
import { type Caveat, CAVEATS } from './caveats.ts';

export interface PeerLink {
  /** The peering object in the local VNet. */
  local: VirtualNetworkPeering;
  /** The reverse peering in the remote VNet, when the input has it. */
  remote?: VirtualNetworkPeering;
  remoteVnetId: ResourceId;
  remoteAddressSpace: string[];
  remoteSet: IntervalSet;
  /** Both halves Connected (rule 8.2). */
  connected: boolean;
}

export interface LearnedPrefix {
  prefix: string;
  /** The gateway that learned it (may be a remote hub's gateway, through gateway transit). */
  gatewayId: ResourceId;
  connectionId: ResourceId;
  /** True when learned through a peering's gateway transit (rule 8.7). */
  viaTransit: boolean;
  /** VNet-to-VNet: the gateway of the remote VNet (in the input), through which traffic enters it. */
  remoteGatewayId?: ResourceId;
}

export interface VnetInfo {
  id: ResourceId;
  addressSpace: string[];
  addressSet: IntervalSet;
  peers: PeerLink[];
  /** Gateways deployed in this VNet's GatewaySubnet. */
  gatewayIds: ResourceId[];
  /** The gateway(s) whose routes this VNet receives: its own, or the hub's through transit. */
  effectiveGatewayIds: ResourceId[];
  /** The peering through which this VNet uses a remote gateway (rule 8.7). */
  transitPeering?: PeerLink;
  learned: LearnedPrefix[];
  caveats: Caveat[];
}

export interface Topology {
  vnets: Map<ResourceId, VnetInfo>;
  /**
   * VNets that Azure Virtual Network Manager security admin rules may cover (rule 3.11): evaluated
   * before their NSGs, not modelled. Empty in the common case, so NSG evaluations test `size` first.
   */
  securityAdminVnets: ReadonlySet<ResourceId>;
  /** Connections per gateway id. */
  gatewayConnections: Map<ResourceId, ResourceId[]>;
}

function isConnected(p: VirtualNetworkPeering | undefined): boolean {
  return p !== undefined && p.peeringState === 'Connected';
}

/** Rule 9.2: an ExpressRoute connection (by its type, or by its peer, an ExpressRoute circuit). */
function isExpressRoute(conn: Connection): boolean {
  return conn.connectionType.toLowerCase() === 'expressroute' || (conn.peerId?.includes('/expressroutecircuits/') ?? false);
}

function addCaveat(caveats: Caveat[], c: Caveat): void {
  if (!caveats.includes(c)) caveats.push(c);
}

function gatewayLearnedPrefixes(snapshot: Snapshot, gw: VirtualNetworkGateway, caveats: Caveat[]): LearnedPrefix[] {
  const out: LearnedPrefix[] = [];
  // Rule 9.2: an ExpressRoute gateway learns its routes over BGP, whether or not the export holds
  // its connection to the circuit.
  if (gw.gatewayType.toLowerCase() === 'expressroute') addCaveat(caveats, CAVEATS.expressRoutePrefixes);
  // VNet-to-VNet: Azure creates one connection resource per side (a->b, b->a); the remote VNet's
  // ranges are one route however many of the two the export holds.
  const vnet2vnetLearned = new Set<ResourceId>();
  const connections = [...snapshot.connections.values()].filter((c) => c.virtualNetworkGateway1Id === gw.id || c.virtualNetworkGateway2Id === gw.id);
  // This gateway's own connections (gateway 1) first, so that they name the routes.
  connections.sort((x, y) => Number(x.virtualNetworkGateway1Id !== gw.id) - Number(y.virtualNetworkGateway1Id !== gw.id));
  for (const conn of connections) {
    if (conn.connectionStatus === undefined) addCaveat(caveats, CAVEATS.connectionStatusMissing);
    else if (conn.connectionStatus !== 'Connected') continue;
    // Rule 9.2: ExpressRoute learns its prefixes over BGP from the circuit; the export holds none.
    // Checked before the other side: an ExpressRoute connection names a circuit (`peer`), not a
    // local network gateway or a second VNet gateway.
    if (isExpressRoute(conn)) {
      addCaveat(caveats, CAVEATS.expressRoutePrefixes);
      continue;
    }
    if (conn.virtualNetworkGateway1Id === gw.id && conn.localNetworkGateway2Id) {
      const lng = snapshot.localNetworkGateways.get(conn.localNetworkGateway2Id);
      if (!lng) continue;
      for (const prefix of lng.addressPrefixes) out.push({ prefix, gatewayId: gw.id, connectionId: conn.id, viaTransit: false });
      if (conn.enableBgp) {
        addCaveat(caveats, CAVEATS.bgpLearned);
        if (lng.bgpPeeringAddress) out.push({ prefix: `${lng.bgpPeeringAddress}/32`, gatewayId: gw.id, connectionId: conn.id, viaTransit: false });
      }
      continue;
    }
    const remoteGwId = conn.virtualNetworkGateway1Id === gw.id ? conn.virtualNetworkGateway2Id : conn.virtualNetworkGateway1Id;
    if (!remoteGwId || vnet2vnetLearned.has(remoteGwId)) continue;
    vnet2vnetLearned.add(remoteGwId);
    // VNet-to-VNet: the remote gateway's VNet address space (rule 4.1 "virtual networks connected
    // to a virtual network gateway").
    const remoteGw = snapshot.virtualNetworkGateways.get(remoteGwId);
    const remoteVnet = remoteGw?.vnetId ? snapshot.virtualNetworks.get(remoteGw.vnetId) : undefined;
    for (const prefix of remoteVnet?.addressSpace ?? []) out.push({ prefix, gatewayId: gw.id, connectionId: conn.id, viaTransit: false, ...(remoteVnet ? { remoteGatewayId: remoteGwId } : {}) });
  }
  return out;
}

/**
 * The VNets Azure Virtual Network Manager may act on. Its security admin rules are evaluated before
 * NSGs (rule 3.11, https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins)
 * and its connectivity configurations connect VNets without peerings; neither is modelled. Which
 * VNets a configuration reaches depends on network-group membership, which can be dynamic (Azure
 * Policy) and is not in exports: so when the input holds any networkManagers resource (listed as
 * unsupported), every VNet is taken as covered.
 */
function vnetsUnderNetworkManager(snapshot: Snapshot): Set<ResourceId> {
  const present = snapshot.unsupported.some((u) => u.type.toLowerCase().startsWith('microsoft.network/networkmanagers'));
  const out = new Set<ResourceId>();
  if (!present) return out;
  for (const id of snapshot.virtualNetworks.keys()) out.add(id);
  for (const s of snapshot.subnets.values()) out.add(s.vnetId);
  return out;
}

/**
 * The caveat an NSG evaluation at a subnet (or a NIC in it) carries when admin rules may decide
 * before the NSGs (rule 3.11). Cheap: one size test when no network manager is in the input.
 */
export function securityAdminCaveat(snapshot: Snapshot, topology: Topology, subnetId: ResourceId): Caveat | undefined {
  if (topology.securityAdminVnets.size === 0) return undefined;
  const vnetId = snapshot.subnets.get(subnetId)?.vnetId;
  return vnetId !== undefined && topology.securityAdminVnets.has(vnetId) ? CAVEATS.networkManager : undefined;
}

export function buildTopology(snapshot: Snapshot): Topology {
  const vnets = new Map<ResourceId, VnetInfo>();
  const gatewayConnections = new Map<ResourceId, ResourceId[]>();
  for (const c of snapshot.connections.values()) {
    for (const g of [c.virtualNetworkGateway1Id, c.virtualNetworkGateway2Id]) {
      if (!g) continue;
      const list = gatewayConnections.get(g) ?? [];
      list.push(c.id);
      gatewayConnections.set(g, list);
    }
  }

  // Reverse peering lookup: (vnet, remote vnet) -> peering.
  const peeringByPair = new Map<string, VirtualNetworkPeering>();
  for (const p of snapshot.peerings.values()) peeringByPair.set(`${p.vnetId}|${p.remoteVnetId}`, p);

  const gatewaysByVnet = new Map<ResourceId, ResourceId[]>();
  for (const g of snapshot.virtualNetworkGateways.values()) {
    if (!g.vnetId) continue;
    const list = gatewaysByVnet.get(g.vnetId) ?? [];
    list.push(g.id);
    gatewaysByVnet.set(g.vnetId, list);
  }

  const securityAdminVnets = vnetsUnderNetworkManager(snapshot);
  for (const vnet of snapshot.virtualNetworks.values()) {
    const caveats: Caveat[] = securityAdminVnets.has(vnet.id) ? [CAVEATS.networkManager] : [];
    const peers: PeerLink[] = [];
    for (const pid of vnet.peeringIds) {
      const local = snapshot.peerings.get(pid);
      if (!local) continue;
      const remoteVnet = snapshot.virtualNetworks.get(local.remoteVnetId);
      const remote = peeringByPair.get(`${local.remoteVnetId}|${vnet.id}`);
      const remoteAddressSpace = remoteVnet ? remoteVnet.addressSpace : local.remoteAddressSpace;
      // Rule 8.2: traffic flows only when both halves are Connected. When the remote VNet is not in
      // the input we can only see one side; trust its state and say so.
      let connected: boolean;
      if (remoteVnet) connected = isConnected(local) && isConnected(remote);
      else {
        connected = isConnected(local);
        if (connected) caveats.push(CAVEATS.peeringRemoteMissing);
        // Rule 8.7: a VNet that uses the remote VNet's gateways learns their routes, and a Virtual
        // WAN hub's routes to the other spokes the same way; neither is in the input here.
        if (connected && local.useRemoteGateways) caveats.push(CAVEATS.remoteGatewaysUnknown);
      }
      peers.push({
        local,
        remote,
        remoteVnetId: local.remoteVnetId,
        remoteAddressSpace,
        remoteSet: cidrsToSet(remoteAddressSpace).set,
        connected,
      });
    }
    const gatewayIds = gatewaysByVnet.get(vnet.id) ?? [];
    vnets.set(vnet.id, {
      id: vnet.id,
      addressSpace: vnet.addressSpace,
      addressSet: cidrsToSet(vnet.addressSpace).set,
      peers,
      gatewayIds,
      effectiveGatewayIds: [...gatewayIds],
      learned: [],
      caveats,
    });
  }

  // Azure Route Server lives in a subnet named RouteServerSubnet and programs the routes it learns
  // from appliances over BGP into its VNet and into peered VNets that use its gateways
  // (https://learn.microsoft.com/azure/route-server/overview); exports do not hold them.
  const routeServerVnets = new Set<ResourceId>();
  for (const v of snapshot.virtualNetworks.values()) {
    if (v.subnetIds.some((id) => id.endsWith('/subnets/routeserversubnet'))) routeServerVnets.add(v.id);
  }
  for (const info of vnets.values()) {
    if (routeServerVnets.has(info.id) || info.peers.some((p) => p.connected && p.local.useRemoteGateways && routeServerVnets.has(p.remoteVnetId))) {
      info.caveats.push(CAVEATS.routeServer);
    }
  }

  // Gateway-learned prefixes for VNets with their own gateway (rule 9.1).
  const ownLearned = new Map<ResourceId, LearnedPrefix[]>();
  for (const info of vnets.values()) {
    const learned: LearnedPrefix[] = [];
    for (const gid of info.gatewayIds) {
      const gw = snapshot.virtualNetworkGateways.get(gid);
      if (gw) learned.push(...gatewayLearnedPrefixes(snapshot, gw, info.caveats));
    }
    ownLearned.set(info.id, learned);
    info.learned = learned;
  }

  // Gateway transit (rule 8.7): useRemoteGateways on the local peering, allowGatewayTransit on the
  // remote one, both connected, and the remote VNet has a gateway; only if this VNet has none.
  for (const info of vnets.values()) {
    if (info.gatewayIds.length > 0) continue;
    const asking = info.peers.filter((p) => p.connected && p.local.useRemoteGateways);
    // 8.7 (S6): "Only one peering can have this flag set to true"; Azure refuses a second one.
    if (asking.length > 1) addCaveat(info.caveats, remoteGatewaysMultiple(asking));
    for (const peer of asking) {
      if (!peer.remote?.allowGatewayTransit) continue;
      const hub = vnets.get(peer.remoteVnetId);
      if (!hub || hub.gatewayIds.length === 0) continue;
      // 8.7 (S6): "The transit option can be used with all VPN Gateway SKUs except the Basic SKU".
      const transitGateways = hub.gatewayIds.filter((id) => !isBasicVpnGateway(snapshot.virtualNetworkGateways.get(id)));
      if (transitGateways.length === 0) {
        addCaveat(info.caveats, basicGatewayTransit(peer));
        continue;
      }
      info.transitPeering = peer;
      info.effectiveGatewayIds = transitGateways;
      info.learned = (ownLearned.get(hub.id) ?? []).filter((l) => transitGateways.includes(l.gatewayId)).map((l) => ({ ...l, viaTransit: true }));
      break;
    }
  }
  return { vnets, gatewayConnections, securityAdminVnets };
}

function isBasicVpnGateway(gw: VirtualNetworkGateway | undefined): boolean {
  return gw !== undefined && gw.gatewayType.toLowerCase() === 'vpn' && gw.sku?.toLowerCase() === 'basic';
}

function basicGatewayTransit(peer: PeerLink): Caveat {
  return { code: 'peering.transit-basic-gateway', message: `Peering ${peer.local.name} uses the remote VNet's gateway, but that gateway is a Basic VPN gateway, which gateway transit does not support (rule 8.7): no gateway routes are taken from it.` };
}

function remoteGatewaysMultiple(asking: PeerLink[]): Caveat {
  return { code: 'peering.remote-gateways-multiple', message: `Peerings ${asking.map((p) => p.local.name).join(', ')} all set useRemoteGateways; Azure allows it on only one peering of a VNet (rule 8.7) and refuses the others. The first that qualifies is used.` };
}

/** True when `prefix` parses and lies entirely in `set`. */
export function prefixWithin(prefix: string, set: IntervalSet): boolean {
  const p = parseCidr(prefix);
  return p.ok && set.contains(IntervalSet.range(p.cidr.start, p.cidr.end));
}

const vnetToVnetSets = new WeakMap<VnetInfo, IntervalSet>();

/**
 * The addresses a VNet's gateway routes carry into other VNets of the input over VNet-to-VNet
 * connections (the learned prefixes with a remote gateway): inside the estate, unlike on-premises.
 * Computed once per VNet.
 */
export function vnetToVnetSet(info: VnetInfo): IntervalSet {
  let set = vnetToVnetSets.get(info);
  if (!set) {
    set = cidrsToSet(info.learned.filter((l) => l.remoteGatewayId !== undefined).map((l) => l.prefix)).set;
    vnetToVnetSets.set(info, set);
  }
  return set;
}
