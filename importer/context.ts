// The state one import session shares across documents: the diagnostics it collected, the file
// being read, and memo tables for the text parsers (prefixes and port ranges repeat a lot).

import type { Diagnostic, Severity } from '../core/model/index.ts';
import type { CidrParse, PortParse } from '../core/sets/index.ts';
import { canonId } from './ids.ts';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Memo tables are cleared when they grow past this many entries (bounded memory). */
const MEMO_LIMIT = 200_000;
/**
 * Reference memos hold one entry per distinct referenced resource, so they grow with the estate;
 * their bound is higher (clearing only loses sharing, never an answer).
 */
const REF_MEMO_LIMIT = 1_000_000;
/** How many recent references canonRef compares before it looks in its memo (see canonRef). */
const RECENT_REFS = 4;

export class ImportContext {
  /** The file being read (as the caller named it). */
  file = '';
  readonly diagnostics: Diagnostic[] = [];
  private readonly cidrMemo = new Map<string, Memo<CidrParse>>();
  private readonly portMemo = new Map<string, Memo<PortParse>>();
  /** Canonical id per distinct canonical text. */
  private readonly refMemo = new Map<string, string>();
  private readonly listMemo = new Map<string, readonly string[]>();
  /** Shared lists of two or more values: a trie keyed by the values, one level per position. */
  private readonly idListMemo = new Map<string, ListNode>();
  private idListNodes = 0;
  private readonly tailMemo = new Map<string, ChildTail>();
  /**
   * The last RECENT_REFS references canonRef answered (spelling and canonical id), round robin.
   * Empty slots hold NUL, whose canonical id is itself, so they can never answer wrongly.
   */
  private readonly recentRaw: string[] = new Array<string>(RECENT_REFS).fill('\u0000');
  private readonly recentCanon: string[] = new Array<string>(RECENT_REFS).fill('\u0000');
  private recentNext = 0;

  report(
    severity: Severity,
    code: string,
    message: string,
    where: { resourceId?: string; jsonPath?: string; hint?: string; file?: string; line?: number; column?: number } = {},
  ): void {
    const d: Diagnostic = { severity, code, message };
    const file = where.file ?? this.file;
    if (file) d.file = file;
    if (where.line !== undefined) d.line = where.line;
    if (where.column !== undefined) d.column = where.column;
    if (where.resourceId) d.resourceId = where.resourceId;
    if (where.jsonPath) d.jsonPath = where.jsonPath;
    const hint = where.hint ?? DEFAULT_HINTS[code];
    if (hint) d.hint = hint;
    this.diagnostics.push(d);
  }

  /**
   * Parse a prefix once per distinct text. The returned `text` is the first copy seen (trimmed):
   * storing it instead of each parsed copy keeps one string per distinct prefix in the model.
   */
  memoCidr(text: string, parse: (t: string) => CidrParse): Memo<CidrParse> {
    let r = this.cidrMemo.get(text);
    if (r === undefined) {
      if (this.cidrMemo.size >= MEMO_LIMIT) this.cidrMemo.clear();
      r = { result: parse(text), text: text.trim() };
      this.cidrMemo.set(text, r);
    }
    return r;
  }

  memoPort(text: string, parse: (t: string) => PortParse): Memo<PortParse> {
    let r = this.portMemo.get(text);
    if (r === undefined) {
      if (this.portMemo.size >= MEMO_LIMIT) this.portMemo.clear();
      r = { result: parse(text), text: text.trim() };
      this.portMemo.set(text, r);
    }
    return r;
  }

