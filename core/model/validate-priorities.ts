// Rule 1.2: "You can't create two security rules with the same priority and direction" (learn.
// microsoft.com/azure/virtual-network/network-security-groups-overview, S2; the REST reference says
// unique within the collection, A21: the narrower, documented per-direction reading is checked).
// An export never has two; a change file or a hand-written NSG can. The engine evaluates such rules
// in the order the NSG lists them (a stable sort by priority); the error says Azure would refuse it.

import type { Diagnostic } from './diagnostics.ts';
import { located } from './field-path.ts';
import type { Snapshot } from './types.ts';

export function checkRulePriorities(s: Snapshot, out: Diagnostic[]): void {
  // One map reused across NSGs, keyed by priority and direction as a number (100,000 rules at tier L).
  const seen = new Map<number, string>();
  for (const nsg of s.networkSecurityGroups.values()) {
    if (nsg.securityRules.length < 2) continue;
    seen.clear();
    for (const r of nsg.securityRules) {
      const key = r.priority * 2 + (r.direction === 'Inbound' ? 0 : 1);
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, r.name);
        continue;
      }
      const d: Diagnostic = {
        severity: 'error',
        code: 'priority.duplicate',
        message: `security rules ${first} and ${r.name} of ${nsg.name} have the same priority ${r.priority} and direction ${r.direction}; Azure refuses this (rule 1.2). Evaluated in the order the NSG lists them (${first} first)`,
        resourceId: r.displayId,
        hint: 'give each rule of one direction its own priority',
      };
      out.push(located(d, r.source, 'priority'));
    }
  }
}
