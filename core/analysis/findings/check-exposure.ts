// ZT-EXPOSED-MGMT-PORT and ZT-EXPOSED-DIRECT: what the internet effectively reaches. Both start
// from the exposure answer (packets that pass every NSG, route and firewall through an entry
// point), never from single rules: an allow without an entry point, or one that a higher-priority
// deny or the other NSG blocks, is not exposure.

import { IntervalSet } from '../../sets/interval-set.ts';
import { formatPorts } from '../../sets/ports.ts';
import { protocolName } from '../../sets/protocols.ts';
import { nameFromId } from '../../model/ids.ts';
import type { FindingsContext } from './context.ts';
import type { ExposedEndpoint, ExposureAnswer } from './exposure-source.ts';
import { TCP, UDP, describeAddresses, endpointRef, externalRef, pickAddress, pickPort, traceEvidence } from './flows.ts';
import type { Finding, RelatedResource, Severity } from './types.ts';

/** Remote administration and database ports, per protocol (issue 4: 22, 3389, 5985, 5986, 23 and the usual database ports). */
export const MANAGEMENT_PORTS: readonly { protocol: 'Tcp' | 'Udp'; port: number; service: string }[] = [
  { protocol: 'Tcp', port: 22, service: 'SSH' },
  { protocol: 'Tcp', port: 23, service: 'Telnet' },
  { protocol: 'Tcp', port: 135, service: 'MS-RPC' },
  { protocol: 'Tcp', port: 139, service: 'NetBIOS' },
  { protocol: 'Tcp', port: 445, service: 'SMB' },
  { protocol: 'Tcp', port: 1433, service: 'SQL Server' },
  { protocol: 'Udp', port: 1434, service: 'SQL Server Browser' },
  { protocol: 'Tcp', port: 1521, service: 'Oracle' },
  { protocol: 'Tcp', port: 2375, service: 'Docker API' },
  { protocol: 'Tcp', port: 2376, service: 'Docker API (TLS)' },
  { protocol: 'Tcp', port: 3306, service: 'MySQL' },
  { protocol: 'Tcp', port: 3389, service: 'RDP' },
  { protocol: 'Udp', port: 3389, service: 'RDP' },
  { protocol: 'Tcp', port: 5432, service: 'PostgreSQL' },
  { protocol: 'Tcp', port: 5900, service: 'VNC' },
  { protocol: 'Tcp', port: 5984, service: 'CouchDB' },
  { protocol: 'Tcp', port: 5985, service: 'WinRM' },
  { protocol: 'Tcp', port: 5986, service: 'WinRM (HTTPS)' },
  { protocol: 'Tcp', port: 6379, service: 'Redis' },
  { protocol: 'Tcp', port: 9042, service: 'Cassandra' },
  { protocol: 'Tcp', port: 9200, service: 'Elasticsearch' },
  { protocol: 'Tcp', port: 11211, service: 'Memcached' },
  { protocol: 'Udp', port: 11211, service: 'Memcached' },
  { protocol: 'Tcp', port: 27017, service: 'MongoDB' },
];

/** Which exposed port makes the example flow, most telling first. */
const EXAMPLE_ORDER = [22, 3389, 5985, 5986, 23, 5900, 445, 1433, 3306, 5432];

function managementSet(protocol: number): IntervalSet {
  const name = protocol === TCP ? 'Tcp' : protocol === UDP ? 'Udp' : '';
  return IntervalSet.fromRanges(MANAGEMENT_PORTS.filter((m) => m.protocol === name).map((m) => [m.port, m.port] as [number, number]));
}

function serviceOf(protocol: number, port: number): string {
  const name = protocol === TCP ? 'Tcp' : 'Udp';
  return MANAGEMENT_PORTS.find((m) => m.protocol === name && m.port === port)?.service ?? `port ${port}`;
}

