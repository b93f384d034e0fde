// exposure: what the internet (or on-premises) can open connections to, through which entry point
// (instance public IP, load-balancing rule, inbound NAT rule, Application Gateway, Azure Firewall
// DNAT, the VPN/ExpressRoute gateway), on exactly which protocols and ports, from which sources.
// Storage accounts whose public endpoint is open are listed too.
//
// Only endpoints that have an entry point are asked about (not every NIC), and NICs that no rule,
// route or entry point tells apart (computeEndpointClasses) are asked about once. Each question is
// the engine's reach walk (trace/run-path.ts) from the internet with `viaPublicIp`, or from an
// on-premises address through the gateway, with the source set of the question.

import type { DataPlane } from '../dataplane/compile.ts';
import type { Endpoint } from '../dataplane/address-index.ts';
import type { Caveat } from '../dataplane/caveats.ts';
import { computeEndpointClasses, endpointKey } from '../dataplane/equivalence.ts';
import { AZURE_HOST_VIP_SET, INTERNET_SET } from '../dataplane/well-known-addresses.ts';
import { firewallNatRules } from '../firewall/evaluate-firewall.ts';
import type { ResourceId, StorageAccount } from '../model/types.ts';
import { parseCidr, setToCidrStrings } from '../sets/cidr.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { formatIPv4 } from '../sets/ipv4.ts';
import { formatPorts } from '../sets/ports.ts';
import { gatewaySources, type EntryDescription } from '../trace/entry-points.ts';
import { endpointHop } from '../trace/walk.ts';
import { storagePublicSources } from '../trace/paas.ts';
import { ReachKit, endpointRef, portScope, type SourcedPart } from './blast-walk.ts';
import type { ResolvedRef } from './resolve-ref.ts';
import { compareNumeric, compareText } from './collation.ts';

export type ExposureSource = 'internet' | 'onprem';

export interface ExposureOptions {
  /** Where the clients are: the internet (default) or on-premises (behind the gateways). */
  from?: ExposureSource;
  /** Restrict the client addresses (default: all public IPv4 space / the local network gateway prefixes). */
  sources?: IntervalSet;
  /** Include storage accounts whose public endpoint is open (default true). */
  storage?: boolean;
}

export interface ExposureEntry {
  via: EntryDescription['via'] | 'gateway' | 'storagePublicEndpoint';
  resource: string;
  name: string;
  publicIp?: string;
  frontendPort?: number;
  /** Pool-based inbound NAT rules: the frontend port range (`50000-50009`). */
  frontendPortRange?: string;
  backendPort?: number;
  protocol?: string;
  /** Storage: the rule of the account's network ACLs that admits the clients. */
  rule?: string;
  fqdn?: string;
}

export interface ExposureAllowed {
  protocol: string;
  ports: string[];
  /** Client prefixes; `Internet` alone when every internet address may connect. */
  sources: string[];
  /** Every client address of the question may connect (no source restriction). */
  anySource: boolean;
  example: { src: string; dst: string; protocol: string; dstPort?: number };
}

export interface ExposedItem {
  /** Resource id (NIC, private endpoint, load balancer, storage account) as the input spelled it. */
  resource: string;
  /** The VM name for a VM's NIC, else the resource name. */
  name: string;
  kind: 'nic' | 'privateEndpoint' | 'loadBalancerFrontend' | 'firewall' | 'applicationGateway' | 'storageAccount';
  ip?: string;
  /** `vnet/subnet`. */
  subnet?: string;
  entry: ExposureEntry;
  allowed: ExposureAllowed[];
}

export interface ExposureAnswer {
  from: ExposureSource;
  exposed: ExposedItem[];
  summary: { endpoints: number; entries: number; storageAccounts: number; candidates: number; classes: number };
  caveats: Caveat[];
}

/** Client addresses on the internet: public space without Azure's host address (rule 4.2). */
export const INTERNET_SOURCES = INTERNET_SET.subtract(AZURE_HOST_VIP_SET);

const PROTOCOL_ORDER = ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah'];

