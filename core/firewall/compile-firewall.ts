// Firewall rules compiled to packet boxes, like NSG rules, so that one decision and the symbolic
// set of permitted packets share one meaning.

import type { FirewallApplicationRule, FirewallNatRule, FirewallNetworkRule, FirewallRuleProtocol, ResourceId, Snapshot } from '../model/types.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { parseCidr } from '../sets/cidr.ts';
import { parseIPv4 } from '../sets/ipv4.ts';
import { ALL_PORTS, parsePortRanges } from '../sets/ports.ts';
import { ALL_ADDRESSES, ALL_PROTOCOLS, type Box } from '../sets/packet-space.ts';
import { PROTOCOL_NUMBERS } from '../sets/protocols.ts';
import type { ServiceTagResolver } from '../dataplane/service-tag-resolver.ts';

export interface CompiledAddresses {
  set: IntervalSet;
  unknown: string[];
}

/** Firewall address words: `*`, IPs, CIDRs, ranges `a-b`, service tags (network rules), IP groups. */
export function compileFirewallAddresses(words: string[], ipGroupIds: ResourceId[], snapshot: Snapshot, tags: ServiceTagResolver): CompiledAddresses {
  // A module-level function with the result passed along, not a closure made per call: tsx compiles
  // with keepNames, and a named closure costs a property definition each time it is made.
  const out: CompiledAddresses = { set: IntervalSet.EMPTY, unknown: [] };
  for (const w of words) addAddressWord(out, w, tags);
  for (const id of ipGroupIds) {
    const g = snapshot.ipGroups.get(id);
    if (!g) {
      out.unknown.push(id);
      continue;
    }
    for (const w of g.ipAddresses) addAddressWord(out, w, tags);
  }
  return out;
}

function addAddressWord(out: CompiledAddresses, w: string, tags: ServiceTagResolver): void {
  const t = w.trim();
  if (t === '*') {
    out.set = ALL_ADDRESSES;
    return;
  }
  const dash = /^([0-9.]+)\s*-\s*([0-9.]+)$/.exec(t);
  if (dash) {
    const lo = parseIPv4(dash[1]);
    const hi = parseIPv4(dash[2]);
    if (lo !== undefined && hi !== undefined) out.set = out.set.union(IntervalSet.range(lo, hi));
    else out.unknown.push(t);
    return;
  }
  if (/^[0-9./]+$/.test(t)) {
    const p = parseCidr(t);
    if (p.ok) out.set = out.set.union(IntervalSet.range(p.cidr.start, p.cidr.end));
    else out.unknown.push(t);
    return;
  }
  const r = tags.resolve(t);
  if (r.kind === 'set') out.set = out.set.union(r.set);
  else out.unknown.push(t); // VirtualNetwork has no meaning in firewall rules; unknown tags stay unknown
}

/** Rule 12.7: Any is every IP protocol. */
function protocolSet(list: FirewallRuleProtocol[]): IntervalSet {
  let s = IntervalSet.EMPTY;
  for (const p of list) {
    if (p === 'Any') return ALL_PROTOCOLS;
    const n = p === 'TCP' ? PROTOCOL_NUMBERS.Tcp : p === 'UDP' ? PROTOCOL_NUMBERS.Udp : PROTOCOL_NUMBERS.Icmp;
    s = s.union(IntervalSet.point(n));
  }
  return s;
}

function portSet(list: string[]): IntervalSet {
  const p = parsePortRanges(list.length ? list : ['*']);
  return p.ok ? p.set : IntervalSet.EMPTY;
}

export interface CompiledNetworkRule {
  rule: FirewallNetworkRule;
  box: Box;
  unknown: string[];
}

export function compileNetworkRule(rule: FirewallNetworkRule, snapshot: Snapshot, tags: ServiceTagResolver): CompiledNetworkRule {
  const src = compileFirewallAddresses(rule.sourceAddresses, rule.sourceIpGroupIds, snapshot, tags);
  const dst = compileFirewallAddresses(rule.destinationAddresses, rule.destinationIpGroupIds, snapshot, tags);
  let protocols = protocolSet(rule.protocols);
  const dstPorts = portSet(rule.destinationPorts);
  // A destination port only means something for TCP and UDP (12.7: a port makes Any TCP+UDP).
  if (!dstPorts.equals(ALL_PORTS)) protocols = protocols.intersect(IntervalSet.fromRanges([[6, 6], [17, 17]]));
  const unknown = [...src.unknown, ...dst.unknown, ...rule.destinationFqdns.map((f) => `fqdn:${f}`)];
  return { rule, box: { protocols, src: src.set, srcPorts: ALL_PORTS, dst: dst.set, dstPorts }, unknown };
}

export interface CompiledNatRule {
  rule: FirewallNatRule;
  box: Box;
  translatedIp?: number;
  translatedPort?: number;
  unknown: string[];
}

export function compileNatRule(rule: FirewallNatRule, snapshot: Snapshot, tags: ServiceTagResolver): CompiledNatRule {
  const src = compileFirewallAddresses(rule.sourceAddresses, rule.sourceIpGroupIds, snapshot, tags);
  const dst = compileFirewallAddresses(rule.destinationAddresses, [], snapshot, tags);
  const tp = rule.translatedPort !== undefined ? Number(rule.translatedPort) : undefined;
  return {
    rule,
    box: { protocols: protocolSet(rule.protocols), src: src.set, srcPorts: ALL_PORTS, dst: dst.set, dstPorts: portSet(rule.destinationPorts) },
    translatedIp: rule.translatedAddress ? parseIPv4(rule.translatedAddress) : undefined,
    translatedPort: tp !== undefined && Number.isInteger(tp) ? tp : undefined,
    unknown: [...src.unknown, ...dst.unknown, ...(rule.translatedFqdn ? [`fqdn:${rule.translatedFqdn}`] : [])],
  };
}

/** `*.contoso.com` matches `a.contoso.com` (not `contoso.com`); `*` matches everything. */
export function fqdnMatches(pattern: string, fqdn: string): boolean {
  const p = pattern.toLowerCase().trim();
  const f = fqdn.toLowerCase().trim().replace(/\.$/, '');
  if (p === '*') return true;
  if (p.startsWith('*.')) return f.endsWith(p.slice(1));
  return p === f;
}

export interface CompiledApplicationRule {
  rule: FirewallApplicationRule;
  /** TCP to the rule's protocol ports, from its sources (12.5: HTTP, HTTPS, MSSQL). */
  box: Box;
  unknown: string[];
}

export function compileApplicationRule(rule: FirewallApplicationRule, snapshot: Snapshot, tags: ServiceTagResolver): CompiledApplicationRule {
  const src = compileFirewallAddresses(rule.sourceAddresses, rule.sourceIpGroupIds, snapshot, tags);
  const ports = IntervalSet.fromRanges(rule.protocols.map((p) => [p.port, p.port] as [number, number]));
  const unknown = [...src.unknown, ...rule.fqdnTags.map((t) => `fqdnTag:${t}`), ...rule.webCategories.map((c) => `webCategory:${c}`)];
  const dst = rule.destinationAddresses.length ? compileFirewallAddresses(rule.destinationAddresses, [], snapshot, tags).set : ALL_ADDRESSES;
  return { rule, box: { protocols: IntervalSet.point(PROTOCOL_NUMBERS.Tcp), src: src.set, srcPorts: ALL_PORTS, dst, dstPorts: ports }, unknown };
}
