// Traffic the Azure platform itself handles, outside the ordinary data path (rule book 3.12, 14.3):
// - platform services at 168.63.129.16 and 169.254.169.254 are served by the host: "By default,
//   these services aren't subject to the configured network security groups unless targeted by
//   service tags specific to each service" (AzurePlatformDNS, AzurePlatformIMDS, AzurePlatformLKM)
//   (learn.microsoft.com/azure/virtual-network/network-security-groups-overview);
// - "Multicast, broadcast, IP-in-IP encapsulated packets, and Generic Routing Encapsulation (GRE)
//   packets are blocked within VNets" (learn.microsoft.com/azure/virtual-network/virtual-networks-faq).

import type { Caveat } from '../dataplane/caveats.ts';
import type { CompiledNsg, CompiledRule } from '../policy/compile-nsg.ts';
import { matchRule } from '../policy/evaluate-nsg.ts';
import type { FilterPoint } from '../policy/evaluate-endpoint.ts';
import { ruleBox } from '../policy/compile-nsg.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { ALL_ADDRESSES, PacketSpace, type Box } from '../sets/packet-space.ts';
import { ALL_PORTS } from '../sets/ports.ts';
import { parseIPv4 } from '../sets/ipv4.ts';
import { cidrsToSet } from '../sets/cidr.ts';
import { AZURE_HOST_VIP } from '../dataplane/well-known-addresses.ts';
import { flowOf } from './filters.ts';
import { branch, end, hop, type Outcome, type WalkContext, type WalkState } from './walk.ts';
import type { Step } from './types.ts';

// ---- 3.12: platform services ------------------------------------------------------------------

const IMDS = '169.254.169.254';

interface PlatformService {
  what: string;
  ipText: string;
  box: Box;
  /** The service-specific tag whose NSG rules still apply to it (rule 3.12); none for the host agent and DHCP. */
  tag?: string;
}

function service(what: string, ipText: string, protocols: number[], ports: [number, number][], tag?: string): PlatformService {
  const ip = parseIPv4(ipText)!;
  return {
    what,
    ipText,
    tag,
    box: { protocols: IntervalSet.fromRanges(protocols.map((p) => [p, p] as [number, number])), src: ALL_ADDRESSES, srcPorts: ALL_PORTS, dst: IntervalSet.point(ip), dstPorts: IntervalSet.fromRanges(ports) },
  };
}

/**
 * Which protocol and ports count as a platform service is our approximation (said in
 * PLATFORM_CAVEAT): DNS (53), DHCP (67) and the host agent / health channel (80, 32526) at
 * 168.63.129.16; IMDS (80) at 169.254.169.254. Other traffic to these addresses takes the ordinary path.
 */
const SERVICES: PlatformService[] = [
  service('Azure DNS', AZURE_HOST_VIP, [6, 17], [[53, 53]], 'AzurePlatformDNS'),
  service('Azure DHCP', AZURE_HOST_VIP, [17], [[67, 67]]),
  service('Azure host agent and health monitoring', AZURE_HOST_VIP, [6], [[80, 80], [32526, 32526]]),
  service('Azure Instance Metadata Service', IMDS, [6], [[80, 80]], 'AzurePlatformIMDS'),
];

const PLATFORM_ADDRESSES = new Set(SERVICES.map((s) => s.box.dst.min()!));

export const PLATFORM_CAVEAT: Caveat = {
  code: 'platform.services',
  message: `Platform traffic from a VM to ${AZURE_HOST_VIP} (DNS 53, DHCP 67, host agent and health 80/32526) and ${IMDS} (IMDS 80) is served by the Azure host and not subject to NSGs, except rules whose destination is AzurePlatformDNS or AzurePlatformIMDS (rule 3.12). Which ports count as platform services is an approximation; other traffic to these addresses is treated as ordinary traffic.`,
};

/** IP flow verify answers like Network Watcher (the configured rules), and says what Azure does. */
export const VERIFY_PLATFORM_CAVEAT: Caveat = {
  code: 'verify.platform-traffic',
  message: `IP flow verify evaluates the configured NSG rules, as Network Watcher does; Azure serves platform traffic to ${AZURE_HOST_VIP} and ${IMDS} (DNS, DHCP, IMDS, health monitoring) without applying NSGs, except rules that target AzurePlatformDNS, AzurePlatformIMDS or AzurePlatformLKM (rule 3.12): a trace shows the platform's decision.`,
};