/** Severity by how many sources get through: > /16 broad, > /24 medium, else restricted. */
export function breadthSeverity(sources: IntervalSet, broad: Severity, medium: Severity, restricted: Severity): Severity {
  const n = sources.size();
  return n > 65536 ? broad : n > 256 ? medium : restricted;
}

function entryText(x: ExposedEndpoint): string {
  const e = x.entry;
  switch (e.via) {
    case 'publicIp':
      return `public IP ${e.name}${e.publicIp ? ` (${e.publicIp})` : ''}`;
    case 'loadBalancerRule':
      return `load-balancing rule ${e.name} (${e.publicIp ?? '?'}:${e.frontendPort} -> ${e.backendPort})`;
    case 'inboundNatRule':
      return `inbound NAT rule ${e.name} (${e.publicIp ?? '?'}:${e.frontendPort} -> ${e.backendPort})`;
    case 'applicationGateway':
      return `Application Gateway rule ${e.name} (${e.publicIp ?? '?'}:${e.frontendPort})`;
    case 'firewallDnat':
      return `Azure Firewall DNAT rule ${e.name} (${e.publicIp ?? '?'}${e.frontendPort !== undefined ? `:${e.frontendPort}` : ''})`;
  }
}

function restriction(sources: IntervalSet): string {
  const n = sources.size();
  return n <= 65536 ? `; the sources are restricted to ${n} address${n === 1 ? '' : 'es'}` : '';
}

/** The frontend port a client uses to reach backend `port` through this entry. */
function frontendFor(x: ExposedEndpoint, protocol: number, port: number): number | undefined {
  for (const p of x.parts) {
    if (p.protocol !== protocol || !p.backendPorts.has(port)) continue;
    if (p.frontendPorts.has(port)) return port;
    if (p.frontendPorts.size() === 1) return p.frontendPorts.min();
  }
  return undefined;
}

function entryRelated(ctx: FindingsContext, x: ExposedEndpoint): RelatedResource {
  const info = ctx.resourceInfo(x.entry.resource);
  return { resource: info.resource, name: x.entry.name, role: 'entry point', location: info.location };
}

/** The NSG rules that admitted the flow on the destination side, named for the fix. */
function inboundRules(ev: { allowedBy: { nsg?: string; rule: string; side?: string }[] }): string[] {
  const out: string[] = [];
  for (const a of ev.allowedBy) if (a.nsg && (a.side === 'destination-subnet' || a.side === 'destination-nic')) out.push(`${nameFromId(a.nsg)} ${a.rule}`);
  return out;
}

export function checkExposure(ctx: FindingsContext, exposure: ExposureAnswer): Finding[] {
  const out: Finding[] = [];
  for (const x of [...exposure.items, ...exposure.latent]) {
    out.push(...managementFindings(ctx, x));
    if (x.entry.via === 'publicIp' && x.endpoint.kind === 'nic') {
      const f = directFinding(ctx, x);
      if (f) out.push(f);
    }
  }
  return out;
}