  /**
   * Canonical id of a reference, one string per distinct target (many NICs name one subnet): the
   * model keeps one copy instead of one per reference. Resources get their own id here too
   * (canonOwnId), so a resource and the references to it share one string.
   */
  canonRef(id: string): string {
    // References repeat in runs (the NICs of one subnet, the rules naming one ASG): comparing with
    // the last few spellings is cheaper than lower-casing and hashing a fresh 150-character id.
    const recent = this.recentRaw;
    for (let k = 0; k < RECENT_REFS; k++) {
      if (recent[k] === id) return this.recentCanon[k];
    }
    const c = this.canonOwnId(id);
    const slot = this.recentNext;
    recent[slot] = id;
    this.recentCanon[slot] = c;
    this.recentNext = (slot + 1) % RECENT_REFS;
    return c;
  }

  /**
   * The canonical id of an id through the memo of canonical texts. The spelling is lower-cased
   * each time (the copy dies young when the text is known) rather than memoised by spelling: a
   * memo keyed by spelling kept every distinct input string alive until the session finished (most
   * references name their target once: a NIC its VM, a VM its NICs), and the garbage collector
   * copied each of them into the old generation.
   */
  canonOwnId(displayId: string): string {
    const c = canonId(displayId);
    const known = this.refMemo.get(c);
    if (known !== undefined) return known;
    if (this.refMemo.size >= REF_MEMO_LIMIT) this.refMemo.clear();
    this.refMemo.set(c, c);
    return c;
  }

  /**
   * A one-element list shared by every rule that has it (`["*"]`, `["VirtualNetwork"]`, `["443"]`):
   * frozen, so a consumer that tried to modify it would fail loudly instead of changing other rules.
   */
  sharedList(value: string): string[] {
    let l = this.listMemo.get(value);
    if (l === undefined) {
      if (this.listMemo.size >= MEMO_LIMIT) this.listMemo.clear();
      l = Object.freeze([value]);
      this.listMemo.set(value, l);
    }
    return l as string[];
  }

  /**
   * A list shared by every holder of the same values in the same order (the ASGs of a NIC, the
   * addresses of a rule): frozen, like sharedList. `ids` may be a scratch array.
   */
  sharedValues(ids: readonly string[]): string[] {
    if (ids.length === 1) return this.sharedList(ids[0]);
    if (ids.length === 0) return NO_VALUES as string[];
    // Walking a trie of the values themselves costs one lookup per value, with no joined key to
    // build and hash: the values are mostly memoised ids and prefixes whose hashes V8 has cached.
    if (this.idListNodes >= MEMO_LIMIT) {
      this.idListMemo.clear();
      this.idListNodes = 0;
    }
    let level = this.idListMemo;
    let node: ListNode | undefined;
    for (let i = 0; i < ids.length; i++) {
      node = level.get(ids[i]);
      if (node === undefined) {
        node = { list: undefined, next: undefined };
        level.set(ids[i], node);
        this.idListNodes++;
      }
      if (i + 1 < ids.length) level = node.next ??= new Map();
    }
    const n = node as ListNode;
    n.list ??= Object.freeze(ids.slice());
    return n.list as string[];
  }

  /**
   * The tail of a child id after its parent's display id (`rawId` from `start`, which is a `/`),
   * as one shared string per distinct spelling and its lower-cased form (`/securityRules/Allow-Https`
   * and `/securityrules/allow-https`): each would otherwise be a new string kept once per child.
   * Undefined when the tail is not ASCII (lower-casing the parts might then differ from
   * lower-casing the whole). Texts taken as they were parsed are not interned: hashing each
   * one would cost more than keeping it.
   */
  childTail(rawId: string, start: number): ChildTail | undefined {
    const slice = rawId.slice(start);
    const known = this.tailMemo.get(slice);
    if (known !== undefined) return known;
    for (let i = 0; i < slice.length; i++) if (slice.charCodeAt(i) >= 128) return undefined;
    if (this.tailMemo.size >= MEMO_LIMIT) this.tailMemo.clear();
    // A slice may point into the whole input id: keep a copy of its own characters instead.
    const display = ownCopy(slice);
    const t: ChildTail = { display, canon: display.toLowerCase() };
    this.tailMemo.set(display, t);
    return t;
  }

