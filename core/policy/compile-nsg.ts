// NSG rules compiled once into boxes over (protocol, source, source port, destination, destination
// port). The VirtualNetwork tag is left as a flag and filled per subnet at evaluation time, because
// its content depends on where the NSG is applied (rule 4.1).

import type { Direction, NetworkSecurityGroup, ResourceId, SecurityRule } from '../model/types.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { ALL_PROTOCOLS, type Box } from '../sets/packet-space.ts';
import { ALL_PORTS, parsePortRanges } from '../sets/ports.ts';
import { PROTOCOL_NUMBERS, TCP_UDP } from '../sets/protocols.ts';
import type { ServiceTagResolver } from '../dataplane/service-tag-resolver.ts';

export interface AddressMatch {
  /** Addresses matched whatever the context. */
  fixed: IntervalSet;
  /** The rule names the VirtualNetwork tag: add the subnet's VirtualNetwork set. */
  virtualNetwork: boolean;
  /** Part of `fixed` that only stands in for tags we could not resolve (approximations). */
  approximate: IntervalSet;
  /** Names of unresolved tags. */
  unknownTags: string[];
  /** The Internet tag was used (itself an approximation, rule 4.3). */
  internet: boolean;
}

export interface CompiledRule {
  rule: SecurityRule;
  protocols: IntervalSet;
  src: AddressMatch;
  dst: AddressMatch;
  srcPorts: IntervalSet;
  dstPorts: IntervalSet;
  /** Words that did not parse; such a rule matches nothing for them (the importer reported them). */
  invalid: string[];
}

export interface CompiledNsg {
  nsg: NetworkSecurityGroup;
  /** Custom and default rules of one direction, by ascending priority (rule 1.2). */
  inbound: CompiledRule[];
  outbound: CompiledRule[];
}

/** Addresses of the members of each ASG, for rules that name ASGs (rule 3.10, 4.6). */
export type AsgMembers = Map<ResourceId, IntervalSet>;

function protocolSet(p: SecurityRule['protocol']): IntervalSet {
  // Rule 1.4 / A1: `*` is taken as every IP protocol.
  if (p === '*') return ALL_PROTOCOLS;
  return IntervalSet.point(PROTOCOL_NUMBERS[p]);
}

function compileAddresses(words: string[], asgIds: ResourceId[], tags: ServiceTagResolver, asgMembers: AsgMembers, invalid: string[]): AddressMatch {
  let fixed = IntervalSet.EMPTY;
  let approximate = IntervalSet.EMPTY;
  let virtualNetwork = false;
  let internet = false;
  const unknownTags: string[] = [];
  for (const w of words) {
    const r = tags.resolve(w);
    switch (r.kind) {
      case 'set':
        fixed = fixed.union(r.set);
        if (r.approx === 'internet') internet = true;
        break;
      case 'virtualNetwork':
        virtualNetwork = true;
        break;
      case 'unknownTag':
        fixed = fixed.union(r.approximation);
        approximate = approximate.union(r.approximation);
        unknownTags.push(r.name);
        break;
      case 'invalid':
        invalid.push(r.text);
        break;
    }
  }
  for (const id of asgIds) fixed = fixed.union(asgMembers.get(id) ?? IntervalSet.EMPTY);
  return { fixed, virtualNetwork, approximate: approximate.subtract(fixedWithoutApprox(words, tags)), unknownTags, internet };
}

/** The exactly-known part of a rule's addresses, so that an address both known and approximated counts as known. */
function fixedWithoutApprox(words: string[], tags: ServiceTagResolver): IntervalSet {
  let s = IntervalSet.EMPTY;
  for (const w of words) {
    const r = tags.resolve(w);
    if (r.kind === 'set') s = s.union(r.set);
  }
  return s;
}

export function compileRule(rule: SecurityRule, tags: ServiceTagResolver, asgMembers: AsgMembers): CompiledRule {
  const invalid: string[] = [];
  let protocols = protocolSet(rule.protocol);
  const sp = parsePortRanges(rule.sourcePortRanges.length ? rule.sourcePortRanges : ['*']);
  const dp = parsePortRanges(rule.destinationPortRanges.length ? rule.destinationPortRanges : ['*']);
  const srcPorts = sp.ok ? sp.set : IntervalSet.EMPTY;
  const dstPorts = dp.ok ? dp.set : IntervalSet.EMPTY;
  if (!sp.ok) invalid.push(...rule.sourcePortRanges);
  if (!dp.ok) invalid.push(...rule.destinationPortRanges);
  // Rule 1.5 [inferred]: ports only mean something for TCP and UDP, so a rule that restricts ports
  // matches only TCP and UDP packets.
  if (!srcPorts.equals(ALL_PORTS) || !dstPorts.equals(ALL_PORTS)) protocols = protocols.intersect(TCP_UDP);
  const src = compileAddresses(rule.sourceAddressPrefixes, rule.sourceAsgIds, tags, asgMembers, invalid);
  const dst = compileAddresses(rule.destinationAddressPrefixes, rule.destinationAsgIds, tags, asgMembers, invalid);
  return { rule, protocols, src, dst, srcPorts, dstPorts, invalid };
}

export function compileNsg(nsg: NetworkSecurityGroup, tags: ServiceTagResolver, asgMembers: AsgMembers): CompiledNsg {
  const all = [...nsg.securityRules, ...nsg.defaultSecurityRules].map((r) => compileRule(r, tags, asgMembers));
  const byDir = (d: Direction) => all.filter((c) => c.rule.direction === d).sort((a, b) => a.rule.priority - b.rule.priority);
  return { nsg, inbound: byDir('Inbound'), outbound: byDir('Outbound') };
}

/** The box a rule covers where the VirtualNetwork tag is `vnetTag`. */
export function ruleBox(c: CompiledRule, vnetTag: IntervalSet): Box {
  return {
    protocols: c.protocols,
    src: c.src.virtualNetwork ? c.src.fixed.union(vnetTag) : c.src.fixed,
    srcPorts: c.srcPorts,
    dst: c.dst.virtualNetwork ? c.dst.fixed.union(vnetTag) : c.dst.fixed,
    dstPorts: c.dstPorts,
  };
}
