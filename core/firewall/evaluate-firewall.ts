// Azure Firewall decisions: one flow (`evaluateFirewall`) and the symbolic set of flows it lets
// through (`computeFirewallPermits`), with the same order (rules 12.1-12.7): DNAT for traffic to
// the firewall's public address, then network rules, then application rules (HTTP/HTTPS/MSSQL by
// FQDN, only with no network rule match), then deny by default. Rules are terminating.

import type { AzureFirewall, Snapshot } from '../model/types.ts';
import type { DataPlane } from '../dataplane/compile.ts';
import type { Flow } from '../policy/flow.ts';
import { PacketSpace } from '../sets/packet-space.ts';
import { boxesMeet, intersectBox, type Box } from '../sets/packet-space.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { orderFirewallRules, type FirewallRuleSet, type OrderedCollection } from './ordered-collections.ts';
import {
  compileApplicationRule,
  compileNatRule,
  compileNetworkRule,
  fqdnMatches,
  type CompiledApplicationRule,
  type CompiledNatRule,
  type CompiledNetworkRule,
} from './compile-firewall.ts';
import { RuleAddressIndex } from './rule-index.ts';

export type FirewallRuleType = 'DNAT' | 'Network' | 'Application' | 'Default';

export interface FirewallDecision {
  action: 'Allow' | 'Deny';
  ruleType: FirewallRuleType;
  rule?: string;
  ruleCollection?: string;
  ruleCollectionGroup?: string;
  /** DNAT: where the packet goes next. */
  translated?: { ip: number; port?: number };
  /** Rules that could not be fully evaluated (unknown tags, FQDN-only rules...). */
  notes: string[];
}

interface CompiledFirewall {
  set: FirewallRuleSet;
  nat: { oc: OrderedCollection; rules: CompiledNatRule[] }[];
  network: { oc: OrderedCollection; rules: CompiledNetworkRule[] }[];
  application: { oc: OrderedCollection; rules: CompiledApplicationRule[] }[];
  /** The network and application rules in evaluation order, indexed by source and destination. */
  networkIndexed: IndexedRules<CompiledNetworkRule>;
  applicationIndexed: IndexedRules<CompiledApplicationRule>;
}

/** Rules in evaluation order, with their collection, and indexes of them by address. */
interface IndexedRules<R extends { box: Box }> {
  list: { oc: OrderedCollection; r: R }[];
  bySource: RuleAddressIndex;
  byDestination: RuleAddressIndex;
}

function indexRules<R extends { box: Box }>(collections: readonly { oc: OrderedCollection; rules: R[] }[]): IndexedRules<R> {
  const list = collections.flatMap(({ oc, rules }) => rules.map((r) => ({ oc, r })));
  return { list, bySource: new RuleAddressIndex(list.map((x) => x.r.box.src)), byDestination: new RuleAddressIndex(list.map((x) => x.r.box.dst)) };
}

/** The ordinals of the rules that may meet a query of this hull (the fewer of the two indexes'), or every rule. */
function rulesMeeting<R extends { box: Box }>(ix: IndexedRules<R>, hull: Box): Iterable<number> {
  const bySrc = hullRange(hull.src, (lo, hi) => ix.bySource.meeting(lo, hi));
  const byDst = hullRange(hull.dst, (lo, hi) => ix.byDestination.meeting(lo, hi));
  const best = !bySrc ? byDst : !byDst ? bySrc : bySrc.length <= byDst.length ? bySrc : byDst;
  return best ?? ix.list.keys();
}

function hullRange(set: IntervalSet, f: (lo: number, hi: number) => readonly number[] | undefined): readonly number[] | undefined {
  const b = set.bounds;
  return b.length ? f(b[0], b[b.length - 1]) : [];
}

/**
 * Compiled firewalls per data plane. A firewall compiles from itself, the snapshot's firewall
 * policies, rule collection groups and IP groups, and the service tags only: a data plane that
 * shares all of those by identity with another (a what-if snapshot after a change that left them
 * alone) shares its compiled firewalls too, keyed by the firewall object.
 */
interface FirewallCache {
  policies: Snapshot['firewallPolicies'];
  groups: Snapshot['firewallPolicyRuleCollectionGroups'];
  ipGroups: Snapshot['ipGroups'];
  tags: DataPlane['tags'];
  byFirewall: WeakMap<AzureFirewall, CompiledFirewall>;
}

const cache = new WeakMap<DataPlane, FirewallCache>();
/** The latest cache per tags object: the candidate to share (checked input by input). */
const latest = new WeakMap<DataPlane['tags'], FirewallCache>();

