// Minimal IPv4 arithmetic for laying out the synthetic address plan. (The analyzer's own address
// algebra lives in core/sets; the generator keeps its own few helpers so it depends on nothing.)

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  length: number;
}

export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${ip}`);
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) throw new Error(`not an IPv4 address: ${ip}`);
    n = n * 256 + v;
  }
  return n;
}

export function intToIp(n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

export function parseCidr(text: string): Cidr {
  const [ip, len] = text.split('/');
  const length = Number(len);
  if (ip === undefined || len === undefined || !Number.isInteger(length) || length < 0 || length > 32) {
    throw new Error(`not an IPv4 CIDR: ${text}`);
  }
  const base = ipToInt(ip);
  if (base % cidrSize(length) !== 0) throw new Error(`host bits set in ${text}`);
  return { base, length };
}

export function cidrSize(length: number): number {
  return 2 ** (32 - length);
}

export function formatCidr(c: Cidr): string {
  return `${intToIp(c.base)}/${c.length}`;
}

/** The CIDR of `length` at position `index` inside `parent` (index 0 = the first). */
export function subCidr(parent: Cidr, length: number, index: number): Cidr {
  if (length < parent.length) throw new Error('child prefix shorter than parent');
  const size = cidrSize(length);
  if ((index + 1) * size > cidrSize(parent.length)) throw new Error('child outside parent');
  return { base: parent.base + index * size, length };
}

/** A CIDR of `length` that starts `offset` addresses into `parent`. */
export function cidrAt(parent: Cidr, offset: number, length: number): Cidr {
  const size = cidrSize(length);
  if (offset % size !== 0) throw new Error('misaligned child prefix');
  if (offset + size > cidrSize(parent.length)) throw new Error('child outside parent');
  return { base: parent.base + offset, length };
}

/** The n-th address of a CIDR (0 = the network address). */
export function hostAt(c: Cidr, n: number): string {
  if (n < 0 || n >= cidrSize(c.length)) throw new Error(`host ${n} outside ${formatCidr(c)}`);
  return intToIp(c.base + n);
}

export function cidrContainsIp(c: Cidr, ip: string): boolean {
  const n = ipToInt(ip);
  return n >= c.base && n < c.base + cidrSize(c.length);
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + cidrSize(inner.length) <= outer.base + cidrSize(outer.length);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + cidrSize(b.length) && b.base < a.base + cidrSize(a.length);
}

/** Usable host addresses of an Azure subnet: .4 up to the one before broadcast. */
export function azureUsableHosts(length: number): number {
  return cidrSize(length) - 5;
}
