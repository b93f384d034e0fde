// Large list documents parsed in parts. `{"value": [ ... ]}` (REST lists, az CLI) and `[ ... ]`
// written one item per line (or pretty-printed) are parsed some 64 KB of items at a
// time instead of in one JSON.parse: each part's tree can be collected as soon as it is read, so
// the garbage collector no longer copies a whole file's unread tree (tens of megabytes) every
// time the reader's own allocations fill the young generation.
//
// Cuts are made only where a line starts an item at the first item's indentation (`\n{`,
// `\n  {`) after a comma. The text between two cuts is parsed as one item; when it is not one
// JSON value, `[` + part + `]` is, which parses only when the part is a whole list of items (a cut
// inside an item leaves at least one bracket open). So when every piece parses, the document is
// valid JSON and its list is exactly the pieces' items in order. A part that does not parse is
// retried longer; when the last part does not parse either, the document is not such a list
// (invalid, or an envelope with more members) and the caller reads it whole instead.
//
// The document may be a string or its UTF-8 bytes as read from the file (ListSource). From bytes,
// only the items are ever decoded, one piece at a time: no string of the whole file is made. Such a
// string (12.5 MB per file at tier L) is a large object in fresh memory that stays until a full
// collection: `ztpath summary` of L peaked at 495-560 MB reading texts, ~355 MB reading bytes
// (bench/RESULTS.md, History 2026-11-29 11:20). The cuts are found in the bytes: every character
// they look at is ASCII, and a UTF-8 sequence never contains an ASCII byte, so decoding between two
// cuts gives exactly the text between them. Bytes in another encoding (UTF-16 from Windows
// PowerShell) are decoded whole before they get here (session.ts, text-encoding.ts).

import { decodeUtf8 } from './text-encoding.ts';

/** Where the items of a list document are. */
export interface ListText {
  /** JSON path of the list: `$.value` or `$`. */
  path: string;
  /** The text between the list's brackets: [from, to). */
  from: number;
  to: number;
  /** A line break, the first item's indentation and `{`: where an item may start. */
  itemStart: string;
}

/** A document as the functions below read it: its text, or the UTF-8 bytes of its text. */
export interface ListSource {
  /** In characters (text) or bytes (bytes); every position below counts the same units. */
  readonly length: number;
  /** The character (or byte) at `i`: only ever compared with ASCII codes. */
  code(i: number): number;
  /** Where `pattern` (ASCII) first starts at or after `from`, or -1. */
  find(pattern: string, from: number): number;
  /** The text of [from, to). */
  text(from: number, to: number): string;
}

export class TextSource implements ListSource {
  constructor(private readonly t: string) {}

  get length(): number {
    return this.t.length;
  }

  code(i: number): number {
    return this.t.charCodeAt(i);
  }

  find(pattern: string, from: number): number {
    return this.t.indexOf(pattern, from);
  }

  /** A slice: V8 parses a sliced string in place. */
  text(from: number, to: number): string {
    return this.t.slice(from, to);
  }
}

export class ByteSource implements ListSource {
  constructor(private readonly bytes: Uint8Array) {}

  get length(): number {
    return this.bytes.length;
  }

  code(i: number): number {
    return this.bytes[i];
  }

  find(pattern: string, from: number): number {
    const b = this.bytes;
    const first = pattern.charCodeAt(0);
    const n = pattern.length;
    for (let i = b.indexOf(first, from); i >= 0 && i + n <= b.length; i = b.indexOf(first, i + 1)) {
      let k = 1;
      while (k < n && b[i + k] === pattern.charCodeAt(k)) k++;
      if (k === n) return i;
    }
    return -1;
  }

  text(from: number, to: number): string {
    return decodeUtf8(this.bytes.subarray(from, to));
  }
}

const VALUE_KEY = '"value"';

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipSpace(t: ListSource, i: number): number {
  while (i < t.length && isSpace(t.code(i))) i++;
  return i;
}

function skipSpaceBack(t: ListSource, i: number): number {
  while (i >= 0 && isSpace(t.code(i))) i--;
  return i;
}

function startsWith(t: ListSource, pattern: string, at: number): boolean {
  if (at + pattern.length > t.length) return false;
  for (let k = 0; k < pattern.length; k++) if (t.code(at + k) !== pattern.charCodeAt(k)) return false;
  return true;
}