  /** Drop the memo tables (when the session finishes: they only serve reading). */
  releaseMemos(): void {
    this.cidrMemo.clear();
    this.portMemo.clear();
    this.refMemo.clear();
    this.listMemo.clear();
    this.idListMemo.clear();
    this.tailMemo.clear();
    this.recentRaw.fill('\u0000');
    this.recentCanon.fill('\u0000');
  }
}

export interface ChildTail {
  /** As spelled in the input. */
  display: string;
  /** Lower-cased. */
  canon: string;
}

/**
 * A string with its own characters (not a slice that keeps a longer parent string alive): the
 * joined text is flattened into a new string, and the slice then points into that copy.
 * (split('').join('') did the same at 15x the cost.)
 */
function ownCopy(s: string): string {
  return ` ${s}`.slice(1);
}

interface ListNode {
  /** The shared list that ends at this node. */
  list: readonly string[] | undefined;
  /** Longer lists that continue from here, by their next value. */
  next: Map<string, ListNode> | undefined;
}

const NO_VALUES: readonly string[] = Object.freeze([]);

export interface Memo<T> {
  result: T;
  /** The text, trimmed, as first seen. */
  text: string;
}

/** The hint a diagnostic gets when the code that reports it has nothing more specific to say. */
const DEFAULT_HINTS: Record<string, string> = {
  'json.nonstandard': 'nothing to do; strict JSON tools would reject the comments or trailing commas',
  'input.unrecognized': 'pass Azure resource JSON: az network ... list -o json, Resource Graph results, or REST GET responses',
  'field.type': 'check the field against the Azure REST API reference for this resource type; re-export if the file was edited by hand',
  'field.missing': 'add the field, or export the resource again (az ... show -o json returns every field)',
  'field.value': 'use one of the values the Azure REST API documents for this field',
  'cidr.hostbits': 'write the network address, e.g. 10.0.1.0/24 rather than 10.0.1.5/24',
  'port.invalid': 'ports are 0-65535, a range is low-high, * means all',
  'cidr.invalid': 'write an IPv4 address or prefix a.b.c.d/n with each part 0-255 and n between 0 and 32',
  'ipv6.unsupported': 'IPv6 traffic is not analysed yet; IPv4 answers are not affected',
  'ip.prefix': 'an ip configuration with an IP prefix is modelled by its first address',
  'ip.invalid': 'write a dotted IPv4 address such as 10.0.1.4',
  'priority.invalid': 'custom NSG rules take priorities 100-4096; firewall rule collections and groups 100-65000',
  'resource.duplicate': 'nothing to do: identical copies of a resource are merged',
  'nsg.defaultRulesAdded': 'nothing to do: Azure adds the same six rules to every NSG',
};

/** `[i]` path suffixes, shared: an item's path is then one cons string on its list's path. */
const SUFFIXES: string[] = [];
export function indexSuffix(i: number): string {
  if (i >= 4096) return `[${i}]`;
  let s = SUFFIXES[i];
  if (s === undefined) {
    for (let k = SUFFIXES.length; k <= i; k++) SUFFIXES.push(`[${k}]`);
    s = SUFFIXES[i];
  }
  return s;
}

/** JSONPath member access: `.name` for identifiers, `['200']` otherwise. */
export function member(path: string, key: string): string {
  return isIdentifier(key) ? `${path}.${key}` : `${path}['${key.replace(/'/g, "\\'")}']`;
}

function isIdentifier(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
    const digit = c >= 48 && c <= 57;
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

/** Describe a JSON value briefly for "what it saw" messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return 'an empty object';
    const shown = keys.slice(0, 6).join(', ');
    return `an object with keys ${shown}${keys.length > 6 ? `, ... (${keys.length} keys)` : ''}`;
  }
  return `a ${typeof v} (${JSON.stringify(v)?.slice(0, 40)})`;
}
