// What the internet can reach, per endpoint and entry point, for the exposure findings. One switch:
// `internetExposure` asks the engine's exposure question (computeExposure) and converts its answer;
// `walkExposure` is the same computation done here (a symbolic walk from the internet through every
// entry point of every endpoint that has one), still used for latent exposure (asymmetric routing),
// which computeExposure does not report, and as the fallback.

import type { Endpoint } from '../../dataplane/address-index.ts';
import type { EntryDescription } from '../../trace/entry-points.ts';
import type { ResourceId } from '../../model/types.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { PacketSpace } from '../../sets/packet-space.ts';
import { computeEndpointPermits, filterPointFor } from '../../policy/evaluate-endpoint.ts';
import type { Outcome } from '../../trace/walk.ts';
import type { StoppedBy } from '../../trace/types.ts';
import { parseIPv4 } from '../../sets/ipv4.ts';
import type { FindingsContext } from './context.ts';
import { ICMP, INTERNET_CLIENTS, TCP, UDP, endpointRef, spacesOverlap, walkFlows } from './flows.ts';
import { computeExposure } from '../exposure.ts';
import { cidrsToSet } from '../../sets/cidr.ts';
import { parsePortRanges } from '../../sets/ports.ts';
import { parseProtocolName } from '../../sets/protocols.ts';

export interface ExposurePart {
  protocol: number;
  /** Ports the client addresses (the load balancer frontend port, the DNAT port...). */
  frontendPorts: IntervalSet;
  /** Ports that arrive at the endpoint after translation. */
  backendPorts: IntervalSet;
  sources: IntervalSet;
  /** For latent exposure: the NSG rules that admit these packets (`nsg securityRules/NAME`). */
  rules?: string[];
}

export interface ExposedEndpoint {
  endpoint: Endpoint;
  entry: EntryDescription;
  parts: ExposurePart[];
  /**
   * Latent exposure: the NSGs admit these packets, but the connection fails today because replies
   * follow a 0.0.0.0/0 route to an appliance or gateway (asymmetric return, rule 7.6).
   */
  latent?: StoppedBy;
}

export interface ExposureAnswer {
  items: ExposedEndpoint[];
  /** Entry points whose traffic the NSGs admit but asymmetric routing breaks today. */
  latent: ExposedEndpoint[];
  /** Which implementation answered. */
  via: 'findings-walk' | 'computeExposure';
}

/** IP configuration ids and addresses that some internet entry point leads to. */
function entryTargets(ctx: FindingsContext): { ipcs: Set<ResourceId>; ips: Set<number> } {
  const s = ctx.dp.snapshot;
  const ipcs = new Set<ResourceId>();
  const ips = new Set<number>();
  const publicLbPools = new Set<ResourceId>();
  const publicNatRules = new Set<ResourceId>();
  for (const lb of s.loadBalancers.values()) {
    const publicFrontends = new Set(lb.frontends.filter((f) => f.publicIpId).map((f) => f.id));
    for (const r of lb.loadBalancingRules) if (r.frontendIpConfigurationId && publicFrontends.has(r.frontendIpConfigurationId)) r.backendPoolIds.forEach((p) => publicLbPools.add(p));
    for (const r of lb.inboundNatRules) {
      if (!r.frontendIpConfigurationId || !publicFrontends.has(r.frontendIpConfigurationId)) continue;
      publicNatRules.add(r.id);
      if (r.backendIpConfigurationId) ipcs.add(r.backendIpConfigurationId);
    }
  }
  for (const nic of s.networkInterfaces.values()) {
    for (const c of nic.ipConfigurations) {
      if (c.publicIpId || c.loadBalancerBackendPoolIds.some((p) => publicLbPools.has(p)) || c.loadBalancerInboundNatRuleIds.some((r) => publicNatRules.has(r))) ipcs.add(c.id);
    }
  }
  for (const agw of s.applicationGateways.values()) {
    if (!agw.frontends.some((f) => f.publicIpId)) continue;
    for (const p of agw.backendPools) {
      p.ipConfigurationIds.forEach((id) => ipcs.add(id));
      for (const a of p.addresses) {
        const ip = a.ipAddress ? parseIPv4(a.ipAddress) : undefined;
        if (ip !== undefined) ips.add(ip);
      }
    }
  }
  for (const fw of s.azureFirewalls.values()) {
    if (!fw.ipConfigurations.some((c) => c.publicIpId)) continue;
    const groups = fw.firewallPolicyId ? [...s.firewallPolicyRuleCollectionGroups.values()].map((g) => g.ruleCollections) : [fw.classicCollections];
    for (const cols of groups) {
      for (const c of cols) {
        for (const r of c.rules) {
          if (r.kind !== 'nat' || !r.translatedAddress) continue;
          const ip = parseIPv4(r.translatedAddress);
          if (ip !== undefined) ips.add(ip);
        }
      }
    }
  }
  return { ipcs, ips };
}

function hasEntry(e: Endpoint, t: { ipcs: Set<ResourceId>; ips: Set<number> }): boolean {
  if (t.ips.has(e.ip)) return true;
  return e.kind === 'nic' && t.ipcs.has(e.ipConfigurationId);
}