export function isPlatformAddress(ip: number): boolean {
  return PLATFORM_ADDRESSES.has(ip);
}

/** The platform services the space addresses, each with its part of the space, and the rest. */
export function splitPlatformTraffic(space: PacketSpace, dstIp: number): { parts: { service: PlatformService; space: PacketSpace }[]; rest: PacketSpace } {
  const parts: { service: PlatformService; space: PacketSpace }[] = [];
  let rest = space;
  if (!PLATFORM_ADDRESSES.has(dstIp)) return { parts, rest };
  for (const s of SERVICES) {
    const hit = rest.intersectBox(s.box);
    if (hit.isEmpty()) continue;
    parts.push({ service: s, space: hit });
    rest = rest.subtractBox(s.box);
  }
  return { parts, rest };
}

/**
 * The outbound rules of an NSG that target a service's own tag, matching the service's address
 * (the tag is not in the Service Tags file: its content is known only from the docs, and the match
 * stays flagged as approximate so the answer carries tag.unknown). Built once per NSG and tag.
 */
const tagRules = new WeakMap<CompiledNsg, Map<string, CompiledRule[]>>();

function rulesTargeting(nsg: CompiledNsg, s: PlatformService): CompiledRule[] {
  if (!s.tag) return [];
  let byTag = tagRules.get(nsg);
  if (!byTag) tagRules.set(nsg, (byTag = new Map()));
  let list = byTag.get(s.tag);
  if (!list) {
    const tag = s.tag.toLowerCase();
    list = nsg.outbound
      .filter((c) => c.rule.destinationAddressPrefixes.some((p) => p.toLowerCase() === tag))
      .map((c) => ({ ...c, dst: { ...c.dst, fixed: c.dst.fixed.union(s.box.dst), approximate: c.dst.approximate.union(s.box.dst) }, fixedBox: undefined }));
    byTag.set(s.tag, list);
  }
  return list;
}

/** NIC NSG then subnet NSG (rule 3.3). */
function outboundOrder(point: FilterPoint): { nsgId: string; side: 'source-nic' | 'source-subnet' }[] {
  const out: { nsgId: string; side: 'source-nic' | 'source-subnet' }[] = [];
  if (point.nicNsgId) out.push({ nsgId: point.nicNsgId, side: 'source-nic' });
  if (point.subnetNsgId) out.push({ nsgId: point.subnetNsgId, side: 'source-subnet' });
  return out;
}

/**
 * A VM's traffic to a platform service: only the rules that target the service's tag are applied
 * (first match in priority order; no match means the platform exemption lets it through), then the
 * host serves it: ACCEPTED, without routes, peerings or the internet.
 */
export function servePlatform(ctx: WalkContext, from: WalkState, point: FilterPoint, s: PlatformService, part: PacketSpace): Outcome {
  const { dp } = ctx;
  const st = branch(from, part);
  ctx.caveats.add(PLATFORM_CAVEAT);
  const vnetTag = dp.virtualNetworkTag(point.subnetId).set;
  const source = st.hops[st.hops.length - 1];
  let space = st.space;
  for (const { nsgId, side } of outboundOrder(point)) {
    const nsg = dp.compiledNsg(nsgId);
    const rules = nsg ? rulesTargeting(nsg, s) : [];
    if (!nsg || rules.length === 0) continue;
    ctx.caveats.add({ code: 'tag.unknown', message: `The ${s.tag} tag is not in the Service Tags file: it is taken as ${s.ipText} only.` });
    const r = ctx.filters.mode === 'trace' ? decideOne(rules, space, vnetTag) : { denied: deniedPart(rules, space, vnetTag), rule: undefined };
    if (r.rule) source.steps.push(nsgStep(dp.snapshot.networkSecurityGroups.get(nsgId)?.displayId ?? nsgId, nsg.nsg.name, side, r.rule));
    space = space.subtract(r.denied);
    if (space.isEmpty()) {
      const rule = r.rule ? `${r.rule.rule.collection}/${r.rule.rule.name}` : undefined;
      return end(st, 'DENIED_OUT', { stage: 'nsg-outbound', nsg: nsg.nsg.displayId, rule, detail: `a rule targeting ${s.tag} applies to ${s.what} (rule 3.12)` }, st.space);
    }
  }
  const served = hop(s.ipText, 'azure-platform', s.what, 'service');
  served.steps.push({ kind: 'deliver', resource: 'azure-platform', detail: `served by the Azure host: platform traffic is not subject to NSGs unless a rule targets its own tag (rule 3.12)` });
  return end({ ...st, space, hops: [...st.hops, served] }, 'ACCEPTED', null, space);
}

