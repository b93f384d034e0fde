// Sources that can only reach a destination through a transit element (an Azure Firewall or a
// network virtual appliance), and what such an element lets through to it.
//
// Without a transit element a walk delivers only inside the source's VNet or a directly peered VNet
// (VnetLocal, VNetPeering and InterfaceEndpoint routes; every other next hop leaves the estate or is
// an appliance). So the last transit element on the path of a source outside the destination's
// VNet and its peers sits in that VNet or a peer. From that element on, the walk depends on the
// source only through the packets themselves (routing reads the destination only; filters are set
// operations; an internal destination sees the original source address), so walking once from
// each such element with every source address bounds, for all those "remote" sources at once, the
// packets that can arrive. When none of a change's packets get through from any of them, no remote
// source's answer can change.

import type { DataPlane } from '../../dataplane/compile.ts';
import type { Endpoint } from '../../dataplane/address-index.ts';
import { CaveatSet } from '../../dataplane/caveats.ts';
import type { ResourceId } from '../../model/types.ts';
import { PacketSpace } from '../../sets/packet-space.ts';
import { parseIPv4 } from '../../sets/ipv4.ts';
import { computeFirewallPermits } from '../../firewall/evaluate-firewall.ts';
import { reachFilters, type Filters } from '../../trace/filters.ts';
import { isReachable } from '../../trace/trace-flow.ts';
import { applyNsg, endpointHop, filterPointOfEndpoint, isOutcome, routeFrom, throughFirewall, type Outcome, type WalkContext, type WalkState } from '../../trace/walk.ts';

type Transit = Extract<Endpoint, { kind: 'firewall' | 'nic' }>;

const cache = new WeakMap<DataPlane, Map<ResourceId, Transit[]>>();

/** Firewalls and IP-forwarding NICs, by VNet. */
export function transitByVnet(dp: DataPlane): Map<ResourceId, Transit[]> {
  let m = cache.get(dp);
  if (m) return m;
  m = new Map();
  const add = (e: Endpoint | undefined) => {
    if (!e || (e.kind !== 'firewall' && e.kind !== 'nic')) return;
    const l = m!.get(e.vnetId) ?? [];
    if (!l.includes(e)) l.push(e);
    m!.set(e.vnetId, l);
  };
  const s = dp.snapshot;
  const at = (subnetId: ResourceId | undefined, ipText: string | undefined) => {
    const vnetId = subnetId ? s.subnets.get(subnetId)?.vnetId : undefined;
    const ip = ipText ? parseIPv4(ipText.split('/')[0]) : undefined;
    return vnetId && ip !== undefined ? dp.addresses.byVnet.get(vnetId)?.get(ip) : undefined;
  };
  for (const fw of s.azureFirewalls.values()) for (const c of fw.ipConfigurations) add(at(c.subnetId, c.privateIp));
  for (const nic of s.networkInterfaces.values()) {
    if (!nic.enableIpForwarding) continue;
    for (const c of nic.ipConfigurations) {
      const e = at(c.subnetId, c.privateIp);
      if (e?.kind === 'nic' && e.nicId === nic.id) add(e);
    }
  }
  cache.set(dp, m);
  return m;
}

/** A VNet and the VNets peered with it (listed peerings, connected or not), on either side. */
export function neighbourhood(dps: DataPlane[], vnetId: ResourceId): Set<ResourceId> {
  const out = new Set<ResourceId>([vnetId]);
  for (const dp of dps) for (const p of dp.topology.vnets.get(vnetId)?.peers ?? []) out.add(p.remoteVnetId);
  return out;
}

/**
 * What gets from `t`, as a forwarder, to `dst`, out of `space`. With `arrivalAt` (the destination,
 * or the backend behind a load balancer frontend), its inbound NSGs are not applied: the packets
 * that arrive at its door, as they are there (after any load balancer translation).
 */