/** The exposure of every endpoint to the internet, through each of its entry points. */
/** Use the engine's computeExposure (true) or this file's own walk (false) for effective exposure. */
const USE_COMPUTE_EXPOSURE = true;

export function internetExposure(ctx: FindingsContext): ExposureAnswer {
  if (!USE_COMPUTE_EXPOSURE) {
    const w = walkExposure(ctx, false);
    return { items: w.items, latent: w.latent, via: 'findings-walk' };
  }
  const latent = walkExposure(ctx, true).latent;
  return { items: fromComputeExposure(ctx), latent, via: 'computeExposure' };
}

const VIAS: readonly EntryDescription['via'][] = ['publicIp', 'loadBalancerRule', 'inboundNatRule', 'applicationGateway', 'firewallDnat'];

/** computeExposure's answer in this file's shape: ports as the client sends them and as they arrive. */
function fromComputeExposure(ctx: FindingsContext): ExposedEndpoint[] {
  const ans = computeExposure(ctx.dp, { from: 'internet', storage: false });
  ans.caveats.forEach((c) => ctx.caveats.add(c));
  const out: ExposedEndpoint[] = [];
  for (const x of ans.exposed) {
    const via = VIAS.find((v) => v === x.entry.via);
    const ip = x.ip ? parseIPv4(x.ip) : undefined;
    if (!via || ip === undefined) continue;
    const candidates = ctx.dp.addresses.byIp.get(ip) ?? [];
    const endpoint = candidates.find((e) => ctx.endpointResource(e).resource === x.resource) ?? candidates[0];
    if (!endpoint) continue;
    const entry: EntryDescription = {
      via,
      resource: x.entry.resource,
      name: x.entry.name,
      ...(x.entry.publicIp ? { publicIp: x.entry.publicIp } : {}),
      ...(x.entry.frontendPort !== undefined ? { frontendPort: x.entry.frontendPort } : {}),
      ...(x.entry.backendPort !== undefined ? { backendPort: x.entry.backendPort } : {}),
      ...(x.entry.protocol ? { protocol: x.entry.protocol } : {}),
    };
    const parts: ExposurePart[] = [];
    for (const a of x.allowed) {
      const protocol = parseProtocolName(a.protocol);
      if (protocol === undefined) continue;
      const parsed = parsePortRanges(a.ports);
      const frontendPorts = parsed.ok ? parsed.set : IntervalSet.EMPTY;
      const sources = a.anySource ? INTERNET_CLIENTS : cidrsToSet(a.sources).set;
      // Ports are the client's; translate to what arrives at the endpoint.
      let backendPorts = frontendPorts;
      const translated = entry.backendPort !== undefined && entry.frontendPort !== undefined && entry.frontendPort !== 0 && frontendPorts.equals(IntervalSet.point(entry.frontendPort));
      if (translated || ((via === 'firewallDnat' || via === 'applicationGateway') && entry.backendPort !== undefined)) backendPorts = IntervalSet.point(entry.backendPort!);
      parts.push({ protocol, frontendPorts, backendPorts, sources });
    }
    if (parts.length) out.push({ endpoint, entry, parts });
  }
  return out;
}

/** The packets an endpoint's inbound NSGs admit, after the entry's port translation, with the admitting rules. */
function admitted(ctx: FindingsContext, e: Endpoint, entry: EntryDescription, space: PacketSpace): { allowed: PacketSpace; parts: { space: PacketSpace; rule: string }[] } {
  const translate = (entry.via === 'loadBalancerRule' || entry.via === 'inboundNatRule') && entry.backendPort !== undefined && entry.frontendPort !== 0;
  const q = translate ? new PacketSpace(space.boxes.map((b) => ({ ...b, dstPorts: IntervalSet.point(entry.backendPort!) }))) : space;
  const nicId = e.kind === 'nic' || e.kind === 'privateEndpoint' ? e.nicId : undefined;
  const r = computeEndpointPermits(ctx.dp, filterPointFor(ctx.dp, e.subnetId, nicId, e.kind === 'privateEndpoint'), 'Inbound', q);
  const parts = r.perNsg.flatMap((n) => n.result.allowedBy.map((a) => ({ space: a.space, rule: `${ctx.dp.snapshot.networkSecurityGroups.get(n.nsgId)?.name ?? n.nsgId} ${a.rule.rule.collection}/${a.rule.rule.name}` })));
  return { allowed: r.allowed, parts };
}

function isAsymmetric(o: Outcome): boolean {
  return o.disposition === 'NO_ROUTE' && o.stoppedBy?.stage === 'route' && (o.stoppedBy.detail ?? '').includes('asymmetric');
}

function entryOf(o: Outcome, entries: EntryDescription[]): EntryDescription | undefined {
  if (o.label?.entry) return entries.find((x) => x.name === o.label!.entry);
  for (const h of o.hops) for (const s of h.steps) if (s.kind === 'entry') return entries.find((x) => x.via === s.via && x.resource === s.resource);
  return undefined;
}

