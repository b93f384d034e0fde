// checkPolicy: the user's intents against the snapshot (issue 5). Every intent is judged on the
// effective result (NSGs, routes, peerings, firewalls, entry points together), by following the
// whole set of packets between each source and destination; endpoints that no rule tells apart
// (equivalence classes) are followed once. Each violation carries an example flow and its trace.
//
//   deny   nothing of this traffic may flow from any source to any destination
//   allow  this traffic must flow for every pair, and (exactly, the default) nothing else
//   via    every flow of this traffic that gets through passes one of the named firewalls/appliances

import type { DataPlane } from '../../dataplane/compile.ts';
import type { Endpoint } from '../../dataplane/address-index.ts';
import { CaveatSet, type Caveat } from '../../dataplane/caveats.ts';
import { normalizeId } from '../../model/ids.ts';
import type { ResourceId } from '../../model/types.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { PacketSpace, type Box } from '../../sets/packet-space.ts';
import { parseCidr } from '../../sets/cidr.ts';
import { formatIPv4, parseIPv4 } from '../../sets/ipv4.ts';
import type { PathQuery } from '../../trace/run-path.ts';
import type { Outcome } from '../../trace/walk.ts';
import type { ResolvedRef } from '../resolve-ref.ts';
import { FindingsContext, cmp } from '../findings/context.ts';
import {
  ALL_ADDRESSES_SET,
  ALL_PORTS_SET,
  describeAddresses,
  describeTraffic,
  endpointRef,
  externalRef,
  pickAddress,
  pickPacket,
  traceEvidence,
  walkFlows,
  type WalkResult,
} from '../findings/flows.ts';
import type { FindingEvidence, FindingLocation } from '../findings/types.ts';
import type { Policy, PolicyIntent, PolicyIssue, PolicyPath, PolicySelector, PolicyVerb } from './policy.ts';
import { type ExternalTarget, type Target, mergeTargets, resolveSelector, resolveThrough } from './selectors.ts';

/** How many violations of one intent are spelled out (all are counted). */
const MAX_SHOWN = 10;
/** Representative addresses tried for an outside destination set. */
const MAX_EXTERNAL_REPS = 32;

export type ViolationKind = 'forbidden-flow' | 'missing-flow' | 'extra-flow' | 'bypass';

export interface PolicyViolation {
  kind: ViolationKind;
  from: string;
  to: string;
  /** The traffic that violates the intent, e.g. `Tcp 22, 3389`. */
  traffic: string;
  message: string;
  /** The resource the violation is reported on (the destination, or the source for outside destinations). */
  resource: string;
  name: string;
  location?: FindingLocation;
  evidence: FindingEvidence;
}

export interface IntentResult {
  name: string;
  verb: PolicyVerb;
  description?: string;
  status: 'pass' | 'fail';
  summary: string;
  /** Source/destination pairs followed (after grouping equivalent endpoints). */
  pairs: number;
  violationCount: number;
  violations: PolicyViolation[];
  notes: string[];
  /** Where the intent is in the policy document. */
  path: PolicyPath;
}

export interface PolicyCheckAnswer {
  results: IntentResult[];
  passed: number;
  failed: number;
  caveats: Caveat[];
}

type SrcUnit = { kind: 'endpoint'; e: Endpoint; members: number; label: string } | { kind: 'external'; ext: ExternalTarget; label: string };
type DstUnit =
  | { kind: 'endpoint'; e: Endpoint; members: number; label: string }
  | { kind: 'storage'; id: ResourceId; label: string }
  | { kind: 'external'; where: 'internet' | 'onPremises'; ip: number; label: string; /** Every representative address tried for the outside target. */ ips: number[] };

interface Compiled {
  intent: PolicyIntent;
  from: Target;
  to: Target;
  through: Set<string>;
  throughLabel: string;
}

