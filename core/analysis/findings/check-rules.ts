// ZT-SHADOWED-RULE, ZT-REDUNDANT-RULE and ZT-BROAD-ALLOW: NSG rules judged on their packet boxes
// (protocol, source, source port, destination, destination port), never on their text. A rule is
// shadowed when its box minus the boxes of the higher-priority rules of the same NSG and direction
// is empty. The VirtualNetwork tag differs per subnet (rule 4.1), so a rule is judged in every
// place its NSG applies and reported only when the verdict holds in all of them.

import type { Endpoint } from '../../dataplane/address-index.ts';
import type { CompiledNsg, CompiledRule } from '../../policy/compile-nsg.ts';
import { ruleBox } from '../../policy/compile-nsg.ts';
import { AZURE_HOST_VIP_SET } from '../../dataplane/well-known-addresses.ts';
import type { Direction, ResourceId } from '../../model/types.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { PacketSpace, type Box } from '../../sets/packet-space.ts';
import { TCP_UDP } from '../../sets/protocols.ts';
import { cidrsToSet } from '../../sets/cidr.ts';
import { type FindingsContext, cmp, inNsgScope, loc } from './context.ts';
import {
  ALL_ADDRESSES_SET,
  ALL_PORTS_SET,
  INTERNET_CLIENTS,
  describeAddresses,
  describeTraffic,
  endpointRef,
  externalRef,
  pickPacket,
  traceEvidence,
  walkFlows,
  intersectBoxOf,
  subtractBoxFrom,
  subtractSpace,
} from './flows.ts';
import type { EvidenceRule, Finding, FindingEvidence, RelatedResource } from './types.ts';

const WALKS_PER_RULE = 16;

interface Context {
  key: string;
  tag: IntervalSet;
  /** Rule boxes in this context, computed once per rule list (`box`) and as covering rules (`cover`). */
  boxes: Map<CompiledRule, { box: Box; cover: Box }>;
}

function boxesOf(c: Context, r: CompiledRule): { box: Box; cover: Box } {
  let b = c.boxes.get(r);
  if (!b) c.boxes.set(r, (b = { box: ruleBox(r, c.tag), cover: coveringBox(r, c.tag) }));
  return b;
}

/** Do two boxes overlap? (no allocation, unlike intersectBox) */
function overlaps(a: Box, b: Box): boolean {
  return a.protocols.intersects(b.protocols) && a.dstPorts.intersects(b.dstPorts) && a.src.intersects(b.src) && a.dst.intersects(b.dst) && a.srcPorts.intersects(b.srcPorts);
}

function boxEmpty(b: Box): boolean {
  return b.protocols.isEmpty() || b.src.isEmpty() || b.srcPorts.isEmpty() || b.dst.isEmpty() || b.dstPorts.isEmpty();
}

function usesVnet(c: CompiledRule): boolean {
  return c.src.virtualNetwork || c.dst.virtualNetwork;
}

/** The rule names a service tag that is not loaded: its box is an over-approximation (all public space). */
function approximate(c: CompiledRule): boolean {
  return c.src.unknownTags.length > 0 || c.dst.unknownTags.length > 0;
}

/**
 * A rule's box as a *covering* rule: never larger than the truth, so that "covered" verdicts are
 * sound. Whether the Internet tag holds Azure's host address 168.63.129.16 is not documented (A4),
 * so it is left out of the Internet part.
 */
function coveringBox(c: CompiledRule, tag: IntervalSet): Box {
  const b = ruleBox(c, tag);
  return {
    ...b,
    src: c.src.internet ? b.src.subtract(AZURE_HOST_VIP_SET) : b.src,
    dst: c.dst.internet ? b.dst.subtract(AZURE_HOST_VIP_SET) : b.dst,
  };
}

function ruleLabel(c: CompiledRule): string {
  return `${c.rule.collection}/${c.rule.name} (${c.rule.priority}, ${c.rule.access})`;
}