export function computeExposure(dp: DataPlane, opts: ExposureOptions = {}): ExposureAnswer {
  const from = opts.from ?? 'internet';
  const kit = new ReachKit(dp, portScope());
  const exposed: ExposedItem[] = [];
  let candidates = 0;
  let classes = 0;
  if (from === 'internet') {
    const sources = opts.sources ?? INTERNET_SOURCES;
    const cand = internetCandidates(dp);
    candidates = cand.size;
    const cls = computeEndpointClasses(dp, (e) => cand.has(endpointKey(e)));
    classes = cls.classes.length;
    const ref: ResolvedRef = { kind: 'internet', label: 'internet' };
    for (const c of cls.classes) {
      const run = kit.run({ from: ref, to: endpointRef(c.representative), viaPublicIp: true, sources });
      if (run.outcomes.length === 0) continue;
      const parts = kit.parts(run.outcomes, run.dstLabel);
      for (const m of c.members) exposed.push(...itemsFor(dp, m, parts, run.entries, sources, 'internet'));
    }
    if (opts.storage ?? true) exposed.push(...storageExposure(dp, sources, 'internet'));
  } else {
    const r = onPremisesExposure(dp, kit, opts.sources);
    exposed.push(...r.items);
    candidates = r.candidates;
    classes = r.classes;
    if ((opts.storage ?? true) && r.sources && !r.sources.isEmpty()) {
      const open = storageExposure(dp, r.sources, 'onprem');
      if (open.length) kit.caveats.add({ code: 'storage.onprem-public', message: 'On-premises clients reach a storage account\'s public endpoint through their own internet egress, whose address is unknown: only accounts open to every network are listed.' });
      exposed.push(...open);
    }
  }
  exposed.sort(compareItems);
  const endpoints = new Set(exposed.filter((x) => x.kind !== 'storageAccount').map((x) => `${x.resource}|${x.ip ?? ''}`)).size;
  return {
    from,
    exposed,
    summary: {
      endpoints,
      entries: new Set(exposed.map((x) => `${x.entry.via}|${x.entry.name}`)).size,
      storageAccounts: exposed.filter((x) => x.kind === 'storageAccount').length,
      candidates,
      classes,
    },
    caveats: kit.caveats.list(),
  };
}

// ---- internet ---------------------------------------------------------------------------------

/** Endpoints with an entry point from the internet, by `vnetId|ip`. */
export function internetCandidates(dp: DataPlane): Map<string, Endpoint> {
  const s = dp.snapshot;
  const out = new Map<string, Endpoint>();
  const add = (e: Endpoint | undefined) => {
    if (e) out.set(endpointKey(e), e);
  };
  const publicPip = (id: ResourceId | undefined) => (id ? s.publicIpAddresses.get(id)?.ipAddress !== undefined : false);

  // Pools and NAT rules of public load balancers (frontends with a public IP).
  const pools = new Set<ResourceId>();
  const natRules = new Set<ResourceId>();
  const natIpcs = new Set<ResourceId>();
  for (const lb of s.loadBalancers.values()) {
    const fronts = new Set(lb.frontends.filter((f) => publicPip(f.publicIpId)).map((f) => f.id));
    if (fronts.size === 0) continue;
    for (const r of lb.loadBalancingRules) if (r.frontendIpConfigurationId && fronts.has(r.frontendIpConfigurationId)) r.backendPoolIds.forEach((p) => pools.add(p));
    for (const r of lb.inboundNatRules) {
      if (!r.frontendIpConfigurationId || !fronts.has(r.frontendIpConfigurationId)) continue;
      natRules.add(r.id);
      if (r.backendIpConfigurationId) natIpcs.add(r.backendIpConfigurationId);
      // Pool-based (V2) NAT rules map a port range onto every member of their pool.
      if (r.backendPoolId && r.frontendPortRangeStart !== undefined && r.frontendPortRangeEnd !== undefined) pools.add(r.backendPoolId);
    }
  }
  // Application Gateway pools behind a public frontend.
  const agwIpcs = new Set<ResourceId>();
  const agwPools = new Set<ResourceId>();
  const agwAddresses = new Set<string>();
  for (const agw of s.applicationGateways.values()) {
    if (!agw.frontends.some((f) => publicPip(f.publicIpId))) continue;
    for (const p of agw.backendPools) {
      agwPools.add(p.id);
      p.ipConfigurationIds.forEach((id) => agwIpcs.add(id));
      for (const a of p.addresses) if (a.ipAddress) agwAddresses.add(a.ipAddress);
    }
  }
  for (const nic of s.networkInterfaces.values()) {
    for (const ipc of nic.ipConfigurations) {
      const entry =
        publicPip(ipc.publicIpId) ||
        ipc.loadBalancerBackendPoolIds.some((p) => pools.has(p)) ||
        ipc.loadBalancerInboundNatRuleIds.some((r) => natRules.has(r)) ||
        natIpcs.has(ipc.id) ||
        agwIpcs.has(ipc.id) ||
        ipc.applicationGatewayBackendPoolIds.some((p) => agwPools.has(p));
      if (!entry || !ipc.subnetId || !ipc.privateIp) continue;
      const vnetId = s.subnets.get(ipc.subnetId)?.vnetId;
      const ip = ipc.privateIp.split('/')[0];
      const e = [...(dp.addresses.byIp.get(ipOf(ip)) ?? [])].find((x) => x.kind === 'nic' && x.ipConfigurationId === ipc.id && x.vnetId === vnetId);
      add(e);
    }
  }
  for (const a of agwAddresses) for (const e of dp.addresses.byIp.get(ipOf(a)) ?? []) add(e);
  // Azure Firewall DNAT targets.
  for (const fw of s.azureFirewalls.values()) {
    if (!fw.ipConfigurations.some((c) => publicPip(c.publicIpId))) continue;
    for (const { rule } of firewallNatRules(dp, fw)) {
      if (rule.translatedIp === undefined) continue;
      for (const e of dp.addresses.byIp.get(rule.translatedIp) ?? []) add(e);
    }
  }
  return out;
}

