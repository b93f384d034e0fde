// CIDR prefixes as numeric ranges, and the conversion back to a minimal CIDR list.

import ipaddr from 'ipaddr.js';
import { IntervalSet } from './interval-set.ts';
import { formatIPv4, parseIPv4, scanDottedQuad } from './ipv4.ts';

export interface Cidr {
  /** First address (network address). */
  start: number;
  /** Last address (broadcast). */
  end: number;
  prefixLength: number;
}

export type CidrParse =
  | { ok: true; cidr: Cidr; /** True when host bits were set (Azure rejects those in address spaces). */ hostBitsSet: boolean }
  | { ok: false; reason: string; ipv6?: boolean };

/**
 * Parse `a.b.c.d/n` or a bare address (`/32`). IPv6 answers `{ok: false, ipv6: true}`.
 * Results are remembered per text (prefixes repeat across route tables, rules and VNets, and are
 * parsed again by every compile): callers share them and must not modify them.
 */
export function parseCidr(text: string): CidrParse {
  let r = CIDR_MEMO.get(text);
  if (r === undefined) {
    if (CIDR_MEMO.size >= CIDR_MEMO_LIMIT) CIDR_MEMO.clear();
    r = parseCidrUncached(text);
    CIDR_MEMO.set(text, r);
  }
  return r;
}

/** Memo entries kept at most (distinct prefix texts; bounded so that memory stays bounded). */
const CIDR_MEMO_LIMIT = 50_000;
const CIDR_MEMO = new Map<string, CidrParse>();

function parseCidrUncached(text: string): CidrParse {
  const fast = parsePlainCidr(text);
  if (fast !== undefined) return fast;
  const t = text.trim();
  const slash = t.indexOf('/');
  const addrText = slash < 0 ? t : t.slice(0, slash);
  const lenText = slash < 0 ? '32' : t.slice(slash + 1);
  if (ipaddr.IPv6.isValid(addrText) && !ipaddr.IPv4.isValid(addrText)) {
    return { ok: false, reason: 'IPv6 prefixes are not modelled yet', ipv6: true };
  }
  const addr = parseIPv4(addrText);
  if (addr === undefined) return { ok: false, reason: `'${addrText}' is not an IPv4 address` };
  if (!/^\d{1,2}$/.test(lenText) || Number(lenText) > 32) {
    return { ok: false, reason: `'/${lenText}' is not a prefix length between 0 and 32` };
  }
  return cidrResult(addr, Number(lenText));
}

/**
 * The common spelling, `a.b.c.d/n` or `a.b.c.d` with a valid four-part decimal address and n of
 * one or two digits up to 32, read without ipaddr.js; undefined for anything else (which then
 * takes the general path above, so the answers are the same).
 */
function parsePlainCidr(t: string): CidrParse | undefined {
  const slash = t.indexOf('/');
  if (slash < 0) {
    const addr = scanDottedQuad(t);
    return addr < 0 ? undefined : cidrResult(addr, 32);
  }
  const addr = scanDottedQuad(t.slice(0, slash));
  if (addr < 0) return undefined;
  const n = t.length - slash - 1;
  if (n < 1 || n > 2) return undefined;
  let len = 0;
  for (let i = slash + 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    len = len * 10 + (c - 48);
  }
  return len > 32 ? undefined : cidrResult(addr, len);
}

function cidrResult(addr: number, len: number): CidrParse {
  const size = 2 ** (32 - len);
  const start = Math.floor(addr / size) * size;
  return { ok: true, cidr: { start, end: start + size - 1, prefixLength: len }, hostBitsSet: start !== addr };
}

export function cidrToSet(c: Cidr): IntervalSet {
  return IntervalSet.range(c.start, c.end);
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.start)}/${c.prefixLength}`;
}

/** The smallest list of CIDR blocks that covers exactly [lo, hi]. */
export function rangeToCidrs(lo: number, hi: number): Cidr[] {
  const out: Cidr[] = [];
  let cur = lo;
  while (cur <= hi) {
    // Largest aligned block starting at cur that fits in [cur, hi].
    let size = cur === 0 ? 2 ** 32 : 2 ** countTrailingZeros(cur);
    while (cur + size - 1 > hi) size /= 2;
    out.push({ start: cur, end: cur + size - 1, prefixLength: 32 - Math.log2(size) });
    cur += size;
  }
  return out;
}

/** Trailing zero bits of an address (0 to 2^32 - 1; 32 for 0): the lowest set bit's position, by clz32. */
function countTrailingZeros(n: number): number {
  if (n === 0) return 32;
  const x = n | 0;
  return 31 - Math.clz32(x & -x);
}

/** An address set as minimal CIDR strings (`10.0.0.0/16`, `10.1.0.4/32`). */
export function setToCidrStrings(set: IntervalSet): string[] {
  const out: string[] = [];
  for (const [lo, hi] of set.ranges()) for (const c of rangeToCidrs(lo, hi)) out.push(formatCidr(c));
  return out;
}

/** Parse a list of CIDRs into one set, ignoring (and returning) the ones that fail. */
export function cidrsToSet(list: Iterable<string>): { set: IntervalSet; invalid: string[] } {
  const ranges: [number, number][] = [];
  const invalid: string[] = [];
  for (const text of list) {
    const p = parseCidr(text);
    if (p.ok) ranges.push([p.cidr.start, p.cidr.end]);
    else invalid.push(text);
  }
  return { set: IntervalSet.fromRanges(ranges), invalid };
}