function evidenceRule(nsg: CompiledNsg, c: CompiledRule): EvidenceRule {
  return { nsg: nsg.nsg.displayId, rule: `${c.rule.collection}/${c.rule.name}`, priority: c.rule.priority, access: c.rule.access, direction: c.rule.direction };
}

/** The VirtualNetwork tags of every subnet where the NSG applies (subnet or NIC association). */
function contextsOf(ctx: FindingsContext, nsgId: ResourceId): Context[] {
  const dp = ctx.dp;
  const subnets = new Set<ResourceId>(dp.subnetsByNsg.get(nsgId) ?? []);
  for (const nicId of dp.nicsByNsg.get(nsgId) ?? []) {
    for (const c of dp.snapshot.networkInterfaces.get(nicId)?.ipConfigurations ?? []) if (c.subnetId) subnets.add(c.subnetId);
  }
  const out = new Map<string, Context>();
  for (const s of [...subnets].sort(cmp)) {
    const tag = dp.virtualNetworkTag(s).set;
    const key = tag.key();
    if (!out.has(key)) out.set(key, { key, tag, boxes: new Map() });
  }
  return [...out.values()];
}

/** Endpoints where the NSG applies, for evidence flows. */
function endpointsOf(ctx: FindingsContext, nsgId: ResourceId): Endpoint[] {
  const dp = ctx.dp;
  const out: Endpoint[] = [];
  const subnets = new Set(dp.subnetsByNsg.get(nsgId) ?? []);
  const nics = new Set(dp.nicsByNsg.get(nsgId) ?? []);
  for (const c of ctx.classes) {
    const e = c.representative;
    if (e.kind === 'nic' && (nics.has(e.nicId) || subnets.has(e.subnetId))) out.push(e);
    if (e.kind === 'privateEndpoint' && subnets.has(e.subnetId)) {
      const p = dp.snapshot.subnets.get(e.subnetId)?.privateEndpointNetworkPolicies;
      if (p === 'Enabled' || p === 'NetworkSecurityGroupEnabled') out.push(e);
    }
  }
  return out;
}

interface Verdict {
  /** Earlier rules that decide some of the rule's packets (in some context). */
  covering: Set<number>;
  /** A covering rule names a service tag that is not loaded: a "covered" verdict would be unsound. */
  unsure: boolean;
  shadowed: boolean;
  /** What the rule matches where it is not shadowed, per context. */
  matched: { ctx: Context; space: PacketSpace; box: Box }[];
}

function judge(rules: CompiledRule[], i: number, contexts: Context[]): Verdict | undefined {
  const r = rules[i];
  const earlierVnet = rules.slice(0, i).some(usesVnet);
  const list = usesVnet(r) || earlierVnet ? contexts : contexts.slice(0, 1);
  const covering = new Set<number>();
  const matched: Verdict['matched'] = [];
  let anyBox = false;
  let unsure = false;
  for (const c of list) {
    const box = boxesOf(c, r).box;
    if (boxEmpty(box)) continue;
    anyBox = true;
    let rest = PacketSpace.of(box);
    for (let j = 0; j < i && !rest.isEmpty(); j++) {
      const eb = boxesOf(c, rules[j]).cover;
      if (!overlaps(box, eb) || !rest.boxes.some((b) => overlaps(b, eb))) continue;
      covering.add(j); // j decides some of the rule's packets (first match)
      if (approximate(rules[j])) unsure = true;
      rest = subtractBoxFrom(rest, eb);
    }
    if (!rest.isEmpty()) matched.push({ ctx: c, space: rest, box });
  }
  if (!anyBox) return undefined; // matches nothing anywhere (e.g. an ASG without members)
  return { covering, unsure, shadowed: matched.length === 0, matched };
}

