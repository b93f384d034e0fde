// Large list documents parsed in parts. `{"value": [ ... ]}` (REST lists, az CLI) and `[ ... ]`
// written one item per line (or pretty-printed) are parsed some 64 KB of items at a
// time instead of in one JSON.parse: each part's tree can be collected as soon as it is read, so
// the garbage collector no longer copies a whole file's unread tree (tens of megabytes) every
// time the reader's own allocations fill the young generation.
//
// Parts are cut only where a line starts an item at the first item's indentation (`\n{`,
// `\n  {`) after a comma. `[` + part + `]` parses only when the part is a whole list of items (a
// cut inside an item leaves at least one bracket open), so when every part parses, the document
// is valid JSON and its list is exactly the parts' items in order. A part that does not parse is
// retried longer; when the last part does not parse either, the document is not such a list
// (invalid, or an envelope with more members) and the caller reads it whole instead.

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

const VALUE_KEY = '"value"';

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipSpace(t: string, i: number): number {
  while (i < t.length && isSpace(t.charCodeAt(i))) i++;
  return i;
}

function skipSpaceBack(t: string, i: number): number {
  while (i >= 0 && isSpace(t.charCodeAt(i))) i--;
  return i;
}

/**
 * The list of a `{"value": [...]}` or `[...]` document whose first item is an object on a line
 * of its own; undefined for any other text (read whole).
 */
export function findListText(t: string): ListText | undefined {
  let i = skipSpace(t, 0);
  let path = '$';
  const last = skipSpaceBack(t, t.length - 1);
  let close = last;
  if (t.charCodeAt(i) === 123) {
    // `{` "value" `:` `[` ... `]` `}`
    i = skipSpace(t, i + 1);
    if (!t.startsWith(VALUE_KEY, i)) return undefined;
    i = skipSpace(t, i + VALUE_KEY.length);
    if (t.charCodeAt(i) !== 58) return undefined;
    i = skipSpace(t, i + 1);
    if (t.charCodeAt(last) !== 125) return undefined;
    close = skipSpaceBack(t, last - 1);
    path = '$.value';
  }
  if (t.charCodeAt(i) !== 91 || t.charCodeAt(close) !== 93 || close <= i) return undefined;
  const from = i + 1;
  const first = skipSpace(t, from);
  if (t.charCodeAt(first) !== 123) return undefined;
  const lineBreak = t.lastIndexOf('\n', first);
  if (lineBreak < from) return undefined;
  return { path, from, to: close, itemStart: t.slice(lineBreak, first + 1) };
}

/**
 * Parse the list's items part by part (each about `partChars` long) and hand each part to `each`
 * with the index of its first item. Returns false, having stopped, when the text turns out not to
 * be a valid list (the parts handed over so far must then be undone by the caller).
 */
export function readListParts(t: string, list: ListText, partChars: number, each: (items: unknown[], offset: number) => void): boolean {
  let from = list.from;
  let offset = 0;
  let want = partChars;
  for (;;) {
    const cut = findCut(t, list, from, want);
    const end = cut < 0 ? list.to : cut;
    let items: unknown[];
    try {
      items = JSON.parse(`[${t.slice(from, end)}]`) as unknown[];
    } catch {
      if (cut < 0) return false;
      want *= 2; // the cut was inside an item (or the text is invalid): try a longer part
      continue;
    }
    each(items, offset);
    if (cut < 0) return true;
    offset += items.length;
    from = cut + 1;
    want = partChars;
  }
}

/** The comma that ends a part starting at `from` at least `want` long, or -1 (the part runs to the end). */
function findCut(t: string, list: ListText, from: number, want: number): number {
  let search = from + want;
  while (search < list.to) {
    const start = t.indexOf(list.itemStart, search);
    if (start < 0 || start >= list.to) return -1;
    const k = skipSpaceBack(t, start - 1);
    if (k > from && t.charCodeAt(k) === 44) return k;
    search = start + 1;
  }
  return -1;
}