export function checkPolicy(dp: DataPlane, policy: Policy): { answer?: PolicyCheckAnswer; issues: PolicyIssue[] } {
  const issues: PolicyIssue[] = [];
  const cache = new Map<string, Target | string>();
  const resolveList = (list: PolicySelector[]): Target => {
    const parts: Target[] = [];
    for (const sel of list) {
      const g = /^group:(.*)$/i.exec(sel.text);
      const expanded = g ? (policy.groups.get(g[1].trim()) ?? []) : [sel];
      for (const x of expanded) {
        let r = cache.get(x.text);
        if (r === undefined) {
          const res = resolveSelector(dp, x.text);
          r = res.ok ? res.target : res.message;
          cache.set(x.text, r);
        }
        if (typeof r === 'string') issues.push({ path: g ? x.path : sel.path, message: r });
        else parts.push(r);
      }
    }
    return mergeTargets(parts);
  };
  const compiled: Compiled[] = [];
  for (const intent of policy.intents) {
    const from = resolveList(intent.from);
    const to = resolveList(intent.to);
    const through = new Set<string>();
    const labels: string[] = [];
    for (const sel of intent.through) {
      const r = resolveThrough(dp, sel.text);
      if (!r.ok) issues.push({ path: sel.path, message: r.message });
      else {
        r.ids.forEach((id) => through.add(id));
        labels.push(r.label);
      }
    }
    compiled.push({ intent, from, to, through, throughLabel: labels.join(' or ') });
  }
  if (issues.length) return { issues };

  const ctx = new FindingsContext(dp);
  const caveats = new CaveatSet();
  const results = compiled.map((c) => evaluate(ctx, c, caveats));
  return {
    answer: { results, passed: results.filter((r) => r.status === 'pass').length, failed: results.filter((r) => r.status === 'fail').length, caveats: caveats.list().sort((a, b) => cmp(a.code, b.code)) },
    issues,
  };
}

// ---- units ---------------------------------------------------------------------------------------

function groupEndpoints(ctx: FindingsContext, endpoints: Map<string, Endpoint>): { e: Endpoint; members: number }[] {
  const byClass = new Map<string, { e: Endpoint; members: number }>();
  for (const e of [...endpoints.values()].sort((a, b) => cmp(a.vnetId, b.vnetId) || a.ip - b.ip)) {
    const k = ctx.classOf(e)?.key ?? `${e.vnetId}|${e.ip}`;
    const g = byClass.get(k);
    if (g) g.members++;
    else byClass.set(k, { e, members: 1 });
  }
  return [...byClass.values()];
}

function unitLabel(ctx: FindingsContext, e: Endpoint, members: number): string {
  return `${ctx.endpointLabel(e)}${members > 1 ? ` (+${members - 1} like it)` : ''}`;
}

/** Address boundaries drawn by rules and routes, to pick one outside address per region they treat alike. */
function boundaries(dp: DataPlane): number[] {
  const s = dp.snapshot;
  const cuts = new Set<number>();
  const add = (w: string) => {
    if (!/^[0-9./]+$/.test(w.trim())) return;
    const p = parseCidr(w.trim());
    if (p.ok) {
      cuts.add(p.cidr.start);
      cuts.add(p.cidr.end + 1);
    }
  };
  for (const n of s.networkSecurityGroups.values()) for (const r of n.securityRules) [...r.sourceAddressPrefixes, ...r.destinationAddressPrefixes].forEach(add);
  for (const rt of s.routeTables.values()) rt.routes.forEach((r) => add(r.addressPrefix));
  for (const l of s.localNetworkGateways.values()) l.addressPrefixes.forEach(add);
  const fwRules = [...s.azureFirewalls.values()].flatMap((f) => f.classicCollections).concat([...s.firewallPolicyRuleCollectionGroups.values()].flatMap((g) => g.ruleCollections)).flatMap((c) => c.rules);
  for (const r of fwRules) [...r.sourceAddresses, ...r.destinationAddresses].forEach(add);
  for (const g of s.ipGroups.values()) g.ipAddresses.forEach(add);
  return [...cuts].sort((a, b) => a - b);
}

/** One representative address per region of `set` that no boundary splits (preferring familiar examples). */
function representatives(set: IntervalSet, cuts: number[], where: 'internet' | 'onPremises'): number[] {
  const out: number[] = [];
  const preferred = where === 'internet' ? parseIPv4('93.184.216.34')! : undefined;
  // The atom that holds the familiar example address goes first (it becomes the example flow).
  if (preferred !== undefined && set.has(preferred)) out.push(preferred);
  for (const [lo, hi] of set.ranges()) {
    let start = lo;
    const inner = cuts.filter((c) => c > lo && c <= hi);
    for (const c of [...inner, hi + 1]) {
      const atom = IntervalSet.range(start, c - 1);
      if (!(preferred !== undefined && atom.has(preferred))) out.push(pickAddress(atom)!);
      start = c;
      if (out.length >= MAX_EXTERNAL_REPS) return out;
    }
  }
  return out;
}