export function checkRules(ctx: FindingsContext): Finding[] {
  const dp = ctx.dp;
  const out: Finding[] = [];
  let unsure = 0;
  for (const nsgId of [...dp.snapshot.networkSecurityGroups.keys()].sort(cmp)) {
    // Every verdict below reads this NSG's rules and the places it applies, nothing of other NSGs.
    if (!inNsgScope(ctx, nsgId)) continue;
    const nsg = dp.compiledNsg(nsgId);
    if (!nsg) continue;
    const contexts = contextsOf(ctx, nsgId);
    if (contexts.length === 0) continue; // associated with nothing: it filters nothing
    // Azure prescribes the rule set of an AzureBastionSubnet NSG; redundancy inside it is by design.
    const assoc = dp.subnetsByNsg.get(nsgId) ?? [];
    const prescribed = assoc.length > 0 && !(dp.nicsByNsg.get(nsgId)?.length) && assoc.every((sid) => dp.snapshot.subnets.get(sid)?.name.toLowerCase() === 'azurebastionsubnet');
    for (const direction of ['Inbound', 'Outbound'] as const) {
      const rules = direction === 'Inbound' ? nsg.inbound : nsg.outbound;
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i];
        if (r.rule.collection !== 'securityRules' || r.invalid.length) continue;
        const v = judge(rules, i, contexts);
        if (!v) continue;
        if (v.shadowed) {
          if (v.unsure) unsure++;
          else {
            const f = shadowFinding(ctx, nsg, rules, i, v, direction);
            if (!(prescribed && f.id === 'ZT-REDUNDANT-RULE')) out.push(f);
          }
          continue;
        }
        if (r.rule.access === 'Allow') {
          const red = prescribed ? undefined : redundantWithLater(rules, i, v);
          if (red === 'unsure') unsure++;
          else if (red) out.push(laterRedundancyFinding(ctx, nsg, rules, i, red));
          const broad = broadFinding(ctx, nsg, r, v, direction);
          if (broad) out.push(broad);
        }
      }
    }
  }
  if (unsure) ctx.notes.push(`ZT-SHADOWED-RULE / ZT-REDUNDANT-RULE: ${unsure} rule${unsure === 1 ? ' was' : 's were'} not judged because the rules covering ${unsure === 1 ? 'it' : 'them'} name service tags that were not loaded (pass --service-tags).`);
  return out;
}

function related(ctx: FindingsContext, nsg: CompiledNsg, list: CompiledRule[], role: string): RelatedResource[] {
  return list.map((c) => ({ resource: c.rule.displayId, name: `${nsg.nsg.name}/${c.rule.name}`, role, location: loc(c.rule.source) }));
}

