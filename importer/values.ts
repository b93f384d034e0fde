// Validation of the text values Azure networking fields carry: address prefixes, IPs, port
// ranges and the small enums. Parsing itself is core/sets' job (parseCidr, parseIPv4,
// parsePortRange); this file decides what each outcome means for the import.

import type { RuleProtocol } from '../core/model/index.ts';
import { isIPv4, parseCidr, parseIPv4, parsePortRange } from '../core/sets/index.ts';
import { EMPTY_IDS, type Fields } from './fields.ts';

/** Addresses of a VNet address space, a subnet, a local network gateway: CIDRs only. */
export function readPrefixes(f: Fields, singular: string | undefined, plural: string | undefined, what: string): string[] {
  const out: string[] = [];
  if (singular !== undefined) {
    const s = f.str(singular);
    if (s !== undefined && s.length > 0) checkPrefix(f, s, f.at(singular), what, out);
  }
  if (plural !== undefined) {
    const list = f.strList(plural);
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (!out.includes(s.trim())) checkPrefix(f, s, f.strPath(plural, i), what, out);
    }
  }
  return out;
}

function checkPrefix(f: Fields, text: string, path: string, what: string, out: string[]): void {
  const m = f.ctx.memoCidr(text, parseCidr);
  const p = m.result;
  if (p.ok) {
    if (p.hostBitsSet) {
      f.warnAt('cidr.hostbits', path, `${what} '${text}' has host bits set; Azure requires a network address (read as the network that contains it)`, 'write the network address, e.g. 10.0.1.0/24 rather than 10.0.1.5/24');
    }
    out.push(m.text);
  } else if (p.ipv6) {
    f.infoAt('ipv6.unsupported', path, `IPv6 ${what} '${text}' is not modelled yet; skipped`);
  } else {
    f.errorAt('cidr.invalid', path, `${what} '${text}' is not a valid IPv4 prefix: ${p.reason}; skipped`);
  }
}

/**
 * Source/destination of an NSG rule: `*`, a service tag, an IP or a CIDR, singular and plural
 * fields merged. Returns null when entries were given but none was valid (the caller skips the
 * rule), an empty list when none were given. One-element lists are shared (see sharedList).
 */
export function readRuleAddresses(f: Fields, singular: string, plural: string): string[] | null {
  return readRuleList(f, singular, plural, checkRuleAddress);
}

/** True when a plural field holds nothing: absent, null or [] (here and, for REST, at the top level). */
function emptyPlural(f: Fields, plural: unknown, key: string): boolean {
  if (Array.isArray(plural)) return plural.length === 0;
  if (plural !== undefined && plural !== null) return false;
  if (f.props === f.obj) return true;
  const top = f.obj[key];
  return top === undefined || top === null;
}

/**
 * readRuleAddresses for the common case, given the two raw values: a non-empty singular string
 * next to an empty plural (what REST and az CLI return) is one check and a shared list.
 */
export function ruleAddresses(f: Fields, single: unknown, plural: unknown, singularKey: string, pluralKey: string): string[] | null {
  if (typeof single === 'string' && single.length > 0 && emptyPlural(f, plural, pluralKey)) {
    const t = checkRuleAddress(f, single, singularKey, -1);
    return t === undefined ? null : f.ctx.sharedList(t);
  }
  return readRuleAddresses(f, singularKey, pluralKey);
}

/** readPortRanges with the same fast path as ruleAddresses. */
export function rulePorts(f: Fields, single: unknown, plural: unknown, singularKey: string, pluralKey: string): string[] | null {
  if (typeof single === 'string' && single.length > 0 && emptyPlural(f, plural, pluralKey)) {
    const t = checkPorts(f, single, singularKey, -1);
    return t === undefined ? null : f.ctx.sharedList(t);
  }
  return readPortRanges(f, singularKey, pluralKey);
}

/**
 * The usable text of one address entry (`*`, a tag name, a valid IPv4 address/prefix), or
 * undefined (reported) when it is not usable. `index` < 0 means the field is a single string.
 */
function checkRuleAddress(f: Fields, text: string, key: string, index: number): string | undefined {
  const c = text.length > 0 ? text.charCodeAt(0) : 0;
  // `[parameters('x')]`: an ARM template expression, not evaluated (`[[` escapes a literal `[`).
  if (c === 91 && text.charCodeAt(1) !== 91 && text.endsWith(']')) {
    f.warnAt('template.unevaluated', pathOf(f, key, index), `'${text}' is an ARM template expression, which is not evaluated; skipped`, 'import the deployed resources instead: az network ... list, Azure Resource Graph, or the REST API');
    return undefined;
  }
  if (!(c >= 48 && c <= 57) && text.indexOf(':') < 0) {
    // `*`, `Any` (rule 1.6: clients accept it for `*`), or a service tag (`Storage.WestEurope`)
    if (text.length === 3 && text.toLowerCase() === 'any') return '*';
    if (c !== 32 || text.trim().length > 0) return c === 32 ? text.trim() : text;
    f.errorAt('cidr.invalid', pathOf(f, key, index), `empty address prefix; skipped`);
    return undefined;
  }
  const m = f.ctx.memoCidr(text, parseCidr);
  const p = m.result;
  if (p.ok) return m.text;
  if (p.ipv6) f.infoAt('ipv6.unsupported', pathOf(f, key, index), `IPv6 prefix '${text}' is not modelled yet; skipped`);
  else f.errorAt('cidr.invalid', pathOf(f, key, index), `'${text}' is not a valid IPv4 address or prefix: ${p.reason}; skipped`);
  return undefined;
}