/**
 * The list of a `{"value": [...]}` or `[...]` document whose first item is an object on a line
 * of its own; undefined for any other text (read whole).
 */
export function findListText(text: string | ListSource): ListText | undefined {
  const t = typeof text === 'string' ? new TextSource(text) : text;
  let i = skipSpace(t, 0);
  let path = '$';
  const last = skipSpaceBack(t, t.length - 1);
  let close = last;
  if (t.code(i) === 123) {
    // `{` "value" `:` `[` ... `]` `}`
    i = skipSpace(t, i + 1);
    if (!startsWith(t, VALUE_KEY, i)) return undefined;
    i = skipSpace(t, i + VALUE_KEY.length);
    if (t.code(i) !== 58) return undefined;
    i = skipSpace(t, i + 1);
    if (t.code(last) !== 125) return undefined;
    close = skipSpaceBack(t, last - 1);
    path = '$.value';
  }
  if (t.code(i) !== 91 || t.code(close) !== 93 || close <= i) return undefined;
  const from = i + 1;
  const first = skipSpace(t, from);
  if (t.code(first) !== 123) return undefined;
  let lineBreak = first;
  while (lineBreak >= from && t.code(lineBreak) !== 10) lineBreak--;
  if (lineBreak < from) return undefined;
  // Only spaces lie between the line break and the `{`: ASCII, in bytes as in text.
  return { path, from, to: close, itemStart: t.text(lineBreak, first + 1) };
}

/**
 * Parse the list's items and hand them to `each` in parts of about `partChars` characters, with
 * the index of each part's first item. Returns false, having stopped, when the text turns out not
 * to be a valid list (the parts handed over so far must then be undone by the caller).
 *
 * Each item is parsed on its own, from a slice of the text: V8 parses a sliced string in place,
 * whereas `[` + part + `]` was a new string per part, i.e. a copy of the whole input (~240 MB at
 * tier L) that filled the young generation and cost a quarter of the import's scavenges. A piece
 * between two cuts that is not one JSON value (a cut inside an item, or items that are not
 * objects on their own lines) is read as a bracketed part instead, longer and longer, as before.
 * Either way the document's list is `[` + the pieces joined by their commas + `]`, so every piece
 * parsing means the same as one JSON.parse of the list.
 */
export function readListParts(text: string | ListSource, list: ListText, partChars: number, each: (items: unknown[], offset: number) => void): boolean {
  const t = typeof text === 'string' ? new TextSource(text) : text;
  let from = list.from;
  let offset = 0;
  let part: unknown[] = [];
  let partStart = from;
  for (;;) {
    const cut = findCut(t, list, from, 1);
    let next = cut;
    let item: unknown;
    let one = true;
    try {
      item = JSON.parse(t.text(from, cut < 0 ? list.to : cut));
    } catch {
      one = false;
    }
    if (one) part.push(item);
    else {
      const longer = readBracketed(t, list, from, partChars);
      if (longer === undefined) return false;
      for (let k = 0; k < longer.items.length; k++) part.push(longer.items[k]);
      next = longer.cut;
    }
    if (next < 0 || next - partStart >= partChars) {
      each(part, offset);
      offset += part.length;
      part = [];
      partStart = next + 1;
    }
    if (next < 0) return true;
    from = next + 1;
  }
}

/**
 * The items of `[` + a part + `]` from `from`, the part at least `want` long and doubled until it
 * parses, with the comma that ends it (-1: it ran to the end); undefined when even the rest of the
 * list does not parse.
 */
function readBracketed(t: ListSource, list: ListText, from: number, want: number): { items: unknown[]; cut: number } | undefined {
  for (;;) {
    const cut = findCut(t, list, from, want);
    try {
      return { items: JSON.parse(`[${t.text(from, cut < 0 ? list.to : cut)}]`) as unknown[], cut };
    } catch {
      if (cut < 0) return undefined;
      want *= 2; // the cut was inside an item (or the text is invalid): try a longer part
    }
  }
}

/** The comma that ends a part starting at `from` at least `want` long, or -1 (the part runs to the end). */
function findCut(t: ListSource, list: ListText, from: number, want: number): number {
  let search = from + want;
  while (search < list.to) {
    const start = t.find(list.itemStart, search);
    if (start < 0 || start >= list.to) return -1;
    const k = skipSpaceBack(t, start - 1);
    if (k > from && t.code(k) === 44) return k;
    search = start + 1;
  }
  return -1;
}