function shadowFinding(ctx: FindingsContext, nsg: CompiledNsg, rules: CompiledRule[], i: number, v: Verdict, direction: Direction): Finding {
  const r = rules[i];
  const covering = [...v.covering].sort((a, b) => a - b).map((j) => rules[j]);
  const conflicting = covering.filter((c) => c.rule.access !== r.rule.access);
  const same = covering.filter((c) => c.rule.access === r.rule.access);
  const name = `${nsg.nsg.name}/${r.rule.name}`;
  const coverText = covering.map(ruleLabel).join(', ');
  const evidenceRules = [evidenceRule(nsg, r), ...covering.map((c) => evidenceRule(nsg, c))];
  // A deny is shadowed as soon as an allow decides some of its packets. An allow below a deny
  // (a block list) is the deny doing its job: it is shadowed only when no earlier allow shares its
  // packets, else it is redundant.
  if (conflicting.length === 0 || (r.rule.access === 'Allow' && same.length > 0)) {
    const rest = conflicting.length ? `; ${conflicting.map((c) => c.rule.name).join(', ')} ${conflicting.length === 1 ? 'denies' : 'deny'} the rest first` : '';
    return ctx.finding({
      id: 'ZT-REDUNDANT-RULE',
      severity: 'low',
      resource: r.rule.displayId,
      name,
      location: loc(r.rule.source),
      message: `${direction} rule ${ruleLabel(r)} of ${nsg.nsg.name} never matches: ${same.map(ruleLabel).join(', ')} (same access) already decide${same.length === 1 ? 's' : ''} its packets${rest}.`,
      evidence: { allowedBy: [], routes: [], rules: evidenceRules },
      fix: `Delete ${r.rule.name} from ${nsg.nsg.name}, or narrow the rules above it if it was meant to decide something.`,
      related: related(ctx, nsg, covering, 'covering rule'),
    });
  }
  let severity: 'high' | 'medium' | 'low' = r.rule.access === 'Deny' ? 'medium' : 'low';
  let evidence: FindingEvidence = { allowedBy: [], routes: [] };
  if (r.rule.access === 'Deny') {
    const flow = flowThroughShadowedDeny(ctx, nsg, r, direction);
    if (flow) {
      severity = 'high';
      evidence = flow;
    }
  }
  evidence.rules = evidenceRules;
  const contextNote = usesVnet(r) || covering.some(usesVnet) ? ' (VirtualNetwork expanded per subnet where the NSG applies)' : '';
  const effect = r.rule.access === 'Deny'
    ? `its deny never takes effect: ${conflicting.map((c) => c.rule.name).join(', ')} allow${conflicting.length === 1 ? 's' : ''} those packets first${evidence.flow ? `, e.g. ${evidence.flow.src} -> ${evidence.flow.dst} ${evidence.flow.protocol}${evidence.flow.dstPort !== undefined ? `/${evidence.flow.dstPort}` : ''} is ${evidence.disposition}` : ''}`
    : `its allow never takes effect: ${conflicting.map((c) => c.rule.name).join(', ')} deny those packets first`;
  return ctx.finding({
    id: 'ZT-SHADOWED-RULE',
    severity,
    resource: r.rule.displayId,
    name,
    location: loc(r.rule.source),
    message: `${direction} rule ${ruleLabel(r)} of ${nsg.nsg.name} is shadowed by ${coverText}${contextNote}; ${effect}.`,
    evidence,
    fix: r.rule.access === 'Deny'
      ? `Give ${r.rule.name} a lower priority number than ${conflicting.map((c) => `${c.rule.name} (${c.rule.priority})`).join(', ')}, or narrow ${conflicting.length === 1 ? 'that rule' : 'those rules'} so that ${r.rule.name} decides its packets.`
      : `Move ${r.rule.name} above ${conflicting.map((c) => c.rule.name).join(', ')} if the traffic is wanted; otherwise delete it.`,
    related: [...related(ctx, nsg, conflicting, 'shadowing rule'), ...ctx.relatedFromEvidence(evidence)],
  });
}