function pathOf(f: Fields, key: string, index: number): string {
  return index < 0 ? f.at(key) : f.strPath(key, index);
}

/** Port ranges of an NSG rule, singular and plural merged; null when all given entries were invalid. */
export function readPortRanges(f: Fields, singular: string, plural: string): string[] | null {
  return readRuleList(f, singular, plural, checkPorts);
}

/**
 * A rule's singular field and its plural list, merged: each entry checked (`check` reports and
 * returns undefined for an invalid one). Null when entries were given but none was valid, an empty
 * list when none were given; one-element and repeated lists are shared (see sharedList, sharedValues).
 */
function readRuleList(f: Fields, singular: string, plural: string, check: (f: Fields, text: string, key: string, index: number) => string | undefined): string[] | null {
  let one: string | undefined;
  let values: string[] | undefined;
  let dropped = 0;
  const s = f.str(singular);
  if (s !== undefined && s.length > 0) {
    one = check(f, s, singular, -1);
    if (one === undefined) dropped++;
  }
  const list = f.strList(plural);
  for (let i = 0; i < list.length; i++) {
    const t = check(f, list[i], plural, i);
    if (t === undefined) dropped++;
    else if (one === undefined) one = t;
    else if (t !== one && (values === undefined || !values.includes(t))) (values ??= [one]).push(t);
  }
  if (values !== undefined) return f.ctx.sharedValues(values);
  if (one !== undefined) return f.ctx.sharedList(one);
  // Shared like the other lists: a rule with only ASGs kept a fresh [] of its own, which also
  // defeated the compile's by-identity lookup of address parts (a new key per rule).
  return dropped > 0 ? null : EMPTY_IDS;
}

function checkPorts(f: Fields, text: string, key: string, index: number): string | undefined {
  const m = f.ctx.memoPort(text, parsePortRange);
  if (m.result.ok) return m.text.length === 3 && m.text.toLowerCase() === 'any' ? '*' : m.text;
  f.errorAt('port.invalid', pathOf(f, key, index), `'${text}' is not a valid port or port range: ${m.result.reason}; skipped`, 'ports are 0-65535, a range is low-high, * means all');
  return undefined;
}

/** Firewall port lists (`443`, `8000-8999`, `*`). */
export function readFirewallPorts(f: Fields, key: string): string[] {
  const list = f.strList(key);
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const t = checkPorts(f, list[i], key, i);
    if (t !== undefined) out.push(t);
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
  for (let i = 0; i < list.length; i++) {
    const t = list[i].trim();
    const dash = t.indexOf('-');
    const c = t.charCodeAt(0);
    if (dash > 0 && c >= 48 && c <= 57) {
      const lo = parseIPv4(t.slice(0, dash));
      const hi = parseIPv4(t.slice(dash + 1));
      if (lo === undefined || hi === undefined || hi < lo) {
        f.errorAt('cidr.invalid', f.strPath(key, i), `'${t}' is not a valid IPv4 address range; skipped`);
        continue;
      }
      out.push(t);
      continue;
    }
    const v = checkRuleAddress(f, t, key, i);
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** Storage account IP rules: an IPv4 address or prefix. */
export function checkIpOrPrefix(f: Fields, key: string, what: string): string | undefined {
  const value = f.str(key);
  if (value === undefined) return undefined;
  const m = f.ctx.memoCidr(value, parseCidr);
  if (m.result.ok) return m.text;
  if (m.result.ipv6) f.info('ipv6.unsupported', key, `IPv6 ${what} '${value}' is not modelled yet; skipped`);
  else f.error('cidr.invalid', key, `${what} '${value}' is not a valid IPv4 address or prefix: ${m.result.reason}; skipped`);
  return undefined;
}

/**
 * A private/public IP address. A CIDR-shaped value (`172.20.2.16/28`, seen in the REST examples
 * for NIC IP prefixes) is read as its address with a warning; IPv6 is kept as text with an info.
 */
export function readIp(f: Fields, key: string): string | undefined {
  const s = f.str(key);
  if (s === undefined || s.length === 0) return undefined;
  if (isIPv4(s)) return s.trim();
  if (s.indexOf(':') >= 0) {
    f.info('ipv6.unsupported', key, `IPv6 address '${s}' is not modelled yet; kept as text`);
    return s.trim();
  }
  const slash = s.indexOf('/');
  if (slash > 0) {
    const addr = s.slice(0, slash).trim();
    if (f.ctx.memoCidr(s, parseCidr).result.ok && parseIPv4(addr) !== undefined) {
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