function srcUnits(ctx: FindingsContext, t: Target): SrcUnit[] {
  const out: SrcUnit[] = [];
  for (const g of groupEndpoints(ctx, t.endpoints)) if (g.e.kind === 'nic') out.push({ kind: 'endpoint', e: g.e, members: g.members, label: unitLabel(ctx, g.e, g.members) });
  for (const ext of t.external) out.push({ kind: 'external', ext, label: ext.where === 'internet' && ext.label === 'internet' ? 'internet' : `${ext.where === 'internet' ? 'internet' : 'on-premises'} ${describeAddresses(ext.set, 3)}` });
  return out;
}

function dstUnits(ctx: FindingsContext, t: Target, cuts: () => number[]): DstUnit[] {
  const out: DstUnit[] = [];
  for (const g of groupEndpoints(ctx, t.endpoints)) out.push({ kind: 'endpoint', e: g.e, members: g.members, label: unitLabel(ctx, g.e, g.members) });
  for (const id of [...t.storage].sort(cmp)) out.push({ kind: 'storage', id, label: ctx.dp.snapshot.storageAccounts.get(id)?.name ?? id });
  for (const ext of t.external) {
    const ips = representatives(ext.set, cuts(), ext.where);
    if (ips.length) out.push({ kind: 'external', where: ext.where, ip: ips[0], ips, label: ext.label === 'internet' ? 'internet' : `${ext.where === 'internet' ? 'internet' : 'on-premises'} ${describeAddresses(ext.set, 3)}` });
  }
  return out;
}

function dstRef(ctx: FindingsContext, d: DstUnit): ResolvedRef {
  if (d.kind === 'endpoint') return endpointRef(d.e);
  if (d.kind === 'storage') return { kind: 'storageAccount', storageAccountId: d.id, label: d.label };
  return externalRef(d.ip, d.where);
}

/** The query for a pair, or undefined when it is not a question (outside to outside, self). */
function pairQuery(s: SrcUnit, d: DstUnit): PathQuery | undefined {
  if (s.kind === 'external' && d.kind === 'external') return undefined;
  if (s.kind === 'endpoint' && d.kind === 'endpoint' && s.e.vnetId === d.e.vnetId && s.e.ip === d.e.ip) return undefined;
  const to = d.kind === 'endpoint' ? endpointRef(d.e) : d.kind === 'storage' ? ({ kind: 'storageAccount', storageAccountId: d.id, label: d.label } as ResolvedRef) : externalRef(d.ip, d.where);
  if (s.kind === 'endpoint') return { from: endpointRef(s.e), to };
  if (s.ext.where === 'internet') return { from: { kind: 'internet', label: 'internet' }, to, sources: s.ext.set, viaPublicIp: d.kind === 'endpoint' };
  return { from: externalRef(s.ext.set.min()!, 'onPremises'), to, sources: s.ext.set };
}

/**
 * What got through, as the client sent it: destination ignored, the frontend port for translated
 * entries (load balancer rules, NAT rules, DNAT, Application Gateway listeners). With `ports`, a
 * packet counts when its port as sent or as received (after translation) is one of them, so that
 * "deny 22" also catches SSH published on a load balancer port 50022.
 */
function clientView(w: WalkResult, outcomes: Outcome[], ports?: IntervalSet): PacketSpace {
  const boxes: Box[] = [];
  for (const o of outcomes) {
    const fp = o.label?.frontendPort;
    const entry = o.label?.entry ? w.run.entries.find((x) => x.name === o.label!.entry) : undefined;
    const backendOf = entry && (entry.via === 'firewallDnat' || entry.via === 'applicationGateway') && entry.backendPort !== undefined ? IntervalSet.point(entry.backendPort) : undefined;
    for (const b of o.space.boxes) {
      const front = fp !== undefined ? IntervalSet.point(fp) : b.dstPorts;
      const back = backendOf ?? b.dstPorts;
      let dstPorts = front;
      if (ports) {
        const translated = fp !== undefined || backendOf !== undefined;
        dstPorts = translated ? (!back.intersect(ports).isEmpty() || !front.intersect(ports).isEmpty() ? front : IntervalSet.EMPTY) : front.intersect(ports);
        if (dstPorts.isEmpty()) continue;
      }
      boxes.push({ ...b, dst: ALL_ADDRESSES_SET, dstPorts });
    }
  }
  let out = PacketSpace.EMPTY;
  for (const b of boxes) out = out.union(new PacketSpace([b]));
  return out;
}