function firewallCache(dp: DataPlane): FirewallCache {
  let m = cache.get(dp);
  if (m) return m;
  const s = dp.snapshot;
  const prev = latest.get(dp.tags);
  if (prev && prev.policies === s.firewallPolicies && prev.groups === s.firewallPolicyRuleCollectionGroups && prev.ipGroups === s.ipGroups) m = prev;
  else latest.set(dp.tags, (m = { policies: s.firewallPolicies, groups: s.firewallPolicyRuleCollectionGroups, ipGroups: s.ipGroups, tags: dp.tags, byFirewall: new WeakMap() }));
  cache.set(dp, m);
  return m;
}

export function compiledFirewall(dp: DataPlane, fw: AzureFirewall): CompiledFirewall {
  const m = firewallCache(dp).byFirewall;
  const hit = m.get(fw);
  if (hit) return hit;
  const set = orderFirewallRules(dp.snapshot, fw);
  const { snapshot, tags } = dp;
  // Each kind of rule compiles on first use: entry from the internet asks every firewall for its
  // DNAT rules only, which must not cost compiling their (much larger) network and application rules.
  let nat: CompiledFirewall['nat'] | undefined;
  let network: CompiledFirewall['network'] | undefined;
  let application: CompiledFirewall['application'] | undefined;
  let networkIndexed: CompiledFirewall['networkIndexed'] | undefined;
  let applicationIndexed: CompiledFirewall['applicationIndexed'] | undefined;
  const c: CompiledFirewall = {
    set,
    get nat() {
      return (nat ??= set.nat.map((oc) => ({ oc, rules: oc.collection.rules.flatMap((r) => (r.kind === 'nat' ? [compileNatRule(r, snapshot, tags)] : [])) })));
    },
    get network() {
      return (network ??= set.network.map((oc) => ({ oc, rules: oc.collection.rules.flatMap((r) => (r.kind === 'network' ? [compileNetworkRule(r, snapshot, tags)] : [])) })));
    },
    get application() {
      return (application ??= set.application.map((oc) => ({ oc, rules: oc.collection.rules.flatMap((r) => (r.kind === 'application' ? [compileApplicationRule(r, snapshot, tags)] : [])) })));
    },
    get networkIndexed() {
      return (networkIndexed ??= indexRules(c.network));
    },
    get applicationIndexed() {
      return (applicationIndexed ??= indexRules(c.application));
    },
  };
  m.set(fw, c);
  return c;
}

function pointIn(box: { protocols: { has(n: number): boolean }; src: { has(n: number): boolean }; srcPorts: { has(n: number): boolean }; dst: { has(n: number): boolean }; dstPorts: { has(n: number): boolean } }, f: Flow): boolean {
  return box.protocols.has(f.protocol) && box.src.has(f.src) && box.srcPorts.has(f.srcPort) && box.dst.has(f.dst) && box.dstPorts.has(f.dstPort);
}

function where(oc: OrderedCollection) {
  return { ruleCollection: oc.collection.name, ruleCollectionGroup: oc.groupName };
}

export interface FirewallQuery {
  /** The packet arrives at the firewall's public IP (DNAT applies). */
  toPublicIp?: boolean;
  /** The destination FQDN, for application rules. */
  fqdn?: string;
}

export function evaluateFirewall(dp: DataPlane, fw: AzureFirewall, flow: Flow, q: FirewallQuery = {}): FirewallDecision {
  const c = compiledFirewall(dp, fw);
  const notes = [...c.set.problems];
  if (q.toPublicIp) {
    // 12.6: DNAT rules first; a match translates and allows, with no further rule processing.
    for (const { oc, rules } of c.nat) {
      for (const r of rules) {
        if (!pointIn(r.box, flow)) continue;
        if (r.translatedIp === undefined) notes.push(`DNAT rule ${r.rule.name} translates to an FQDN, which is not resolved offline`);
        return { action: 'Allow', ruleType: 'DNAT', rule: r.rule.name, ...where(oc), translated: r.translatedIp !== undefined ? { ip: r.translatedIp, port: r.translatedPort } : undefined, notes };
      }
    }
    return { action: 'Deny', ruleType: 'Default', notes: [...notes, 'no DNAT rule matches traffic to the firewall public IP'] };
  }
  for (const { oc, rules } of c.network) {
    for (const r of rules) {
      if (r.unknown.length) notes.push(`network rule ${r.rule.name} uses ${r.unknown.join(', ')}, which cannot be evaluated offline`);
      if (pointIn(r.box, flow)) return { action: oc.collection.action === 'Deny' ? 'Deny' : 'Allow', ruleType: 'Network', rule: r.rule.name, ...where(oc), notes };
    }
  }
  // 12.5: application rules only when no network rule matched, for HTTP/HTTPS/MSSQL.
  let appCouldMatch = false;
  for (const { oc, rules } of c.application) {
    for (const r of rules) {
      if (!pointIn(r.box, flow)) continue;
      if (!q.fqdn) {
        appCouldMatch = true;
        continue;
      }
      if (r.rule.targetFqdns.some((p) => fqdnMatches(p, q.fqdn!))) return { action: oc.collection.action === 'Deny' ? 'Deny' : 'Allow', ruleType: 'Application', rule: r.rule.name, ...where(oc), notes };
      if (r.unknown.length) notes.push(`application rule ${r.rule.name} uses ${r.unknown.join(', ')}, which cannot be evaluated offline`);
    }
  }
  if (appCouldMatch) notes.push('application rules match by FQDN; without one (--fqdn) they were not applied');
  return { action: 'Deny', ruleType: 'Default', notes };
}