/** The engine's symbolic filters, except that `door`'s inbound NSGs let everything in. */
export function doorFilters(dp: DataPlane, doorEndpoint: Endpoint): Filters {
  const base = reachFilters(dp);
  const door = filterPointOfEndpoint(dp, doorEndpoint);
  return {
    mode: 'reach',
    nsg: (point, direction, sp) => (direction === 'Inbound' && point.subnetId === door.subnetId && point.subnetNsgId === door.subnetNsgId && point.nicNsgId === door.nicNsgId ? { space: sp, steps: [] } : base.nsg(point, direction, sp)),
    firewall: base.firewall,
  };
}

export function forwardedFrom(dp: DataPlane, t: Transit, dst: Endpoint, space: PacketSpace, arrivalAt?: Endpoint): PacketSpace {
  const filters: Filters = arrivalAt ? doorFilters(dp, arrivalAt) : reachFilters(dp);
  const ctx: WalkContext = { dp, filters, target: { kind: 'address' }, caveats: new CaveatSet(), maxHops: 32 };
  const st: WalkState = { space, dstIp: dst.ip, hops: [endpointHop(dp, t)], visited: new Set(), viaGateway: false };
  let outcomes: Outcome[];
  if (t.kind === 'firewall') outcomes = throughFirewall(ctx, st, t);
  else {
    // trace/walk.ts throughNva: inbound NSGs, IP forwarding, outbound NSGs, then routing.
    const point = filterPointOfEndpoint(dp, t);
    const inbound = applyNsg(ctx, st, point, 'Inbound');
    if (isOutcome(inbound)) return PacketSpace.EMPTY;
    if (!dp.snapshot.networkInterfaces.get(t.nicId)?.enableIpForwarding) return PacketSpace.EMPTY;
    const outbound = applyNsg(ctx, inbound, point, 'Outbound');
    if (isOutcome(outbound)) return PacketSpace.EMPTY;
    outcomes = routeFrom(ctx, outbound, { subnetId: t.subnetId, vnetId: t.vnetId, nicId: t.nicId });
  }
  const boxes = outcomes.filter((o) => isReachable(o, false)).flatMap((o) => o.space.boxes);
  return new PacketSpace(boxes);
}

/**
 * For each target, the source addresses outside `local` VNets whose packets in `sent` can reach
 * `dst` through a transit element next to it (before the change: the caller passes the snapshot
 * whose walk decides), as the packets that arrive (empty: no remote source is affected). With
 * `door`, the destination's (or load balancer backend's) inbound NSGs are not applied. `allSent`:
 * the union of the targets' `sent` packets, when the caller has it with fewer boxes.
 */
export function remoteSourcesThroughTransit(dp: DataPlane, local: Set<ResourceId>, targets: { dst: Endpoint; sent: PacketSpace; door?: Endpoint }[], allSent?: PacketSpace): PacketSpace[] {
  const out = targets.map(() => PacketSpace.EMPTY);
  if (!targets.length) return out;
  const byVnet = transitByVnet(dp);
  let all: PacketSpace | undefined;
  for (const vnetId of local) {
    for (const t of byVnet.get(vnetId) ?? []) {
      if (t.kind === 'firewall') {
        // A firewall filters first (trace/walk.ts throughFirewall), by set intersection: when it
        // lets nothing of all the targets' packets through, it lets nothing of each through.
        all ??= allSent ?? new PacketSpace(targets.flatMap((x) => x.sent.boxes));
        const fw = dp.snapshot.azureFirewalls.get(t.firewallId);
        const p = fw ? computeFirewallPermits(dp, fw, all, {}) : undefined;
        if (p && p.network.isEmpty() && p.application.isEmpty()) continue;
      } else if (!dp.snapshot.networkInterfaces.get(t.nicId)?.enableIpForwarding) continue;
      targets.forEach((x, i) => {
        const got = forwardedFrom(dp, t, x.dst, x.sent, x.door);
        if (!got.isEmpty()) out[i] = new PacketSpace([...out[i].boxes, ...got.boxes]);
      });
    }
  }
  return out;
}
