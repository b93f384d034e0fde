// NSG rules compiled once into boxes over (protocol, source, source port, destination, destination
// port). The VirtualNetwork tag is left as a flag and filled per subnet at evaluation time, because
// its content depends on where the NSG is applied (rule 4.1).

import { defaultSecurityRulesOf } from '../model/default-rules.ts';
import type { Direction, NetworkSecurityGroup, ResourceId, SecurityRule } from '../model/types.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { ALL_PROTOCOLS, type Box } from '../sets/packet-space.ts';
import { ALL_PORTS, type PortParse, parsePortRanges } from '../sets/ports.ts';
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
  /** The rule's box when it does not name the VirtualNetwork tag: made by ruleBox on first use. */
  fixedBox?: Box;
}

export interface CompiledNsg {
  nsg: NetworkSecurityGroup;
  /** Custom and default rules of one direction, by ascending priority (rule 1.2). */
  inbound: CompiledRule[];
  outbound: CompiledRule[];
}

const anySourcePortVariants = new WeakMap<CompiledNsg, CompiledNsg>();

/**
 * Rule 3.14 (learn.microsoft.com/azure/private-link/private-endpoint-overview): for traffic to a
 * private endpoint "Source port filtering is interpreted as *". The NSG as it judges that traffic:
 * inbound rules with their source ports widened to every port (the same object when none names
 * source ports). Made once per compiled NSG.
 */
export function withAnySourcePort(nsg: CompiledNsg): CompiledNsg {
  let v = anySourcePortVariants.get(nsg);
  if (v) return v;
  const inbound = nsg.inbound.map((c) => (c.srcPorts.equals(ALL_PORTS) ? c : { ...c, srcPorts: ALL_PORTS, fixedBox: undefined }));
  v = inbound.every((c, i) => c === nsg.inbound[i]) ? nsg : { ...nsg, inbound };
  anySourcePortVariants.set(nsg, v);
  return v;
}

/** Addresses of the members of each ASG, for rules that name ASGs (rule 3.10, 4.6). */
export type AsgMembers = Map<ResourceId, IntervalSet>;

function protocolSet(p: SecurityRule['protocol']): IntervalSet {
  // Rule 1.4 / A1: `*` is taken as every IP protocol.
  if (p === '*') return ALL_PROTOCOLS;
  return IntervalSet.point(PROTOCOL_NUMBERS[p]);
}