/** Does the subnet send 0.0.0.0/0 somewhere other than the internet (replies to internet clients go astray)? */
function forcedTunnel(ctx: FindingsContext, subnetId: ResourceId): boolean {
  const def = ctx.dp.routesForSubnet(subnetId)?.routes.find((r) => r.state === 'Active' && r.addressPrefix.includes('0.0.0.0/0'));
  return !!def && def.nextHopType !== 'Internet';
}

function walkExposure(ctx: FindingsContext, latentOnly: boolean): { items: ExposedEndpoint[]; latent: ExposedEndpoint[] } {
  const targets = entryTargets(ctx);
  const out: ExposedEndpoint[] = [];
  const latent: ExposedEndpoint[] = [];
  for (const c of ctx.classes) {
    if (latentOnly && !forcedTunnel(ctx, c.representative.subnetId)) continue;
    const candidates = c.members.filter((m) => hasEntry(m, targets));
    if (candidates.length === 0) continue;
    // Members of a class share NSGs, pools and routes; entry points of their own (public IP, NAT
    // rule, DNAT target) put a NIC in a class of its own. So one walk answers for the class, and
    // its items are repeated for every member that has the entry point.
    const sorted = candidates.sort((a, b) => a.ip - b.ip);
    {
      const e = sorted[0];
      const w = walkFlows(ctx.dp, { from: { kind: 'internet', label: 'internet' }, to: endpointRef(e), viaPublicIp: true });
      w.run.caveats.list().forEach((cv) => ctx.caveats.add(cv));
      const byEntry = new Map<string, ExposedEndpoint>();
      for (const o of w.reachable) {
        const entryName = o.label?.entry;
        const entry = w.run.entries.find((x) => x.name === entryName);
        if (!entry) continue;
        let item = byEntry.get(entry.name);
        if (!item) byEntry.set(entry.name, (item = { endpoint: e, entry, parts: [] }));
        for (const b of o.space.boxes) {
          for (const p of [TCP, UDP]) {
            if (!b.protocols.has(p)) continue;
            const fp = o.label?.frontendPort;
            const frontendPorts = fp !== undefined ? IntervalSet.point(fp) : b.dstPorts;
            let backendPorts = b.dstPorts;
            if (entry.via === 'firewallDnat' && entry.backendPort !== undefined) backendPorts = IntervalSet.point(entry.backendPort);
            if (entry.via === 'applicationGateway' && entry.backendPort !== undefined) backendPorts = IntervalSet.point(entry.backendPort);
            item.parts.push({ protocol: p, frontendPorts, backendPorts, sources: b.src });
          }
          // Port-less protocols: ICMP is worth naming; the rest (ESP, AH, ...) rarely matter here.
          if (b.protocols.has(ICMP)) item.parts.push({ protocol: ICMP, frontendPorts: IntervalSet.EMPTY, backendPorts: IntervalSet.EMPTY, sources: b.src });
        }
      }
      const items = [...byEntry.values()].sort(byEntryName);
      for (const m of sorted) out.push(...items.map((x) => ({ ...x, endpoint: m })));
      // Latent exposure behind asymmetric routing: what the NSGs would admit.
      const byLatent = new Map<string, ExposedEndpoint>();
      for (const o of w.outcomes) {
        if (!isAsymmetric(o)) continue;
        const entry = entryOf(o, w.run.entries);
        if (!entry) continue;
        const { allowed, parts } = admitted(ctx, e, entry, o.space);
        if (allowed.isEmpty()) continue;
        let item = byLatent.get(entry.name);
        if (!item) byLatent.set(entry.name, (item = { endpoint: e, entry, parts: [], latent: o.stoppedBy ?? undefined }));
        for (const b of allowed.boxes) {
          for (const p of [TCP, UDP]) {
            if (!b.protocols.has(p)) continue;
            const fp = o.label?.frontendPort ?? entry.frontendPort;
            const translated = (entry.via === 'loadBalancerRule' || entry.via === 'inboundNatRule') && fp !== undefined && fp !== 0;
            const box = new PacketSpace([b]);
            const rules = parts.filter((x) => spacesOverlap(x.space, box)).map((x) => x.rule);
            item.parts.push({ protocol: p, frontendPorts: translated ? IntervalSet.point(fp) : b.dstPorts, backendPorts: b.dstPorts, sources: b.src, rules: [...new Set(rules)] });
          }
          if (b.protocols.has(ICMP)) item.parts.push({ protocol: ICMP, frontendPorts: IntervalSet.EMPTY, backendPorts: IntervalSet.EMPTY, sources: b.src });
        }
      }
      const latentItems = [...byLatent.values()].sort(byEntryName);
      for (const m of sorted) latent.push(...latentItems.map((x) => ({ ...x, endpoint: m })));
    }
  }
  return { items: out, latent };
}

function byEntryName(a: ExposedEndpoint, b: ExposedEndpoint): number {
  return a.entry.name < b.entry.name ? -1 : a.entry.name > b.entry.name ? 1 : 0;
}
