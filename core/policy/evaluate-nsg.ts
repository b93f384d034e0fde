// One flow against one NSG: rules in priority order, the first match decides (rules 1.2, 2.1).

import type { Direction } from '../model/types.ts';
import type { IntervalSet } from '../sets/interval-set.ts';
import type { AddressMatch, CompiledNsg, CompiledRule } from './compile-nsg.ts';
import type { Flow } from './flow.ts';

export interface NsgDecision {
  access: 'Allow' | 'Deny';
  rule: CompiledRule;
  /** The match leaned on an approximated tag (unknown service tag) or on the Internet approximation. */
  approximate: boolean;
}

function matchAddress(m: AddressMatch, ip: number, vnetTag: IntervalSet): { hit: boolean; approximate: boolean } {
  if (m.virtualNetwork && vnetTag.has(ip)) return { hit: true, approximate: false };
  if (!m.fixed.has(ip)) return { hit: false, approximate: false };
  return { hit: true, approximate: m.approximate.has(ip) || m.internet };
}

export function matchRule(c: CompiledRule, f: Flow, vnetTag: IntervalSet): { hit: boolean; approximate: boolean } {
  if (!c.protocols.has(f.protocol) || !c.srcPorts.has(f.srcPort) || !c.dstPorts.has(f.dstPort)) return { hit: false, approximate: false };
  const s = matchAddress(c.src, f.src, vnetTag);
  if (!s.hit) return s;
  const d = matchAddress(c.dst, f.dst, vnetTag);
  if (!d.hit) return d;
  return { hit: true, approximate: s.approximate || d.approximate };
}

export function evaluateNsg(nsg: CompiledNsg, direction: Direction, f: Flow, vnetTag: IntervalSet): NsgDecision {
  const rules = direction === 'Inbound' ? nsg.inbound : nsg.outbound;
  for (const c of rules) {
    const m = matchRule(c, f, vnetTag);
    if (m.hit) return { access: c.rule.access, rule: c, approximate: m.approximate };
  }
  return denyByDefault(rules);
}

/**
 * What no rule matched. Unreachable while DenyAllInBound / DenyAllOutBound are as Azure defines
 * them (they match every packet, and compileNsg adds any default rule a snapshot lacks: rule 2.1).
 * A hand-built snapshot could alter one (Azure's default rules are read-only): Azure's own
 * DenyAll* would deny, so deny in its name rather than crash, marked approximate. The symbolic
 * side agrees: what no rule matched is not permitted.
 */
function denyByDefault(rules: CompiledRule[]): NsgDecision {
  const denyAll = rules.find((c) => c.rule.collection === 'defaultSecurityRules' && c.rule.access === 'Deny' && c.rule.name.toLowerCase().startsWith('denyall')) ?? rules[rules.length - 1];
  return { access: 'Deny', rule: denyAll, approximate: true };
}
