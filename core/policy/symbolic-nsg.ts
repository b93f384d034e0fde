// The set of packets an NSG permits, by the same first-match semantics as evaluate-nsg.ts applied
// to sets: walk the rules by priority, an Allow keeps what it matches of what is still undecided,
// every rule removes what it matches from the undecided rest.

import type { Direction } from '../model/types.ts';
import type { IntervalSet } from '../sets/interval-set.ts';
import { PacketSpace, type Box } from '../sets/packet-space.ts';
import { type CompiledNsg, type CompiledRule, ruleBox } from './compile-nsg.ts';

export interface SymbolicPart {
  rule: CompiledRule;
  space: PacketSpace;
}

export interface SymbolicNsgResult {
  allowed: PacketSpace;
  /** What each Allow rule admitted (disjoint), for explanations. */
  allowedBy: SymbolicPart[];
  /** What each Deny rule stopped. */
  deniedBy: SymbolicPart[];
}

export function computeNsgPermits(nsg: CompiledNsg, direction: Direction, query: PacketSpace, vnetTag: IntervalSet): SymbolicNsgResult {
  const rules = direction === 'Inbound' ? nsg.inbound : nsg.outbound;
  let rest = query;
  const allowedBy: SymbolicPart[] = [];
  const deniedBy: SymbolicPart[] = [];
  // The boxes of what is allowed, in the order the rules allowed them (one space built at the end,
  // not a copy of the list per Allow rule that hits).
  const allowedBoxes: Box[] = [];
  for (const c of rules) {
    if (rest.isEmpty()) break;
    const box = ruleBox(c, vnetTag);
    const hit = rest.intersectBox(box);
    if (hit.isEmpty()) continue;
    if (c.rule.access === 'Allow') {
      allowedBy.push({ rule: c, space: hit });
      for (const b of hit.boxes) allowedBoxes.push(b);
    } else deniedBy.push({ rule: c, space: hit });
    rest = rest.subtractBox(box);
  }
  return { allowed: allowedBoxes.length ? new PacketSpace(allowedBoxes) : PacketSpace.EMPTY, allowedBy, deniedBy };
}