function managementFindings(ctx: FindingsContext, x: ExposedEndpoint): Finding[] {
  // An Application Gateway proxies HTTP(S) only: a management port behind it is not reachable as such.
  if (x.entry.via === 'applicationGateway') return [];
  const hits: { protocol: number; port: number; sources: IntervalSet; rules: Set<string> }[] = [];
  for (const p of x.parts) {
    if (p.protocol !== TCP && p.protocol !== UDP) continue;
    const m = p.backendPorts.intersect(managementSet(p.protocol));
    for (const [lo, hi] of m.ranges()) {
      for (let port = lo; port <= hi; port++) {
        let h = hits.find((y) => y.protocol === p.protocol && y.port === port);
        if (h) h.sources = h.sources.union(p.sources);
        else hits.push((h = { protocol: p.protocol, port, sources: p.sources, rules: new Set() }));
        for (const r of p.rules ?? []) h.rules.add(r);
      }
    }
  }
  if (hits.length === 0) return [];
  hits.sort((a, b) => a.port - b.port || a.protocol - b.protocol);
  let sources = IntervalSet.EMPTY;
  for (const h of hits) sources = sources.union(h.sources);
  // The example: the broadest sources, then the most telling service (remote administration first).
  const widest = Math.max(...hits.map((y) => y.sources.size()));
  const rank = (h: { port: number }) => { const i = EXAMPLE_ORDER.indexOf(h.port); return i < 0 ? EXAMPLE_ORDER.length + h.port : i; };
  const first = hits.filter((h) => h.sources.size() === widest).sort((a, b) => rank(a) - rank(b))[0] ?? hits[0];
  const fp = frontendFor(x, first.protocol, first.port) ?? first.port;
  const src = pickAddress(first.sources, [0xc6336407 /* 198.51.100.7 */])!;
  const traced = traceEvidence(ctx.dp, { from: externalRef(src, 'internet'), to: endpointRef(x.endpoint), protocol: first.protocol, dstPort: fp, viaPublicIp: true });
  traced?.trace.caveats.forEach((c) => ctx.caveats.add(c));
  const evidence = traced?.evidence ?? { allowedBy: [], routes: [] };
  const services = hits.map((h) => {
    const f = frontendFor(x, h.protocol, h.port);
    return `${serviceOf(h.protocol, h.port)} (${protocolName(h.protocol)} ${h.port}${f !== undefined && f !== h.port ? ` via frontend port ${f}` : ''})`;
  });
  const uniqueServices = [...new Set(services)];
  const servicesText = uniqueServices.length <= 6 ? uniqueServices.join(', ') : `${uniqueServices.slice(0, 6).join(', ')} and ${uniqueServices.length - 6} more management or database ports`;
  const latentRules = [...new Set(hits.flatMap((h) => [...h.rules]))].sort();
  const res = ctx.endpointResource(x.endpoint);
  const rules = x.latent ? [...new Set(hits.flatMap((h) => [...h.rules]))].sort() : inboundRules(evidence);
  const severity = x.latent ? 'low' : breadthSeverity(sources, 'high', 'medium', 'low');
  evidence.details = {
    ports: hits.map((h) => `${protocolName(h.protocol)} ${h.port}`),
    sources: describeAddresses(sources),
    entryPoint: entryText(x),
    ...(x.latent ? { latent: latentText(x) } : {}),
  };
  const custom = rules.filter((r) => !r.includes('defaultSecurityRules/'));
  const byDefault = rules.some((r) => r.includes('defaultSecurityRules/AllowVnetInBound'));
  const fixRules = [
    custom.length ? `Remove or narrow ${custom.join(', ')}` : '',
    byDefault ? `add a Deny-All-Inbound rule (priority 4096) so that defaultSecurityRules/AllowVnetInBound, whose VirtualNetwork tag includes 0.0.0.0/0 here, no longer admits internet sources` : '',
  ].filter(Boolean).join('; ') || 'Remove the allow';
  const fixEntry = x.entry.via === 'publicIp' ? ` and dissociate ${x.entry.name}` : x.entry.via === 'inboundNatRule' ? ` or delete the NAT rule ${x.entry.name}` : '';
  return [
    ctx.finding({
      id: 'ZT-EXPOSED-MGMT-PORT',
      severity,
      resource: res.resource,
      name: res.name,
      location: res.location,
      message: x.latent
        ? `The NSGs of ${ctx.endpointLabel(x.endpoint)} admit ${servicesText} from ${describeAddresses(sources)} through ${entryText(x)} (by ${latentRules.join(', ')}), but ${latentText(x)}.`
        : `${servicesText} on ${ctx.endpointLabel(x.endpoint)} ${hits.length === 1 ? 'is' : 'are'} reachable from ${describeAddresses(sources)} through ${entryText(x)}${restriction(sources)}.`,
      evidence: { ...evidence, entry: { via: x.entry.via, resource: x.entry.resource, name: x.entry.name, ...(x.entry.publicIp ? { publicIp: x.entry.publicIp } : {}), ...(x.entry.frontendPort !== undefined ? { frontendPort: x.entry.frontendPort } : {}), ...(x.entry.backendPort !== undefined ? { backendPort: x.entry.backendPort } : {}) } },
      fix: `${fixRules}${fixEntry}; reach the machine through Azure Bastion, a VPN or just-in-time access from named addresses.`,
      related: [entryRelated(ctx, x), ...ctx.relatedFromEvidence(evidence)],
      key: `${x.entry.name}|${hits.map((h) => `${h.protocol}/${h.port}`).join(',')}${x.latent ? '|latent' : ''}`,
    }),
  ];
}

