// Validation of the text values Azure networking fields carry: address prefixes, IPs, port
// ranges and the small enums. Parsing itself is core/sets' job (parseCidr, parseIPv4,
// parsePortRange); this file decides what each outcome means for the import.

import type { RuleProtocol } from '../core/model/index.ts';
import { parseCidr, parseIPv4, parsePortRange } from '../core/sets/index.ts';
import type { Fields } from './fields.ts';

/** Addresses of a VNet address space, a subnet, a local network gateway: CIDRs only. */
export function readPrefixes(f: Fields, singular: string | undefined, plural: string | undefined, what: string): string[] {
  const out: string[] = [];
  if (singular !== undefined) {
    const s = f.str(singular);
    if (s !== undefined && s.length > 0) checkPrefix(f, s, f.at(singular), what, out);
  }
  if (plural !== undefined) {
    const list = f.strList(plural);
    for (let i = 0; i < list.values.length; i++) {
      const s = list.values[i];
      if (!out.includes(s)) checkPrefix(f, s, list.paths(i), what, out);
    }
  }
  return out;
}

function checkPrefix(f: Fields, text: string, path: string, what: string, out: string[]): void {
  const p = f.ctx.memoCidr(text, parseCidr);
  if (p.ok) {
    if (p.hostBitsSet) {
      f.warnAt('cidr.hostbits', path, `${what} '${text}' has host bits set; Azure requires a network address (read as the network that contains it)`, 'write the network address, e.g. 10.0.1.0/24 rather than 10.0.1.5/24');
    }
    out.push(text.trim());
  } else if (p.ipv6) {
    f.infoAt('ipv6.unsupported', path, `IPv6 ${what} '${text}' is not modelled yet; skipped`);
  } else {
    f.errorAt('cidr.invalid', path, `${what} '${text}' is not a valid IPv4 prefix: ${p.reason}; skipped`);
  }
}

/**
 * Source/destination of an NSG rule or a route: `*`, a service tag, an IP or a CIDR. Singular and
 * plural fields merged. Returns undefined when every entry was invalid (the caller skips the rule).
 */
export function readRuleAddresses(f: Fields, singular: string, plural: string): { values: string[]; dropped: number } {
  const values: string[] = [];
  let dropped = 0;
  const s = f.str(singular);
  if (s !== undefined && s.length > 0) {
    if (checkRuleAddress(f, s, f.at(singular))) values.push(s.trim());
    else dropped++;
  }
  const list = f.strList(plural);
  for (let i = 0; i < list.values.length; i++) {
    const t = list.values[i];
    if (values.includes(t)) continue;
    if (checkRuleAddress(f, t, list.paths(i))) values.push(t.trim());
    else dropped++;
  }
  return { values, dropped };
}

/** True when the entry is usable: `*`, a tag name, or a valid IPv4 address/prefix. */
export function checkRuleAddress(f: Fields, text: string, path: string): boolean {
  const c = text.length > 0 ? text.charCodeAt(0) : 0;
  const startsDigit = c >= 48 && c <= 57;
  if (!startsDigit && text.indexOf(':') < 0) {
    if (text.trim().length === 0) {
      f.errorAt('cidr.invalid', path, `empty address prefix; skipped`);
      return false;
    }
    return true; // `*`, `Any`, or a service tag (`VirtualNetwork`, `Storage.WestEurope`)
  }
  const p = f.ctx.memoCidr(text, parseCidr);
  if (p.ok) return true;
  if (p.ipv6) {
    f.infoAt('ipv6.unsupported', path, `IPv6 prefix '${text}' is not modelled yet; skipped`);
    return false;
  }
  f.errorAt('cidr.invalid', path, `'${text}' is not a valid IPv4 address or prefix: ${p.reason}; skipped`);
  return false;
}

/** Port ranges of an NSG rule, singular and plural merged; invalid entries are dropped. */
export function readPortRanges(f: Fields, singular: string, plural: string): { values: string[]; dropped: number } {
  const values: string[] = [];
  let dropped = 0;
  const s = f.str(singular);
  if (s !== undefined && s.length > 0) {
    if (checkPorts(f, s, f.at(singular))) values.push(s.trim());
    else dropped++;
  }
  const list = f.strList(plural);
  for (let i = 0; i < list.values.length; i++) {
    const t = list.values[i];
    if (values.includes(t)) continue;
    if (checkPorts(f, t, list.paths(i))) values.push(t.trim());
    else dropped++;
  }
  return { values, dropped };
}

