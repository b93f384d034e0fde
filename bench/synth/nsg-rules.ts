// NSG rule mixes: a seeded list of custom security rules of an exact length, in the shapes real
// estates have: denies above allows, per-application allows between ASGs, service tags, CIDR
// lists, port ranges and lists, and sometimes a deny-all override at the bottom. Priorities are
// unique per direction.

import { BLOCKLIST, ROLE_PORTS, SERVICE_TAGS } from './catalog.ts';
import type { Rng } from './prng.ts';

export type Direction = 'Inbound' | 'Outbound';
export type Access = 'Allow' | 'Deny';
export type RuleProtocol = 'Tcp' | 'Udp' | 'Icmp' | '*';

/** One side of a rule: a single prefix/tag, a prefix list, or ASGs. */
export type RuleEndpoint = { prefix: string } | { prefixes: string[] } | { asgIds: string[] };

export interface RuleSpec {
  name: string;
  description: string;
  direction: Direction;
  access: Access;
  protocol: RuleProtocol;
  source: RuleEndpoint;
  destination: RuleEndpoint;
  /** `*`, one port or range, or a list (written as destinationPortRanges). */
  destinationPorts: string | string[];
  priority: number;
}

export type UnplacedRule = Omit<RuleSpec, 'priority'>;

export interface RuleContext {
  rng: Rng;
  /** ASGs of the VNet, by role. */
  asgs: ReadonlyMap<string, string>;
  /** Roles of the subnets (or NIC) the NSG protects. */
  protectedRoles: readonly string[];
  /** Subnet prefixes of the VNet, by role. */
  subnetPrefixes: ReadonlyMap<string, string>;
  ownPrefix: string;
  hubMgmtPrefix: string;
  hubDnsIps: readonly string[];
  onPremPrefixes: readonly string[];
  regionSupernet: string;
  /** A few other VNets of the region this one integrates with. */
  peerPrefixes: readonly string[];
  /** Do not put `Deny-Mgmt-From-Internet` on top (NSGs that hold the jumpbox rules). */
  allowsManagementFromOutside?: boolean;
}

export interface RuleMixOptions {
  /** Rules placed right after the top denies, in this order (e.g. planted or required ones). */
  fixedInbound?: UnplacedRule[];
  fixedOutbound?: UnplacedRule[];
  /** Put `Deny-All-Inbound` at priority 4096 (overrides AllowVnetInBound). */
  denyAllInbound?: boolean;
  /** Put `Deny-Internet-Outbound` at priority 4096 (overrides AllowInternetOutBound). */
  denyInternetOutbound?: boolean;
}

const MAX_PRIORITY = 4096;

function asg(ctx: RuleContext, role: string): RuleEndpoint {
  const id = ctx.asgs.get(role);
  if (id) return { asgIds: [id] };
  const prefix = ctx.subnetPrefixes.get(role);
  if (!prefix) throw new Error(`no ASG or subnet for role ${role}`);
  return { prefix };
}

function ports(ctx: RuleContext, role: string): string | string[] {
  const catalog = ROLE_PORTS[role] ?? ['443'];
  const { rng } = ctx;
  if (catalog.length > 1 && rng.chance(0.3)) return rng.sample(catalog, 2);
  return rng.pick(catalog);
}

function portLabel(p: string | string[]): string {
  return (Array.isArray(p) ? p.join('_') : p).replace(/\*/g, 'Any');
}

function rule(name: string, description: string, direction: Direction, access: Access, protocol: RuleProtocol,
  source: RuleEndpoint, destination: RuleEndpoint, destinationPorts: string | string[]): UnplacedRule {
  return { name, description, direction, access, protocol, source, destination, destinationPorts };
}

function inboundDenies(ctx: RuleContext): UnplacedRule[] {
  const list = [
    rule('Deny-Inbound-Blocklist', 'Block known-bad ranges', 'Inbound', 'Deny', '*', { prefixes: [...BLOCKLIST] }, { prefix: '*' }, '*'),
    rule('Deny-Telnet-Inbound', 'No telnet anywhere', 'Inbound', 'Deny', 'Tcp', { prefix: '*' }, { prefix: '*' }, '23'),
    rule('Deny-SMB-From-Internet', 'No SMB/NetBIOS from the internet', 'Inbound', 'Deny', 'Tcp', { prefix: SERVICE_TAGS.internet }, { prefix: '*' }, ['139', '445']),
  ];
  if (!ctx.allowsManagementFromOutside) {
    list.push(rule('Deny-Mgmt-From-Internet', 'No RDP/SSH from the internet', 'Inbound', 'Deny', 'Tcp', { prefix: SERVICE_TAGS.internet }, { prefix: '*' }, ['22', '3389']));
  }
  return list;
}