function ipOf(text: string): number {
  const p = parseCidr(`${text}/32`);
  return p.ok ? p.cidr.start : -1;
}

function subnetLabel(dp: DataPlane, subnetId: string): string {
  const sub = dp.snapshot.subnets.get(subnetId);
  const vnet = sub ? dp.snapshot.virtualNetworks.get(sub.vnetId) : undefined;
  return `${vnet?.name ?? '?'}/${sub?.name ?? subnetId}`;
}

function sourcesOf(set: IntervalSet, all: IntervalSet, from: ExposureSource): { sources: string[]; anySource: boolean } {
  const anySource = set.contains(all);
  if (anySource && from === 'internet') return { sources: ['Internet'], anySource };
  return { sources: setToCidrStrings(set), anySource };
}

function itemsFor(dp: DataPlane, e: Endpoint, parts: SourcedPart[], entries: EntryDescription[], all: IntervalSet, from: ExposureSource, gateway?: ExposureEntry): ExposedItem[] {
  const hop = endpointHop(dp, e);
  const byVia = new Map<string, SourcedPart[]>();
  for (const p of parts) {
    const k = p.via ?? '';
    byVia.set(k, [...(byVia.get(k) ?? []), p]);
  }
  const out: ExposedItem[] = [];
  for (const [via, list] of byVia) {
    const desc = entries.find((x) => x.name === via);
    const entry: ExposureEntry = gateway ?? (desc ? { ...desc } : { via: 'publicIp', resource: '', name: via });
    // Merge the ports of groups with the same protocol and sources.
    const merged = new Map<string, { protocol: string; n: number; ports: IntervalSet; src: IntervalSet }>();
    for (const p of list) {
      const k = `${p.protocol}|${p.sources.key()}`;
      const m = merged.get(k);
      if (m) m.ports = m.ports.union(p.portSet);
      else merged.set(k, { protocol: p.protocol, n: p.protocolNumber, ports: p.portSet, src: p.sources });
    }
    const allowed: ExposureAllowed[] = [...merged.values()]
      .sort((a, b) => PROTOCOL_ORDER.indexOf(a.protocol) - PROTOCOL_ORDER.indexOf(b.protocol) || (a.ports.min() ?? -1) - (b.ports.min() ?? -1) || (a.src.min() ?? 0) - (b.src.min() ?? 0))
      .map((m) => {
        const portProto = m.n === 6 || m.n === 17;
        return {
          protocol: m.protocol,
          ports: portProto ? formatPorts(m.ports) : [],
          ...sourcesOf(m.src, all, from),
          example: { src: formatIPv4(m.src.min() ?? 0), dst: entry.publicIp ?? e.ipText, protocol: m.protocol, ...(portProto ? { dstPort: m.ports.min() } : {}) },
        };
      });
    out.push({ resource: hop.resource, name: hop.name, kind: e.kind, ip: e.ipText, subnet: subnetLabel(dp, e.subnetId), entry, allowed });
  }
  return out;
}

// ---- storage ----------------------------------------------------------------------------------

function storageExposure(dp: DataPlane, sources: IntervalSet, from: ExposureSource): ExposedItem[] {
  const out: ExposedItem[] = [];
  for (const a of dp.snapshot.storageAccounts.values()) {
    const open = publicClients(a, sources, from);
    if (!open || open.set.isEmpty()) continue;
    const fqdn = `${a.name}.blob.core.windows.net`;
    out.push({
      resource: a.displayId,
      name: a.name,
      kind: 'storageAccount',
      entry: { via: 'storagePublicEndpoint', resource: a.displayId, name: a.name, fqdn, rule: open.rule },
      allowed: [{ protocol: 'Tcp', ports: ['443', '445'], ...sourcesOf(open.set, sources, from), example: { src: formatIPv4(open.set.min()!), dst: fqdn, protocol: 'Tcp', dstPort: 443 } }],
    });
  }
  return out;
}