/** An end-to-end flow inside a shadowed deny's box that gets through: what the deny was meant to stop. */
function flowThroughShadowedDeny(ctx: FindingsContext, nsg: CompiledNsg, r: CompiledRule, direction: Direction): FindingEvidence | undefined {
  const dp = ctx.dp;
  const targets = endpointsOf(ctx, nsg.nsg.id);
  let walks = 0;
  const tryWalk = (from: Parameters<typeof walkFlows>[1]['from'], to: Endpoint | ReturnType<typeof externalRef>, box: Box, sources?: IntervalSet): FindingEvidence | undefined => {
    if (walks++ >= WALKS_PER_RULE) return undefined;
    const toRef = 'kind' in to && to.kind === 'external' ? to : endpointRef(to as Endpoint);
    const w = walkFlows(dp, { from, to: toRef, ...(sources ? { sources } : {}) }, { protocols: box.protocols, dstPorts: box.dstPorts });
    let hit = PacketSpace.EMPTY;
    for (const o of w.reachable) hit = hit.union(o.space.intersectBox({ ...box, dst: ALL_ADDRESSES_SET }));
    const pkt = pickPacket(hit);
    if (!pkt) return undefined;
    const fromRef = from.kind === 'external' ? externalRef(pkt.src, from.where) : from;
    const t = traceEvidence(dp, { from: fromRef, to: toRef, protocol: pkt.protocol, dstPort: pkt.dstPort });
    if (!t || !t.trace.reachable) return undefined;
    t.trace.caveats.forEach((c) => ctx.caveats.add(c));
    return t.evidence;
  };
  if (direction === 'Inbound') {
    for (const dst of targets) {
      const tag = dp.virtualNetworkTag(dst.subnetId).set;
      const box = ruleBox(r, tag);
      if (!box.dst.has(dst.ip)) continue;
      const srcSet = box.src.subtract(AZURE_HOST_VIP_SET);
      for (const sid of ctx.subnetsIntersecting(srcSet)) {
        const src = (ctx.classesBySubnet.get(sid) ?? []).find((c) => c.representative.kind === 'nic' && srcSet.has(c.representative.ip))?.representative;
        if (!src || src.ip === dst.ip) continue;
        const ev = tryWalk(endpointRef(src), dst, box);
        if (ev) return ev;
        if (walks >= WALKS_PER_RULE) return undefined;
      }
      const onPrem = onPremises(ctx).intersect(srcSet);
      if (!onPrem.isEmpty()) {
        const ev = tryWalk(externalRef(onPrem.min()!, 'onPremises'), dst, box, onPrem);
        if (ev) return ev;
      }
    }
    return undefined;
  }
  for (const src of targets) {
    if (src.kind !== 'nic') continue;
    const tag = dp.virtualNetworkTag(src.subnetId).set;
    const box = ruleBox(r, tag);
    if (!box.src.has(src.ip)) continue;
    for (const sid of ctx.subnetsIntersecting(box.dst)) {
      const dst = (ctx.classesBySubnet.get(sid) ?? []).find((c) => box.dst.has(c.representative.ip) && c.representative.ip !== src.ip)?.representative;
      if (!dst) continue;
      const ev = tryWalk(endpointRef(src), dst, box);
      if (ev) return ev;
      if (walks >= WALKS_PER_RULE) return undefined;
    }
    const internet = box.dst.intersect(INTERNET_CLIENTS);
    if (!internet.isEmpty()) {
      const ev = tryWalk(endpointRef(src), externalRef(internet.min()! + (internet.has(internet.min()! + 1) ? 1 : 0), 'internet'), box);
      if (ev) return ev;
    }
  }
  return undefined;
}

function onPremises(ctx: FindingsContext): IntervalSet {
  const prefixes: string[] = [];
  for (const v of ctx.dp.topology.vnets.values()) for (const l of v.learned) if (!l.viaTransit) prefixes.push(l.prefix);
  return cidrsToSet(prefixes).set;
}

/** An allow whose packets later custom allows would admit anyway (in every context). */
function redundantWithLater(rules: CompiledRule[], i: number, v: Verdict): Set<number> | 'unsure' | undefined {
  const by = new Set<number>();
  let unsure = false;
  for (const m of v.matched) {
    let rest = m.space;
    let allowed = PacketSpace.EMPTY;
    for (let j = i + 1; j < rules.length && !rest.isEmpty(); j++) {
      if (rules[j].rule.collection !== 'securityRules') break;
      const { box: full, cover: b } = boxesOf(m.ctx, rules[j]);
      if (!rest.boxes.some((x) => overlaps(x, full))) continue;
      // A later deny decides some of the rule's packets: removing the rule would change them.
      if (rules[j].rule.access === 'Deny') return undefined;
      const hit = intersectBoxOf(rest, b);
      if (!hit.isEmpty()) {
        allowed = allowed.union(hit);
        by.add(j);
        if (approximate(rules[j])) unsure = true;
      }
      rest = subtractBoxFrom(rest, full);
    }
    if (!subtractSpace(m.space, allowed).isEmpty()) return undefined;
  }
  if (by.size === 0) return undefined;
  return unsure ? 'unsure' : by;
}

