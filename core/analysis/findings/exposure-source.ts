// What the internet can reach, per endpoint and entry point, for the exposure findings. One switch:
// `internetExposure` computes it here (a symbolic walk from the internet through every entry point
// of every endpoint that has one); when the engine's own exposure question is available it can
// answer instead, converted to the same shape.

import type { Endpoint } from '../../dataplane/address-index.ts';
import type { EntryDescription } from '../../trace/entry-points.ts';
import type { ResourceId } from '../../model/types.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { parseIPv4 } from '../../sets/ipv4.ts';
import type { FindingsContext } from './context.ts';
import { ICMP, TCP, UDP, endpointRef, walkFlows } from './flows.ts';

export interface ExposurePart {
  protocol: number;
  /** Ports the client addresses (the load balancer frontend port, the DNAT port...). */
  frontendPorts: IntervalSet;
  /** Ports that arrive at the endpoint after translation. */
  backendPorts: IntervalSet;
  sources: IntervalSet;
}

export interface ExposedEndpoint {
  endpoint: Endpoint;
  entry: EntryDescription;
  parts: ExposurePart[];
}

export interface ExposureAnswer {
  items: ExposedEndpoint[];
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
export function internetExposure(ctx: FindingsContext): ExposureAnswer {
  return { items: walkExposure(ctx), via: 'findings-walk' };
}

function walkExposure(ctx: FindingsContext): ExposedEndpoint[] {
  const targets = entryTargets(ctx);
  const out: ExposedEndpoint[] = [];
  for (const c of ctx.classes) {
    const candidates = c.members.filter((m) => hasEntry(m, targets));
    if (candidates.length === 0) continue;
    // Members of a class share NSGs, pools and routes; entry points of their own (public IP, NAT
    // rule, DNAT target) put a NIC in a class of its own. Walk each candidate: they are few.
    for (const e of candidates.sort((a, b) => a.ip - b.ip)) {
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
      out.push(...[...byEntry.values()].sort((a, b) => (a.entry.name < b.entry.name ? -1 : a.entry.name > b.entry.name ? 1 : 0)));
    }
  }
  return out;
}