function outboundDenies(): UnplacedRule[] {
  return [
    rule('Deny-Outbound-Blocklist', 'Block known-bad ranges', 'Outbound', 'Deny', '*', { prefix: '*' }, { prefixes: [...BLOCKLIST] }, '*'),
    rule('Deny-SMB-To-Internet', 'No SMB to the internet', 'Outbound', 'Deny', 'Tcp', { prefix: '*' }, { prefix: SERVICE_TAGS.internet }, '445'),
    rule('Deny-Mgmt-To-Internet', 'No RDP/SSH to the internet', 'Outbound', 'Deny', 'Tcp', { prefix: '*' }, { prefix: SERVICE_TAGS.internet }, ['22', '3389']),
  ];
}

type Template = (ctx: RuleContext) => UnplacedRule;

const INBOUND_ALLOWS: readonly [number, Template][] = [
  [6, (ctx) => {
    const to = ctx.rng.pick(ctx.protectedRoles);
    const from = ctx.rng.pick([...ctx.asgs.keys()]);
    const p = ports(ctx, to);
    return rule(`Allow-${from}-to-${to}-${portLabel(p)}`, `Application flow ${from} -> ${to}`, 'Inbound', 'Allow', 'Tcp', asg(ctx, from), asg(ctx, to), p);
  }],
  [1, (ctx) => {
    const to = ctx.rng.pick(ctx.protectedRoles);
    const p = (ROLE_PORTS[to] ?? ['443'])[0] as string;
    return rule(`Allow-AzureLB-Probe-${to}`, 'Load balancer health probes', 'Inbound', 'Allow', 'Tcp', { prefix: SERVICE_TAGS.azureLoadBalancer }, asg(ctx, to), p);
  }],
  [2, (ctx) => {
    const to = ctx.rng.pick(ctx.protectedRoles);
    const p = ports(ctx, to);
    const dst = ctx.subnetPrefixes.get(to) ?? ctx.ownPrefix;
    return rule(`Allow-VNet-to-${to}-${portLabel(p)}`, `Anything in the VNet to the ${to} subnet`, 'Inbound', 'Allow', 'Tcp', { prefix: SERVICE_TAGS.virtualNetwork }, { prefix: dst }, p);
  }],
  [2, (ctx) => {
    const to = ctx.rng.pick(ctx.protectedRoles);
    const p = ports(ctx, to);
    return rule(`Allow-OnPrem-to-${to}-${portLabel(p)}`, 'On-premises users', 'Inbound', 'Allow', 'Tcp', { prefixes: [...ctx.onPremPrefixes] }, asg(ctx, to), p);
  }],
  [1, (ctx) => rule('Allow-Hub-Mgmt', 'Management from the hub jump hosts', 'Inbound', 'Allow', 'Tcp', { prefix: ctx.hubMgmtPrefix }, { prefix: '*' }, ['22', '3389', '5985-5986'])],
  [2, (ctx) => {
    const to = ctx.rng.pick(ctx.protectedRoles);
    const peer = ctx.rng.pick(ctx.peerPrefixes.length > 0 ? ctx.peerPrefixes : [ctx.regionSupernet]);
    const p = ctx.rng.pick(['443', '8443', '8000-8100']);
    return rule(`Allow-Partner-${peer.replace(/[./]/g, '_')}-to-${to}-${portLabel(p)}`, 'Integration with a partner application', 'Inbound', 'Allow', 'Tcp', { prefix: peer }, asg(ctx, to), p);
  }],
  [1, () => rule('Allow-Icmp-VNet', 'Ping inside the VNet', 'Inbound', 'Allow', 'Icmp', { prefix: SERVICE_TAGS.virtualNetwork }, { prefix: '*' }, '*')],
  [1, (ctx) => {
    const to = ctx.rng.pick(ctx.protectedRoles);
    const p = ports(ctx, to);
    return rule(`Allow-Region-to-${to}-${portLabel(p)}`, 'Other workloads of the region', 'Inbound', 'Allow', 'Tcp', { prefix: ctx.regionSupernet }, asg(ctx, to), p);
  }],
];

