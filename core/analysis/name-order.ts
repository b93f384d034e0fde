// The order of resource names in answers: String#localeCompare's (the default Intl.Collator), with a
// fast path for the names estates are made of. Blast sorts tens of thousands of names (~800,000
// comparisons at tier L); through ICU each costs a conversion of both strings and a collation.
//
// Names made only of lower-case ASCII letters, digits, '-', '_' and '.' compare, under a collation
// where each of those characters has its own primary weight, is never ignored and starts no
// contraction, as sequences of those weights: the first differing character decides, and a prefix
// comes first. The weights' order is read from the collator itself when this module loads, and the
// fast path is used only when the collator's locale is the root or English one (no tailoring of
// ASCII) and the checks below confirm those properties; otherwise every comparison goes to ICU.

const COLLATOR = new Intl.Collator();
const SAFE = 'abcdefghijklmnopqrstuvwxyz0123456789-_.';

/** Per character code below 128: its position in the collator's order (1-based), 0 when not safe; undefined: no fast path. */
const RANKS: Uint8Array | undefined = buildRanks();

function buildRanks(): Uint8Array | undefined {
  const locale = COLLATOR.resolvedOptions().locale;
  if (!(locale === 'und' || locale === 'en' || locale.startsWith('en-'))) return undefined;
  const chars = [...SAFE].sort((a, b) => COLLATOR.compare(a, b));
  for (let i = 0; i < chars.length; i++) {
    // Never ignored: a name is less than itself with the character appended.
    if (!(COLLATOR.compare('a', `a${chars[i]}`) < 0)) return undefined;
    for (let j = i + 1; j < chars.length; j++) {
      // Distinct primary weights, in this order: the first character decides whatever follows.
      if (!(COLLATOR.compare(`${chars[i]}z`, `${chars[j]}a`) < 0 && COLLATOR.compare(`${chars[i]}${chars[j]}`, `${chars[j]}${chars[i]}`) < 0)) return undefined;
    }
  }
  const ranks = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) ranks[chars[i].charCodeAt(0)] = i + 1;
  return ranks;
}

/** True when the name of every item can be compared by the fast path. */
export function fastNames(items: readonly { name: string }[]): boolean {
  if (!RANKS) return false;
  for (const { name } of items) {
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c >= 128 || RANKS[c] === 0) return false;
    }
  }
  return true;
}

/** `a.localeCompare(b)`'s sign, for two names fastNames accepted. */
export function compareFastNames(a: string, b: string): number {
  const ranks = RANKS!;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return ranks[x] - ranks[y];
  }
  return a.length - b.length;
}

/** `a.localeCompare(b)`, without building a collator per comparison. */
export function compareNames(a: string, b: string): number {
  return COLLATOR.compare(a, b);
}
