// Rule 1.1: a security rule's name is "up to 80 characters long", must begin with a word character,
// end with a word character or `_`, and may contain word characters, `.`, `-` and `_` (learn.
// microsoft.com/azure/virtual-network/network-security-groups-overview, "Security rules", S2).
// Azure refuses any other name, so an export never holds one; a change file, a Terraform plan or a
// hand-written NSG can. The rule is evaluated as written (its name only labels answers); the error
// says Azure would refuse it.
//
// "Word character" is read as .NET's \w (letters, combining marks, digits, connector punctuation
// such as `_`), the wider reading: a name is reported only when every reading refuses it. Only the
// custom rules are checked: the default rules' names are Azure's own.

import type { Diagnostic } from './diagnostics.ts';
import type { Snapshot } from './types.ts';

const MAX_LENGTH = 80;
const WORD = '\\p{L}\\p{Mn}\\p{Nd}\\p{Pc}';
const VALID_NAME = new RegExp(`^[${WORD}](?:[${WORD}.-]*[${WORD}])?$`, 'u');
const WORD_CHAR = new RegExp(`^[${WORD}]$`, 'u');
const INNER_CHAR = new RegExp(`^[${WORD}.-]$`, 'u');

/** ASCII names, almost all of them: a plain expression is the fastest test (100,000 rules at tier L). */
const VALID_ASCII_NAME = /^\w(?:[\w.-]*\w)?$/;

/** Whether Azure accepts `name`. */
export function isValidRuleName(name: string): boolean {
  if (name.length <= MAX_LENGTH && VALID_ASCII_NAME.test(name)) return true;
  // Letters beyond ASCII are word characters too; the length counts characters, not UTF-16 units.
  return Array.from(name).length <= MAX_LENGTH && VALID_NAME.test(name);
}

/** Why Azure refuses `name` (rule 1.1), or undefined when it accepts it. */
export function refusedRuleNameReason(name: string): string | undefined {
  if (isValidRuleName(name)) return undefined;
  if (name.length === 0) return 'it is empty';
  const reasons: string[] = [];
  const chars = Array.from(name);
  if (chars.length > MAX_LENGTH) reasons.push(`it is ${chars.length} characters long (at most ${MAX_LENGTH})`);
  if (!WORD_CHAR.test(chars[0])) reasons.push(`it begins with ${JSON.stringify(chars[0])} (must be a letter, digit or _)`);
  const last = chars[chars.length - 1];
  if (chars.length > 1 && !WORD_CHAR.test(last)) reasons.push(`it ends with ${JSON.stringify(last)} (must be a letter, digit or _)`);
  const bad = [...new Set(chars.slice(1, -1).filter((c) => !INNER_CHAR.test(c)))];
  if (bad.length > 0) reasons.push(`it holds ${bad.map((c) => JSON.stringify(c)).join(', ')} (only letters, digits, ., - and _ are allowed)`);
  return reasons.join('; ');
}

export function checkRuleNames(s: Snapshot, out: Diagnostic[]): void {
  for (const nsg of s.networkSecurityGroups.values()) {
    for (const r of nsg.securityRules) {
      const reason = refusedRuleNameReason(r.name);
      if (reason === undefined) continue;
      const d: Diagnostic = {
        severity: 'error',
        code: 'rule.name-invalid',
        message: `security rule ${JSON.stringify(r.name)} of ${nsg.name} has a name Azure refuses: ${reason} (rule 1.1: up to 80 characters; begins with a word character, ends with a word character or _, holds only word characters, ., - and _); evaluated as written`,
        resourceId: r.displayId,
        hint: 'rename the rule, e.g. Allow-SSH-From-Jump',
      };
      // `name` sits beside `properties`, not under it, in both the REST and the flattened shape.
      if (r.source?.file) d.file = r.source.file;
      if (r.source) d.jsonPath = `${r.source.jsonPath}.name`;
      out.push(d);
    }
  }
}