export interface FirewallPermits {
  /** Allowed by network rules: the source address is kept for private destinations (SNAT rule). */
  network: PacketSpace;
  /** Allowed by application rules (the firewall proxies: the source becomes the firewall). */
  application: PacketSpace;
  notes: string[];
}

export function computeFirewallPermits(dp: DataPlane, fw: AzureFirewall, query: PacketSpace, q: FirewallQuery = {}): FirewallPermits {
  const c = compiledFirewall(dp, fw);
  const notes = [...c.set.problems];
  let rest = query;
  let network = PacketSpace.EMPTY;
  // The hull of what is still undecided: a rule whose box misses it on an address or a port is
  // skipped without building anything (most rules of a large policy miss a pinned query).
  let hull = spaceHull(rest);
  // Only the rules whose addresses meet the query's span, in order (the others would be skipped
  // below one by one); the span only shrinks as rules decide packets.
  const net = c.networkIndexed;
  for (const k of rulesMeeting(net, hull)) {
    if (rest.isEmpty()) break;
    const { oc, r } = net.list[k];
    if (!boxesMeet(hull, r.box)) continue;
    const hit = rest.intersectBox(r.box);
    if (hit.isEmpty()) continue;
    if (oc.collection.action !== 'Deny') network = new PacketSpace([...network.boxes, ...hit.boxes]);
    rest = rest.subtractBox(r.box);
    hull = spaceHull(rest);
  }
  let application = PacketSpace.EMPTY;
  let appCouldMatch = false;
  const app = c.applicationIndexed;
  for (const k of rest.isEmpty() ? [] : rulesMeeting(app, hull)) {
    if (rest.isEmpty()) break;
    const { oc, r } = app.list[k];
    if (!boxesMeet(hull, r.box)) continue;
    const hit = rest.intersectBox(r.box);
    if (hit.isEmpty()) continue;
    if (!q.fqdn) {
      appCouldMatch = true;
      continue;
    }
    if (!r.rule.targetFqdns.some((p) => fqdnMatches(p, q.fqdn!))) continue;
    if (oc.collection.action !== 'Deny') application = new PacketSpace([...application.boxes, ...hit.boxes]);
    rest = rest.subtractBox(r.box);
    hull = spaceHull(rest);
  }
  if (appCouldMatch) notes.push('application rules match by FQDN; without one (--fqdn) they were not applied');
  return { network, application, notes };
}

/** Per dimension, the span from the lowest to the highest value of any box of `space`: a box that misses it misses the space. */
function spaceHull(space: PacketSpace): Box {
  const b = space.boxes;
  if (b.length === 1) return b[0];
  return { protocols: span(b, 'protocols'), src: span(b, 'src'), srcPorts: span(b, 'srcPorts'), dst: span(b, 'dst'), dstPorts: span(b, 'dstPorts') };
}

/** From the lowest to the highest value of dimension `d` over the boxes. */
function span(b: readonly Box[], d: keyof Box): IntervalSet {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of b) {
    const bd = x[d].bounds;
    if (bd.length === 0) continue;
    if (bd[0] < lo) lo = bd[0];
    if (bd[bd.length - 1] > hi) hi = bd[bd.length - 1];
  }
  return IntervalSet.range(lo, hi);
}

/** DNAT entries of a firewall for exposure and ingress: each NAT rule with its match box. */
export function firewallNatRules(dp: DataPlane, fw: AzureFirewall): { rule: CompiledNatRule; oc: OrderedCollection }[] {
  return compiledFirewall(dp, fw).nat.flatMap(({ oc, rules }) => rules.map((rule) => ({ rule, oc })));
}

export { intersectBox };