export function checkPorts(f: Fields, text: string, path: string): boolean {
  const p = f.ctx.memoPort(text, parsePortRange);
  if (p.ok) return true;
  f.errorAt('port.invalid', path, `'${text}' is not a valid port or port range: ${p.reason}; skipped`, 'ports are 0-65535, a range is low-high, * means all');
  return false;
}

/** Firewall port lists (`443`, `8000-8999`, `*`). */
export function readFirewallPorts(f: Fields, key: string): string[] {
  const list = f.strList(key);
  const out: string[] = [];
  for (let i = 0; i < list.values.length; i++) {
    const t = list.values[i];
    if (checkPorts(f, t, list.paths(i))) out.push(t.trim());
  }
  return out;
}

/**
 * Firewall addresses: `*`, IPs, CIDRs, ranges `a.b.c.d-e.f.g.h`, service tags (destination).
 * Invalid numeric entries are reported and dropped.
 */
export function readFirewallAddresses(f: Fields, key: string): string[] {
  const list = f.strList(key);
  const out: string[] = [];
  for (let i = 0; i < list.values.length; i++) {
    const t = list.values[i].trim();
    const dash = t.indexOf('-');
    const c = t.charCodeAt(0);
    if (dash > 0 && c >= 48 && c <= 57) {
      const lo = parseIPv4(t.slice(0, dash));
      const hi = parseIPv4(t.slice(dash + 1));
      if (lo === undefined || hi === undefined || hi < lo) {
        f.errorAt('cidr.invalid', list.paths(i), `'${t}' is not a valid IPv4 address range; skipped`);
        continue;
      }
      out.push(t);
      continue;
    }
    if (checkRuleAddress(f, t, list.paths(i))) out.push(t);
  }
  return out;
}

export type IpRead = { ip?: string };

/**
 * A private/public IP address. A CIDR-shaped value (`172.20.2.16/28`, seen in the REST examples
 * for NIC IP prefixes) is read as its address with a warning; IPv6 is kept as text with an info.
 */
export function readIp(f: Fields, key: string): string | undefined {
  const s = f.str(key);
  if (s === undefined || s.length === 0) return undefined;
  if (parseIPv4(s) !== undefined) return s.trim();
  if (s.indexOf(':') >= 0) {
    f.info('ipv6.unsupported', key, `IPv6 address '${s}' is not modelled yet; kept as text`);
    return s.trim();
  }
  const slash = s.indexOf('/');
  if (slash > 0) {
    const addr = s.slice(0, slash).trim();
    const p = f.ctx.memoCidr(s, parseCidr);
    if (p.ok && parseIPv4(addr) !== undefined) {
      f.warn('ip.prefix', key, `'${key}' holds a prefix '${s}' rather than an address; read as ${addr} (the rest of the prefix is not modelled)`);
      return addr;
    }
  }
  f.error('ip.invalid', key, `'${s}' is not a valid IP address; field ignored`);
  return undefined;
}

// ---- enums ------------------------------------------------------------------------------------

export function normalizeRuleProtocol(v: string): RuleProtocol | undefined {
  switch (v) {
    case 'Tcp':
    case '*':
    case 'Udp':
    case 'Icmp':
    case 'Esp':
    case 'Ah':
      return v;
  }
  switch (v.trim().toLowerCase()) {
    case 'tcp':
      return 'Tcp';
    case 'udp':
      return 'Udp';
    case 'icmp':
      return 'Icmp';
    case 'esp':
      return 'Esp';
    case 'ah':
      return 'Ah';
    case '*':
    case 'any':
    case 'all':
      return '*';
  }
  return undefined;
}

export function normalizeLbProtocol(v: string | undefined): 'Tcp' | 'Udp' | 'All' | undefined {
  if (v === undefined) return undefined;
  switch (v.trim().toLowerCase()) {
    case 'tcp':
      return 'Tcp';
    case 'udp':
      return 'Udp';
    case 'all':
    case '*':
    case 'any':
      return 'All';
  }
  return undefined;
}

export function normalizeFirewallProtocol(v: string): 'TCP' | 'UDP' | 'ICMP' | 'Any' | undefined {
  switch (v.trim().toLowerCase()) {
    case 'tcp':
      return 'TCP';
    case 'udp':
      return 'UDP';
    case 'icmp':
      return 'ICMP';
    case 'any':
    case '*':
      return 'Any';
  }
  return undefined;
}

/** Case-insensitive match of `v` against the allowed spellings; returns the canonical one. */
export function matchEnum<T extends string>(v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  for (const a of allowed) if (a === v) return a;
  const l = v.trim().toLowerCase();
  for (const a of allowed) if (a.toLowerCase() === l) return a;
  return undefined;
}
