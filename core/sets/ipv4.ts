// IPv4 addresses as unsigned 32-bit numbers. This file and cidr.ts are the only places that parse
// address text (DESIGN.md: core/sets is the only place that parses CIDRs), with ipaddr.js.

import ipaddr from 'ipaddr.js';

export const IPV4_MAX = 0xffffffff;

export function isIPv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text.trim());
}

export function isIPv6(text: string): boolean {
  return ipaddr.IPv6.isValid(text.trim().split('/')[0]);
}

/** Parse dotted-quad IPv4 into a number; undefined when it is not one. */
export function parseIPv4(text: string): number | undefined {
  const t = text.trim();
  if (!ipaddr.IPv4.isValidFourPartDecimal(t)) return undefined;
  const o = ipaddr.IPv4.parse(t).octets;
  return ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3];
}

export function formatIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