function nsgStep(nsg: string, nsgName: string, side: 'source-nic' | 'source-subnet', c: CompiledRule): Step {
  return { kind: 'nsg', nsg, nsgName, side, direction: 'Outbound', rule: `${c.rule.collection}/${c.rule.name}`, priority: c.rule.priority, access: c.rule.access };
}

/** One flow: the first rule that matches decides. */
function decideOne(rules: CompiledRule[], space: PacketSpace, vnetTag: IntervalSet): { denied: PacketSpace; rule?: CompiledRule } {
  const flow = flowOf(space);
  const rule = flow ? rules.find((c) => matchRule(c, flow, vnetTag).hit) : undefined;
  return { denied: rule?.rule.access === 'Deny' ? space : PacketSpace.EMPTY, rule };
}

/** Every packet: the part a Deny reaches before any Allow (what is not matched stays allowed). */
function deniedPart(rules: CompiledRule[], space: PacketSpace, vnetTag: IntervalSet): PacketSpace {
  let rest = space;
  let denied = PacketSpace.EMPTY;
  for (const c of rules) {
    const box = ruleBox(c, vnetTag);
    if (c.rule.access === 'Deny') denied = denied.union(rest.intersectBox(box));
    rest = rest.subtractBox(box);
    if (rest.isEmpty()) break;
  }
  return denied;
}

// ---- 14.3: what a VNet does not carry -----------------------------------------------------------

/** GRE (47) and IP-in-IP (4). */
const BLOCKED_PROTOCOLS = IntervalSet.fromRanges([[4, 4], [47, 47]]);
/** Multicast (224.0.0.0/4) and the limited broadcast address. */
const BLOCKED_DESTINATIONS = cidrsToSet(['224.0.0.0/4', '255.255.255.255/32']).set;
const BLOCKED_PROTOCOL_BOX: Box = { protocols: BLOCKED_PROTOCOLS, src: ALL_ADDRESSES, srcPorts: ALL_PORTS, dst: ALL_ADDRESSES, dstPorts: ALL_PORTS };

/**
 * Rule 14.3: removes what Azure blocks within VNets from the space. Returns an outcome when nothing
 * is left (NOT_FORWARDED: the virtual network does not forward it), else the state, narrowed when
 * `exact`. Symbolic questions (reach, matrix, blast) pass `exact` false: cutting two protocol
 * numbers out of every box would triple the boxes every filter then works on, and those answers
 * list only named protocols, so the reach.other-protocols caveat names the exception instead.
 */
export function dropBlockedInVnet(st: WalkState, exact: boolean): Outcome | WalkState {
  if (BLOCKED_DESTINATIONS.has(st.dstIp)) return blocked(st, 'multicast and broadcast packets are blocked within VNets (rule 14.3)');
  if (!exact || st.space.intersectBox(BLOCKED_PROTOCOL_BOX).isEmpty()) return st;
  const space = st.space.subtractBox(BLOCKED_PROTOCOL_BOX);
  if (space.isEmpty()) return blocked(st, 'GRE and IP-in-IP packets are blocked within VNets (rule 14.3)');
  return { ...st, space };
}

function blocked(st: WalkState, detail: string): Outcome {
  st.hops[st.hops.length - 1].steps.push({ kind: 'note', detail });
  return end(st, 'NOT_FORWARDED', { stage: 'route', detail });
}