const OUTBOUND_ALLOWS: readonly [number, Template][] = [
  [3, (ctx) => {
    const from = ctx.rng.pick(ctx.protectedRoles);
    const [tag, p] = ctx.rng.pick([
      [SERVICE_TAGS.storage, '443'], [SERVICE_TAGS.sql, '1433'], [SERVICE_TAGS.azureMonitor, '443'], [SERVICE_TAGS.azureCloud, '443'],
      [SERVICE_TAGS.sql, ['1433', '11000-11999']],
    ] as [string, string | string[]][]);
    return rule(`Allow-${from}-to-${tag}-${portLabel(p)}`, `Platform service ${tag}`, 'Outbound', 'Allow', 'Tcp', asg(ctx, from), { prefix: tag }, p);
  }],
  [4, (ctx) => {
    const from = ctx.rng.pick(ctx.protectedRoles);
    const to = ctx.rng.pick([...ctx.asgs.keys()]);
    const p = ports(ctx, to);
    return rule(`Allow-${from}-to-${to}-${portLabel(p)}-Out`, `Application flow ${from} -> ${to}`, 'Outbound', 'Allow', 'Tcp', asg(ctx, from), asg(ctx, to), p);
  }],
  [2, (ctx) => {
    const p = ctx.rng.pick(['443', '1433', ['22', '443'], '8080-8090']);
    return rule(`Allow-To-OnPrem-${portLabel(p)}`, 'On-premises services', 'Outbound', 'Allow', 'Tcp', { prefix: ctx.ownPrefix }, { prefixes: [...ctx.onPremPrefixes] }, p);
  }],
  [1, (ctx) => rule('Allow-DNS-Hub-Udp', 'DNS to the hub resolvers', 'Outbound', 'Allow', 'Udp', { prefix: '*' }, { prefixes: [...ctx.hubDnsIps] }, '53')],
  [1, (ctx) => rule('Allow-DNS-Hub-Tcp', 'DNS to the hub resolvers', 'Outbound', 'Allow', 'Tcp', { prefix: '*' }, { prefixes: [...ctx.hubDnsIps] }, '53')],
  [1, () => rule('Allow-NTP-Out', 'Time sync', 'Outbound', 'Allow', 'Udp', { prefix: '*' }, { prefix: SERVICE_TAGS.internet }, '123')],
  [2, (ctx) => {
    const peer = ctx.rng.pick(ctx.peerPrefixes.length > 0 ? ctx.peerPrefixes : [ctx.regionSupernet]);
    const p = ctx.rng.pick(['443', '8443', ['443', '8443']]);
    return rule(`Allow-To-Partner-${peer.replace(/[./]/g, '_')}-${portLabel(p)}`, 'Integration with a partner application', 'Outbound', 'Allow', 'Tcp', { prefix: ctx.ownPrefix }, { prefix: peer }, p);
  }],
  [1, (ctx) => rule('Allow-Https-To-Internet', 'Outbound web (inspected by the firewall)', 'Outbound', 'Allow', 'Tcp', { prefix: ctx.ownPrefix }, { prefix: SERVICE_TAGS.internet }, ['80', '443'])],
];

function weightedPick(rng: Rng, templates: readonly [number, Template][]): Template {
  let total = 0;
  for (const [w] of templates) total += w;
  let x = rng.next() * total;
  for (const [w, t] of templates) {
    x -= w;
    if (x < 0) return t;
  }
  return (templates[templates.length - 1] as [number, Template])[1];
}

function signature(r: UnplacedRule): string {
  return JSON.stringify([r.direction, r.access, r.protocol, r.source, r.destination, r.destinationPorts]);
}

