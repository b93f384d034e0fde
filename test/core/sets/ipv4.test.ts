import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { parseCidr } from '../../../core/sets/cidr.ts';
import { addressText, isIPv4, parseIPv4, scanDottedQuad } from '../../../core/sets/ipv4.ts';

// The hand parsers must agree with the ipaddr.js definitions they replace on the hot path.
function referenceParseIPv4(text: string): number | undefined {
  const t = text.trim();
  if (!ipaddr.IPv4.isValidFourPartDecimal(t)) return undefined;
  const o = ipaddr.IPv4.parse(t).octets;
  return ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3];
}

function referenceParseCidr(text: string): unknown {
  const t = text.trim();
  const slash = t.indexOf('/');
  const addrText = slash < 0 ? t : t.slice(0, slash);
  const lenText = slash < 0 ? '32' : t.slice(slash + 1);
  if (ipaddr.IPv6.isValid(addrText) && !ipaddr.IPv4.isValid(addrText)) return { ok: false, reason: 'IPv6 prefixes are not modelled yet', ipv6: true };
  const addr = referenceParseIPv4(addrText);
  if (addr === undefined) return { ok: false, reason: `'${addrText}' is not an IPv4 address` };
  if (!/^\d{1,2}$/.test(lenText) || Number(lenText) > 32) return { ok: false, reason: `'/${lenText}' is not a prefix length between 0 and 32` };
  const len = Number(lenText);
  const size = 2 ** (32 - len);
  const start = Math.floor(addr / size) * size;
  return { ok: true, cidr: { start, end: start + size - 1, prefixLength: len }, hostBitsSet: start !== addr };
}

const SAMPLES = [
  '10.0.0.1', '0.0.0.0', '255.255.255.255', '256.0.0.1', '10.0.0', '10.0.0.0.1', '010.0.0.1', '10.00.0.1', '1.2.3.04',
  '0x0a.0.0.1', '167772161', ' 10.0.0.1', '10.0.0.1 ', '\t10.0.0.1\n', '\u00a010.1.2.3', '10.0.0.1\u2028', '10..0.1',
  '.10.0.0', '10.0.0.', '1000.0.0.1', '10.0.0.1/24', '', ' ', '::1', '1.2.3.4a', '１.2.3.4', '99.99.99.99', '9.9.9.9',
  '10.0.0.0/8', '10.0.0.0/08', '10.0.0.0/32', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/ 8', '10.0.0.0/8 ', ' 10.0.0.0/8',
  '10.0.0.5/24', '2001:db8::/32', '::ffff:10.0.0.1', '10.0.0.0/008', '0.0.0.0/0', 'VirtualNetwork', '*', '10.0.0.0/-1',
];

const octet = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', '007', '0x1f', '', ' 1', '1 '));
const quad = fc.tuple(octet, octet, octet, octet).map((p) => p.join('.'));
const prefixText = fc.oneof(
  quad,
  fc.tuple(quad, fc.oneof(fc.integer({ min: 0, max: 40 }).map(String), fc.constantFrom('', '08', '008', ' 8', 'x'))).map(([a, l]) => `${a}/${l}`),
  fc.string({ maxLength: 18 }),
);

describe('IPv4 fast parsing agrees with ipaddr.js', () => {
  it('on hand-picked spellings', () => {
    for (const s of SAMPLES) {
      expect(parseIPv4(s), s).toBe(referenceParseIPv4(s));
      expect(isIPv4(s), s).toBe(ipaddr.IPv4.isValidFourPartDecimal(s.trim()));
      expect(parseCidr(s), s).toEqual(referenceParseCidr(s));
    }
  });

  it('on random dotted quads and prefixes', () => {
    fc.assert(
      fc.property(prefixText, (s) => {
        expect(parseIPv4(s)).toBe(referenceParseIPv4(s));
        expect(isIPv4(s)).toBe(ipaddr.IPv4.isValidFourPartDecimal(s.trim()));
        expect(parseCidr(s)).toEqual(referenceParseCidr(s));
        const fast = scanDottedQuad(s);
        expect(fast < 0 ? undefined : fast).toBe(ipaddr.IPv4.isValidFourPartDecimal(s) ? referenceParseIPv4(s) : undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it('on every address of random /8 samples', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        const s = `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
        expect(parseIPv4(s)).toBe(n);
        expect(scanDottedQuad(s)).toBe(n);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('addressText', () => {
  it("is the text before the first '/', like split('/')[0], and the same string when there is none", () => {
    for (const t of ['10.0.0.4', '10.0.0.4/32', '172.20.2.16/28', '/24', '', 'a/b/c', ' 10.0.0.4 /8']) {
      expect(addressText(t)).toBe(t.split('/')[0]);
    }
    const plain = ['10.0.', '1.4'].join('');
    expect(addressText(plain)).toBe(plain);
  });
});