function compileAddresses(words: readonly string[], asgIds: readonly ResourceId[], tags: ServiceTagResolver, asgMembers: AsgMembers, invalid: string[]): AddressMatch {
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
function fixedWithoutApprox(words: readonly string[], tags: ServiceTagResolver): IntervalSet {
  let s = IntervalSet.EMPTY;
  for (const w of words) {
    const r = tags.resolve(w);
    if (r.kind === 'set') s = s.union(r.set);
  }
  return s;
}

const NO_WORDS: readonly string[] = Object.freeze([]);
const ANY_PORT: readonly string[] = Object.freeze(['*']);

interface CompiledAddresses {
  match: AddressMatch;
  /** Words that did not parse, in order. */
  invalid: readonly string[];
}

/**
 * The parts of compiled rules, shared by every rule with the same text. Across an estate the same
 * port and address texts repeat in thousands of NSGs (and the six default rules are in every one),
 * so each distinct text is compiled once per data plane (the ASG members and service tags are the
 * data plane's). Lists are looked up by identity first (the importer shares equal lists) and then
 * by content. The parts are shared between rules: consumers must treat them as read-only, as they
 * already treat everything compiled.
 */
export class RulePartsCache {
  private readonly portsById = new Map<readonly string[], PortParse>();
  private readonly portsByText = new Map<string, PortParse>();
  /** By the words list, for rules without ASGs (most rules); by text otherwise. */
  private readonly addressesById = new Map<readonly string[], CompiledAddresses>();
  /** By the words list and then the ASG list, for rules with ASGs (no long text key to build). */
  private readonly addressesByIds = new Map<readonly string[], Map<readonly string[], CompiledAddresses>>();
  private readonly addressesByText = new Map<string, CompiledAddresses>();
  private readonly protocols = new Map<string, IntervalSet>();

  constructor(
    readonly tags: ServiceTagResolver,
    readonly asgMembers: AsgMembers,
  ) {}

  ports(list: readonly string[]): PortParse {
    let p = this.portsById.get(list);
    if (p === undefined) {
      const key = listKey(list);
      p = this.portsByText.get(key);
      if (p === undefined) this.portsByText.set(key, (p = parsePortRanges(list)));
      this.portsById.set(list, p);
    }
    return p;
  }

  addresses(words: readonly string[], asgIds: readonly ResourceId[]): CompiledAddresses {
    let byAsgs: Map<readonly string[], CompiledAddresses> | undefined;
    if (asgIds.length > 0) {
      byAsgs = this.addressesByIds.get(words);
      if (byAsgs === undefined) this.addressesByIds.set(words, (byAsgs = new Map()));
    }
    let a = byAsgs === undefined ? this.addressesById.get(words) : byAsgs.get(asgIds);
    if (a === undefined) {
      const wordsKey = listKey(words);
      const key = `${wordsKey.length}:${wordsKey}${listKey(asgIds)}`;
      a = this.addressesByText.get(key);
      if (a === undefined) {
        const invalid: string[] = [];
        const match = compileAddresses(words, asgIds, this.tags, this.asgMembers, invalid);
        this.addressesByText.set(key, (a = { match, invalid: invalid.length === 0 ? NO_WORDS : invalid }));
      }
      if (byAsgs === undefined) this.addressesById.set(words, a);
      else byAsgs.set(asgIds, a);
    }
    return a;
  }

  protocolSet(p: SecurityRule['protocol'], portsRestricted: boolean): IntervalSet {
    const key = portsRestricted ? `${p}/ports` : p;
    let set = this.protocols.get(key);
    if (set === undefined) {
      set = protocolSet(p);
      // Rule 1.5 [inferred]: ports only mean something for TCP and UDP, so a rule that restricts
      // ports matches only TCP and UDP packets.
      if (portsRestricted) set = set.intersect(TCP_UDP);
      this.protocols.set(key, set);
    }
    return set;
  }
}

/** An unambiguous text key of a list (JSON for several entries: the entries may hold anything). */
function listKey(list: readonly string[]): string {
  if (list.length === 0) return '';
  if (list.length === 1) return `1${list[0]}`;
  return JSON.stringify(list);
}

export function compileRule(rule: SecurityRule, tags: ServiceTagResolver, asgMembers: AsgMembers, cache: RulePartsCache = new RulePartsCache(tags, asgMembers)): CompiledRule {
  const sp = cache.ports(rule.sourcePortRanges.length ? rule.sourcePortRanges : ANY_PORT);
  const dp = cache.ports(rule.destinationPortRanges.length ? rule.destinationPortRanges : ANY_PORT);
  const srcPorts = sp.ok ? sp.set : IntervalSet.EMPTY;
  const dstPorts = dp.ok ? dp.set : IntervalSet.EMPTY;
  const protocols = cache.protocolSet(rule.protocol, !srcPorts.equals(ALL_PORTS) || !dstPorts.equals(ALL_PORTS));
  const src = cache.addresses(rule.sourceAddressPrefixes, rule.sourceAsgIds);
  const dst = cache.addresses(rule.destinationAddressPrefixes, rule.destinationAsgIds);
  // Invalid words in the order they are met: source ports, destination ports, source, destination.
  let invalid: string[] = NO_WORDS as string[];
  if (!sp.ok || !dp.ok || src.invalid.length > 0 || dst.invalid.length > 0) {
    invalid = [];
    if (!sp.ok) invalid.push(...rule.sourcePortRanges);
    if (!dp.ok) invalid.push(...rule.destinationPortRanges);
    invalid.push(...src.invalid, ...dst.invalid);
  }
  return { rule, protocols, src: src.match, dst: dst.match, srcPorts, dstPorts, invalid, fixedBox: undefined };
}

export function compileNsg(nsg: NetworkSecurityGroup, tags: ServiceTagResolver, asgMembers: AsgMembers, cache: RulePartsCache = new RulePartsCache(tags, asgMembers)): CompiledNsg {
  const inbound: CompiledRule[] = [];
  const outbound: CompiledRule[] = [];
  // All six default rules even when the snapshot holds fewer (rule 2.1; see defaultSecurityRulesOf).
  for (const list of [nsg.securityRules, defaultSecurityRulesOf(nsg)]) {
    for (const r of list) {
      const c = compileRule(r, tags, asgMembers, cache);
      (r.direction === 'Inbound' ? inbound : r.direction === 'Outbound' ? outbound : undefined)?.push(c);
    }
  }
  const byPriority = (a: CompiledRule, b: CompiledRule) => a.rule.priority - b.rule.priority;
  return { nsg, inbound: inbound.sort(byPriority), outbound: outbound.sort(byPriority) };
}

// Boxes made once per rule (and per VirtualNetwork tag for rules that name it): symbolic NSG
// evaluation asks for every rule's box on every query. Boxes are never mutated.
const taggedBoxes = new WeakMap<IntervalSet, Map<CompiledRule, Box>>();

function makeBox(c: CompiledRule, vnetTag: IntervalSet): Box {
  return {
    protocols: c.protocols,
    src: c.src.virtualNetwork ? c.src.fixed.union(vnetTag) : c.src.fixed,
    srcPorts: c.srcPorts,
    dst: c.dst.virtualNetwork ? c.dst.fixed.union(vnetTag) : c.dst.fixed,
    dstPorts: c.dstPorts,
  };
}

/** The box a rule covers where the VirtualNetwork tag is `vnetTag`. */
export function ruleBox(c: CompiledRule, vnetTag: IntervalSet): Box {
  if (!c.src.virtualNetwork && !c.dst.virtualNetwork) return (c.fixedBox ??= makeBox(c, vnetTag));
  let byRule = taggedBoxes.get(vnetTag);
  if (!byRule) taggedBoxes.set(vnetTag, (byRule = new Map()));
  let box = byRule.get(c);
  if (!box) byRule.set(c, (box = makeBox(c, vnetTag)));
  return box;
}