// ---- evaluation ------------------------------------------------------------------------------------

function evaluate(ctx: FindingsContext, c: Compiled, caveats: CaveatSet): IntentResult {
  const { intent } = c;
  let cutCache: number[] | undefined;
  const cuts = () => (cutCache ??= boundaries(ctx.dp));
  const sources = srcUnits(ctx, c.from);
  const dests = dstUnits(ctx, c.to, cuts);
  const notes: string[] = [];
  const skippedSources = [...c.from.endpoints.values()].filter((e) => e.kind !== 'nic').length;
  if (skippedSources) notes.push(`${skippedSources} private endpoint or load balancer address${skippedSources === 1 ? ' in \'from\' does' : 'es in \'from\' do'} not start connections and ${skippedSources === 1 ? 'was' : 'were'} left out`);
  const traffic = trafficText(intent);
  const violations: PolicyViolation[] = [];
  let count = 0;
  let pairs = 0;
  let flowing = 0;
  for (const s of sources) {
    for (const d of dests) {
      // An outside destination is tried at one address per region that rules and routes treat
      // alike; its violations are merged into one per kind, with the first address as the example.
      const tries: DstUnit[] = d.kind === 'external' ? d.ips.map((ip) => ({ ...d, ip })) : [d];
      const merged = new Map<ViolationKind, { space: PacketSpace; at: DstUnit }>();
      let asked = false;
      let flowed = false;
      for (const dt of tries) {
        const q = pairQuery(s, dt);
        if (!q) continue;
        asked = true;
        // Ports are matched after the walk (as sent or as received), so only protocols restrict it.
        const w = walkFlows(ctx.dp, q, intent.verb === 'allow' ? {} : { protocols: intent.protocols });
        w.run.caveats.list().forEach((cv) => caveats.add(cv));
        if (w.error) {
          notes.push(`${s.label} -> ${dt.label}: ${w.error}`);
          continue;
        }
        const got = clientView(w, w.reachable, intent.verb === 'allow' ? undefined : intent.ports);
        if (!got.isEmpty()) flowed = true;
        const found: { kind: ViolationKind; space: PacketSpace }[] = [];
        if (intent.verb === 'deny') {
          if (!got.isEmpty()) found.push({ kind: 'forbidden-flow', space: got });
        } else if (intent.verb === 'allow') {
          const required = requiredSpace(intent, s);
          const missing = required.subtract(got);
          if (!missing.isEmpty()) found.push({ kind: 'missing-flow', space: missing });
          if (intent.exactly) {
            const extra = got.subtract(required);
            if (!extra.isEmpty()) found.push({ kind: 'extra-flow', space: extra });
          }
        } else {
          const bypass = clientView(w, w.reachable.filter((o) => !o.hops.some((h) => c.through.has(normalizeId(h.resource)))), intent.ports);
          if (!bypass.isEmpty()) found.push({ kind: 'bypass', space: bypass });
        }
        for (const f of found) {
          const m = merged.get(f.kind);
          if (m) m.space = m.space.union(f.space);
          else merged.set(f.kind, { space: f.space, at: dt });
        }
      }
      if (!asked) continue;
      pairs++;
      if (flowed) flowing++;
      for (const [kind, m] of merged) {
        count++;
        if (violations.length < MAX_SHOWN) violations.push(violation(ctx, kind, message(intent, kind, m.space, s, d, c, traffic), s, m.at, m.space, caveats));
      }
    }
  }
  const status = count === 0 ? 'pass' : 'fail';
  return {
    name: intent.name,
    verb: intent.verb,
    ...(intent.description ? { description: intent.description } : {}),
    status,
    summary: summary(intent, c, status, count, pairs, flowing, traffic),
    pairs,
    violationCount: count,
    violations,
    notes,
    path: intent.path,
  };
}

function trafficText(intent: PolicyIntent): string {
  const proto = intent.protocolText.toLowerCase() === 'any' || intent.protocolText === '*' ? (intent.ports ? 'Tcp/Udp' : 'all traffic') : intent.protocolText;
  return intent.ports ? `${proto} ${intent.portsText.join(', ')}` : proto === 'all traffic' ? proto : `all ${proto}`;
}