/** `count` allow rules from the templates, no two alike and with unique names. */
function fillAllows(ctx: RuleContext, templates: readonly [number, Template][], count: number, names: Set<string>, seen: Set<string>): UnplacedRule[] {
  const out: UnplacedRule[] = [];
  let attempts = 0;
  while (out.length < count) {
    const r = weightedPick(ctx.rng, templates)(ctx);
    attempts++;
    const sig = signature(r);
    if (seen.has(sig) && attempts < count * 50) continue;
    seen.add(sig);
    let name = r.name;
    for (let k = 2; names.has(name); k++) name = `${r.name}-${k}`;
    names.add(name);
    out.push({ ...r, name });
  }
  return out;
}

/** Priorities 100 upwards with seeded gaps, always below MAX_PRIORITY. */
function placeRules(rng: Rng, rules: UnplacedRule[], tail: UnplacedRule[]): RuleSpec[] {
  const n = rules.length;
  const maxStep = n * 20 + 100 < MAX_PRIORITY - 1 ? 20 : Math.max(1, Math.floor((MAX_PRIORITY - 101) / Math.max(1, n)));
  const steps = maxStep >= 20 ? [5, 10, 10, 10, 20] : [maxStep];
  const out: RuleSpec[] = [];
  let p = 100;
  for (const [i, r] of rules.entries()) {
    if (i > 0) p += rng.pick(steps);
    out.push({ ...r, priority: p });
  }
  for (const [i, r] of tail.entries()) out.push({ ...r, priority: MAX_PRIORITY - i });
  return out;
}

function direction(ctx: RuleContext, budget: number, denies: UnplacedRule[], fixed: UnplacedRule[], tail: UnplacedRule[],
  templates: readonly [number, Template][], names: Set<string>, seen: Set<string>): RuleSpec[] {
  const room = budget - fixed.length - tail.length;
  if (room < 0) throw new Error(`rule budget ${budget} too small for ${fixed.length + tail.length} required rules`);
  const denyCount = Math.min(room, ctx.rng.int(1, denies.length));
  const top = ctx.rng.sample(denies, denyCount);
  for (const r of [...top, ...fixed, ...tail]) {
    names.add(r.name);
    seen.add(signature(r));
  }
  const allows = fillAllows(ctx, templates, room - denyCount, names, seen);
  return placeRules(ctx.rng, [...top, ...fixed, ...allows], tail);
}

/** Exactly `count` custom rules: about 60% inbound, the rest outbound. */
export function generateRuleMix(ctx: RuleContext, count: number, options: RuleMixOptions = {}): RuleSpec[] {
  const fixedIn = options.fixedInbound ?? [];
  const fixedOut = options.fixedOutbound ?? [];
  const tailIn = options.denyAllInbound
    ? [rule('Deny-All-Inbound', 'Explicit deny: overrides AllowVnetInBound', 'Inbound', 'Deny', '*', { prefix: '*' }, { prefix: '*' }, '*')]
    : [];
  const tailOut = options.denyInternetOutbound
    ? [rule('Deny-Internet-Outbound', 'Explicit deny: overrides AllowInternetOutBound', 'Outbound', 'Deny', '*', { prefix: '*' }, { prefix: SERVICE_TAGS.internet }, '*')]
    : [];
  const minIn = fixedIn.length + tailIn.length + 1;
  const minOut = fixedOut.length + tailOut.length + 1;
  let inbound = Math.round(count * 0.6);
  inbound = Math.max(minIn, Math.min(inbound, count - minOut));
  const outbound = count - inbound;
  if (inbound < minIn || outbound < minOut) throw new Error(`${count} rules cannot hold the required ones`);
  const names = new Set<string>();
  const seen = new Set<string>();
  return [
    ...direction(ctx, inbound, inboundDenies(ctx), fixedIn, tailIn, INBOUND_ALLOWS, names, seen),
    ...direction(ctx, outbound, outboundDenies(), fixedOut, tailOut, OUTBOUND_ALLOWS, names, seen),
  ];
}

/** A rule helper for callers that need specific rules (jumpbox, planted, internet-facing). */
export function customRule(name: string, description: string, dir: Direction, access: Access, protocol: RuleProtocol,
  source: RuleEndpoint, destination: RuleEndpoint, destinationPorts: string | string[]): UnplacedRule {
  return rule(name, description, dir, access, protocol, source, destination, destinationPorts);
}