function laterRedundancyFinding(ctx: FindingsContext, nsg: CompiledNsg, rules: CompiledRule[], i: number, by: Set<number>): Finding {
  const r = rules[i];
  const later = [...by].sort((a, b) => a - b).map((j) => rules[j]);
  return ctx.finding({
    id: 'ZT-REDUNDANT-RULE',
    severity: 'info',
    resource: r.rule.displayId,
    name: `${nsg.nsg.name}/${r.rule.name}`,
    location: loc(r.rule.source),
    message: `${r.rule.direction} rule ${ruleLabel(r)} of ${nsg.nsg.name} is redundant: every packet it allows would be allowed anyway by the broader ${later.map(ruleLabel).join(', ')}.`,
    evidence: { allowedBy: [], routes: [], rules: [evidenceRule(nsg, r), ...later.map((c) => evidenceRule(nsg, c))] },
    fix: `Narrow ${later.map((c) => c.rule.name).join(', ')} (the broader rule is usually the problem), or delete ${r.rule.name}.`,
    related: related(ctx, nsg, later, 'broader later rule'),
  });
}

function broadFinding(ctx: FindingsContext, nsg: CompiledNsg, r: CompiledRule, v: Verdict, direction: Direction): Finding | undefined {
  const anyAddress = ALL_ADDRESSES_SET.subtract(AZURE_HOST_VIP_SET);
  for (const m of v.matched) {
    const b = m.box;
    const peer = direction === 'Inbound' ? b.src : b.dst;
    if (!b.dstPorts.contains(ALL_PORTS_SET) || !b.protocols.contains(TCP_UDP)) continue;
    const everyone = peer.contains(anyAddress) || peer.contains(INTERNET_CLIENTS);
    // Inbound, a whole /8 or more of sources on every port is broad too (e.g. 10.0.0.0/8), if less so.
    const wide = direction === 'Inbound' && peer.size() >= 0x1000000;
    if (!everyone && !wide) continue;
    const words = direction === 'Inbound' ? r.rule.sourceAddressPrefixes : r.rule.destinationAddressPrefixes;
    const widened = (direction === 'Inbound' ? r.src.virtualNetwork : r.dst.virtualNetwork) && !ctx.dp.virtualNetworkTag(firstSubnet(ctx, nsg.nsg.id) ?? '').fromUserRoutes.isEmpty();
    const target = direction === 'Inbound' ? describeAddresses(b.dst.subtract(AZURE_HOST_VIP_SET), 3) : describeAddresses(b.src, 3);
    const traffic = describeTraffic(new PacketSpace([b]));
    return ctx.finding({
      id: 'ZT-BROAD-ALLOW',
      severity: everyone ? (direction === 'Inbound' ? 'medium' : 'low') : 'low',
      resource: r.rule.displayId,
      name: `${nsg.nsg.name}/${r.rule.name}`,
      location: loc(r.rule.source),
      message: `${direction} rule ${ruleLabel(r)} of ${nsg.nsg.name} allows ${traffic} ${direction === 'Inbound' ? `from ${describeAddresses(peer)} to ${target}` : `from ${target} to ${describeAddresses(peer)}`} (${direction === 'Inbound' ? 'source' : 'destination'} written as ${words.join(', ') || 'an ASG'}${widened ? ', a VirtualNetwork tag widened by a user route' : ''}).`,
      evidence: { allowedBy: [], routes: [], rules: [evidenceRule(nsg, r)], details: { traffic, [direction === 'Inbound' ? 'sources' : 'destinations']: describeAddresses(peer) } },
      fix: `Narrow ${r.rule.name} to the ${direction === 'Inbound' ? 'sources' : 'destinations'} and ports the workload needs.`,
    });
  }
  return undefined;
}

function firstSubnet(ctx: FindingsContext, nsgId: ResourceId): ResourceId | undefined {
  const list = ctx.dp.subnetsByNsg.get(nsgId);
  if (list?.length) return [...list].sort(cmp)[0];
  const nic = ctx.dp.nicsByNsg.get(nsgId)?.[0];
  return nic ? ctx.dp.snapshot.networkInterfaces.get(nic)?.ipConfigurations[0]?.subnetId : undefined;
}
