// The order of names and addresses in answers: one fixed collation, English, whatever the locale
// of the machine. `String#localeCompare` and `new Intl.Collator()` follow the default locale, so
// the same estate gave differently ordered JSON on another machine: a Danish locale sorts `aa`
// after `z` and capitals first, a Czech one `ch` after `h` (names such as `snet-aadds` are common).
// English collation is what the default gave on the machines the golden outputs were made on.

const TEXT = new Intl.Collator('en');
const NUMERIC = new Intl.Collator('en', { numeric: true });

/** Names and ids in English collation order (`a.localeCompare(b, 'en')`). */
export function compareText(a: string, b: string): number {
  return TEXT.compare(a, b);
}

/** Texts with numbers compared as numbers (`10.0.1.5` before `10.0.1.40`), English collation otherwise. */
export function compareNumeric(a: string, b: string): number {
  return NUMERIC.compare(a, b);
}

/**
 * True when every character is one of `a-z`, `0-9`, `-` and `.`. Between two such texts English
 * collation is the order of their character codes (each of these characters has a primary weight
 * of its own, in code order: `-` < `.` < digits < letters; no capitals, accents or ignorable
 * characters for the lower levels to decide), which compares much faster
 * (test/core/analysis/collation.test.ts checks it against Intl.Collator).
 */
export function isPlainText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46)) return false;
  }
  return true;
}

/** compareText for two texts known to be plain (isPlainText): their code order. */
export function comparePlain(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Characters per plain key: 39^9 (38 plain characters and "none") stays below 2^53. */
export const PLAIN_KEY_CHARS = 9;
/** Each plain character's digit, 1-38 in code order; 0 stands for "past the end". */
const DIGIT = new Uint8Array(128);
[...'-.0123456789abcdefghijklmnopqrstuvwxyz'].forEach((c, i) => (DIGIT[c.charCodeAt(0)] = i + 1));

/**
 * Characters `part * 9` to `part * 9 + 8` of a plain text as one number: two plain texts compare
 * as their keys 0, 1, 2... compare, as far as those characters reach, so a sort compares numbers
 * and reaches for the strings only when the first 9 * parts characters are the same (names at
 * tier L share long prefixes, and comparing 50,000 of them as strings was ~0.15 s per blast).
 */
export function plainKey(s: string, part: number): number {
  let k = 0;
  const start = part * PLAIN_KEY_CHARS;
  for (let i = start; i < start + PLAIN_KEY_CHARS; i++) k = k * 39 + (i < s.length ? DIGIT[s.charCodeAt(i)] : 0);
  return k;
}