function directFinding(ctx: FindingsContext, x: ExposedEndpoint): Finding | undefined {
  const byProtocol = new Map<number, IntervalSet>();
  let sources = IntervalSet.EMPTY;
  for (const p of x.parts) {
    byProtocol.set(p.protocol, (byProtocol.get(p.protocol) ?? IntervalSet.EMPTY).union(p.frontendPorts));
    sources = sources.union(p.sources);
  }
  if (byProtocol.size === 0) return undefined;
  const protocols = [...byProtocol.keys()].sort((a, b) => a - b);
  const traffic = protocols.map((p) => (p === TCP || p === UDP ? `${protocolName(p)} ${formatPorts(byProtocol.get(p)!).join(', ')}` : protocolName(p))).join('; ');
  const proto = protocols.includes(TCP) ? TCP : protocols[0];
  const port = proto === TCP || proto === UDP ? pickPort(byProtocol.get(proto)!) : undefined;
  const partSources = x.parts.find((p) => p.protocol === proto && (port === undefined || p.frontendPorts.has(port)))?.sources ?? sources;
  const src = pickAddress(partSources, [0xc6336407])!;
  const traced = traceEvidence(ctx.dp, { from: externalRef(src, 'internet'), to: endpointRef(x.endpoint), protocol: proto, dstPort: port, viaPublicIp: true });
  traced?.trace.caveats.forEach((c) => ctx.caveats.add(c));
  const evidence = traced?.evidence ?? { allowedBy: [], routes: [] };
  evidence.details = { traffic, sources: describeAddresses(sources), publicIp: x.entry.publicIp ?? '' };
  const res = ctx.endpointResource(x.endpoint);
  if (x.latent) evidence.details.latent = latentText(x);
  return ctx.finding({
    id: 'ZT-EXPOSED-DIRECT',
    severity: x.latent ? 'low' : breadthSeverity(sources, 'medium', 'medium', 'low'),
    resource: res.resource,
    name: res.name,
    location: res.location,
    message: x.latent
      ? `${ctx.endpointLabel(x.endpoint)} has its own ${entryText(x)} and its NSGs admit ${traffic} from ${describeAddresses(sources)}, but ${latentText(x)}.`
      : `${ctx.endpointLabel(x.endpoint)} accepts ${traffic} from ${describeAddresses(sources)} on its own ${entryText(x)}, not behind an Application Gateway, a load balancer or the firewall${restriction(sources)}.`,
    evidence,
    fix: `Dissociate ${x.entry.name} from ${res.name}; publish the service through Application Gateway (WAF), a load balancer or an Azure Firewall DNAT rule, and administer it through Azure Bastion.`,
    related: [entryRelated(ctx, x), ...ctx.relatedFromEvidence(evidence)],
    key: `${x.entry.name}${x.latent ? '|latent' : ''}`,
  });
}

/** Why a latent exposure does not connect today. */
function latentText(x: ExposedEndpoint): string {
  const s = x.latent;
  const via = s?.nextHopType ? ` to ${s.nextHopType}` : '';
  return `connections fail today because replies follow the 0.0.0.0/0 route${s?.route ? ` ${s.route}` : ''}${via} instead of the public path (asymmetric routing, rule 7.6); the exposure becomes real as soon as that route changes`;
}