function requiredSpace(intent: PolicyIntent, s: SrcUnit): PacketSpace {
  const src = s.kind === 'endpoint' ? IntervalSet.point(s.e.ip) : s.ext.set;
  return PacketSpace.of({ protocols: intent.protocols, src, srcPorts: ALL_PORTS_SET, dst: ALL_ADDRESSES_SET, dstPorts: intent.ports ?? ALL_PORTS_SET });
}

function summary(intent: PolicyIntent, c: Compiled, status: 'pass' | 'fail', count: number, pairs: number, flowing: number, traffic: string): string {
  const p = `${pairs} source/destination pair${pairs === 1 ? '' : 's'}`;
  const all = pairs === 1 ? 'the only source/destination pair' : `all ${p}`;
  if (pairs === 0) return 'nothing to check: the sources and destinations are all outside the estate';
  switch (intent.verb) {
    case 'deny':
      return status === 'pass' ? `${traffic} is blocked for ${all}` : `${count} violation${count === 1 ? '' : 's'} over ${p}: ${traffic} that should be blocked gets through`;
    case 'allow':
      return status === 'pass' ? `${intent.exactly ? 'exactly ' : ''}${traffic} flows for ${all}` : `${count} violation${count === 1 ? '' : 's'} over ${p} (${intent.exactly ? 'missing or extra' : 'missing'} traffic)`;
    case 'via': {
      const what = traffic === 'all traffic' ? 'traffic' : traffic;
      if (status === 'pass') return flowing === 0 ? `no ${what} flows between these groups (${p}), so none bypasses ${c.throughLabel}` : `every flow${what === 'traffic' ? '' : ` of ${what}`} (${flowing} of ${p}) passes ${c.throughLabel}`;
      return `${count} violation${count === 1 ? '' : 's'} over ${p}: ${what} gets through without passing ${c.throughLabel}`;
    }
  }
}

function message(intent: PolicyIntent, kind: ViolationKind, space: PacketSpace, s: SrcUnit, d: DstUnit, c: Compiled, traffic: string): string {
  const what = describeTraffic(space);
  const to = d.kind === 'external' && d.ips.length > 1 ? `${d.label} (${d.ips.length} addresses tried)` : d.label;
  switch (kind) {
    case 'forbidden-flow':
      return `${what} flows from ${s.label} to ${to}, which '${intent.name}' denies`;
    case 'missing-flow':
      return `${what} does not get from ${s.label} to ${to}, which '${intent.name}' requires`;
    case 'extra-flow':
      return `${what} also flows from ${s.label} to ${to}; '${intent.name}' allows exactly ${traffic}`;
    case 'bypass':
      return `${what} flows from ${s.label} to ${to} without passing ${c.throughLabel}`;
  }
}

function violation(ctx: FindingsContext, kind: ViolationKind, message: string, s: SrcUnit, d: DstUnit, space: PacketSpace, caveats: CaveatSet): PolicyViolation {
  const pkt = pickPacket(space, s.kind === 'external' ? [parseIPv4('198.51.100.7')!] : [], d.kind === 'external' && d.where === 'internet' ? [443, 80] : []);
  let evidence: FindingEvidence = { allowedBy: [], routes: [] };
  if (pkt) {
    const from: ResolvedRef = s.kind === 'endpoint' ? endpointRef(s.e) : s.ext.where === 'internet' ? externalRef(pkt.src, 'internet') : externalRef(pkt.src, 'onPremises');
    const t = traceEvidence(ctx.dp, { from, to: dstRef(ctx, d), protocol: pkt.protocol, dstPort: pkt.dstPort, viaPublicIp: s.kind === 'external' && s.ext.where === 'internet' && d.kind === 'endpoint' });
    if (t) {
      evidence = t.evidence;
      t.trace.caveats.forEach((c) => caveats.add(c));
    }
  }
  const where =
    d.kind === 'endpoint' ? ctx.endpointResource(d.e) :
    d.kind === 'storage' ? ctx.resourceInfo(d.id) :
    s.kind === 'endpoint' ? ctx.endpointResource(s.e) : { resource: d.label, name: d.label, location: undefined };
  return {
    kind,
    from: s.label,
    to: d.kind === 'external' ? d.label : d.label,
    traffic: describeTraffic(space),
    message,
    resource: where.resource,
    name: where.name,
    ...(where.location ? { location: where.location } : {}),
    evidence,
  };
}


