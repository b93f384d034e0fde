// IPv4 addresses as unsigned 32-bit numbers. This file and cidr.ts are the only places that parse
// address text (DESIGN.md: core/sets is the only place that parses CIDRs), with ipaddr.js.
//
// The common text, a plain dotted quad, is read by a small hand parser: ipaddr.js goes through
// several regular expressions and temporary arrays per address, and a large estate has tens of
// thousands of NIC addresses and prefixes. The hand parser accepts exactly what
// ipaddr.IPv4.isValidFourPartDecimal accepts (`^(0|[1-9]\d*)(\.(0|[1-9]\d*)){3}$`, each part at
// most 255); text it cannot read that way (surrounding blanks) goes to the ipaddr.js path.

import ipaddr from 'ipaddr.js';

export const IPV4_MAX = 0xffffffff;

/**
 * The number a dotted quad spells, or -1 when `t` is not exactly `a.b.c.d` with decimal parts
 * 0-255 written without leading zeros (the four-part decimal form of ipaddr.js).
 */
export function scanDottedQuad(t: string): number {
  const n = t.length;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  let leadingZero = false;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (leadingZero) return -1; // `01`: not the decimal form
      if (digits === 0 && c === 48) leadingZero = true;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      leadingZero = false;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

function isBlank(c: number): boolean {
  // Anything String.prototype.trim might remove starts at or below a space, or outside ASCII.
  return c <= 32 || c >= 127;
}

/** True when the text (trimmed) is a four-part decimal IPv4 address. */
export function isIPv4(text: string): boolean {
  if (scanDottedQuad(text) >= 0) return true;
  if (text.length === 0 || (!isBlank(text.charCodeAt(0)) && !isBlank(text.charCodeAt(text.length - 1)))) return false;
  return ipaddr.IPv4.isValidFourPartDecimal(text.trim());
}

export function isIPv6(text: string): boolean {
  return ipaddr.IPv6.isValid(text.trim().split('/')[0]);
}

/** Parse dotted-quad IPv4 into a number; undefined when it is not one. */
export function parseIPv4(text: string): number | undefined {
  const fast = scanDottedQuad(text);
  if (fast >= 0) return fast;
  if (text.length === 0 || (!isBlank(text.charCodeAt(0)) && !isBlank(text.charCodeAt(text.length - 1)))) return undefined;
  const t = text.trim();
  if (!ipaddr.IPv4.isValidFourPartDecimal(t)) return undefined;
  const o = ipaddr.IPv4.parse(t).octets;
  return ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3];
}

/**
 * The address part of `a.b.c.d` or `a.b.c.d/n` (= text.split('/')[0]), without allocating when
 * there is no prefix length: model IPs are read once per NIC by every index.
 */
export function addressText(text: string): string {
  const slash = text.indexOf('/');
  return slash < 0 ? text : text.slice(0, slash);
}

export function formatIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