/** The clients a storage account's public endpoint admits (rule 10.7): all with defaultAction Allow, else its IP rules. */
function publicClients(a: StorageAccount, sources: IntervalSet, from: ExposureSource): { set: IntervalSet; rule: string } | undefined {
  if (a.publicNetworkAccess?.toLowerCase() === 'disabled') return undefined;
  if (a.networkAcls.defaultAction === 'Allow') return { set: sources, rule: 'networkAcls.defaultAction' };
  if (from !== 'internet') return undefined;
  // The same set the path engine applies (trace/paas.ts), so exposure and reach agree.
  return { set: storagePublicSources(a).intersect(sources), rule: 'networkAcls.ipRules' };
}

// ---- on-premises ------------------------------------------------------------------------------

function onPremisesExposure(dp: DataPlane, kit: ReachKit, override: IntervalSet | undefined): { items: ExposedItem[]; candidates: number; classes: number; sources?: IntervalSet } {
  const items: ExposedItem[] = [];
  let candidates = 0;
  let classes = 0;
  let allSources = IntervalSet.EMPTY;
  // Each gateway VNet with the on-premises prefixes it learned (local network gateways), and the
  // VNets on-premises learns through it: the VNet itself and its gateway-transit spokes (rule 8.7).
  for (const info of dp.topology.vnets.values()) {
    for (const gwId of info.gatewayIds) {
      // Per gateway: a VNet may hold several (VPN and ExpressRoute), each with its own connections,
      // and each answer names the gateway its clients come through (trace/entry-points.ts).
      const learned = gatewaySources(dp, gwId);
      const sources = override ? override.intersect(learned) : learned;
      if (sources.isEmpty()) continue;
      allSources = allSources.union(sources);
      const gw = dp.snapshot.virtualNetworkGateways.get(gwId);
      const entry: ExposureEntry = { via: 'gateway', resource: gw?.displayId ?? gwId, name: gw?.name ?? gwId };
      const vnets = new Set<ResourceId>([info.id]);
      for (const v of dp.topology.vnets.values()) if (v.transitPeering?.remoteVnetId === info.id) vnets.add(v.id);
      const gwTable = gw?.subnetId ? dp.routesForSubnet(gw.subnetId) : undefined;
      const cand = new Set<string>();
      for (const v of vnets) for (const e of dp.addresses.byVnet.get(v)?.values() ?? []) if (e.kind === 'nic' || e.kind === 'privateEndpoint') cand.add(endpointKey(e));
      candidates += cand.size;
      const cls = computeEndpointClasses(dp, (e) => cand.has(endpointKey(e)));
      classes += cls.classes.length;
      const from: ResolvedRef = { kind: 'external', ip: sources.min()!, ipText: formatIPv4(sources.min()!), where: 'onPremises', label: 'on-premises' };
      for (const c of cls.classes) {
        const rep = c.representative;
        // Necessary conditions: a route from the gateway subnet, and NSGs that admit some on-premises source.
        const m = gwTable?.lookup(rep.ip);
        if (gwTable && (!m || m.route.nextHopType === 'None' || m.route.nextHopType === 'Internet')) continue;
        const point = kit.pointOf(rep);
        if (kit.hasNsg(point, 'Inbound') && kit.nsgPermits(point, 'Inbound', sources, IntervalSet.point(rep.ip)).isEmpty()) continue;
        const run = kit.run({ from, to: endpointRef(rep), sources, gatewayId: gwId });
        if (run.outcomes.length === 0) continue;
        const parts = kit.parts(run.outcomes, run.dstLabel);
        for (const mbr of c.members) items.push(...itemsFor(dp, mbr, parts, [], sources, 'onprem', entry));
      }
    }
  }
  return { items, candidates, classes, sources: allSources };
}

function compareItems(a: ExposedItem, b: ExposedItem): number {
  return (
    Number(a.kind === 'storageAccount') - Number(b.kind === 'storageAccount') ||
    compareText(a.name, b.name) ||
    compareNumeric(a.ip ?? '', b.ip ?? '') ||
    compareText(a.entry.name, b.entry.name)
  );
}
