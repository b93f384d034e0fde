import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCidr, rangeToCidrs, setToCidrStrings, cidrsToSet } from '../../../core/sets/cidr.ts';
import { formatIPv4, parseIPv4 } from '../../../core/sets/ipv4.ts';
import { parsePortRange, formatPorts } from '../../../core/sets/ports.ts';
import { IntervalSet } from '../../../core/sets/interval-set.ts';

describe('CIDR parsing', () => {
  it('parses prefixes into ranges', () => {
    const p = parseCidr('10.1.0.0/16');
    expect(p.ok && [p.cidr.start, p.cidr.end, p.cidr.prefixLength]).toEqual([parseIPv4('10.1.0.0'), parseIPv4('10.1.255.255'), 16]);
    const all = parseCidr('0.0.0.0/0');
    expect(all.ok && all.cidr.end).toBe(0xffffffff);
    const host = parseCidr('168.63.129.16');
    expect(host.ok && host.cidr.prefixLength).toBe(32);
  });

  it('flags host bits and rejects impossible prefixes', () => {
    const p = parseCidr('10.0.0.5/24');
    expect(p.ok && p.hostBitsSet).toBe(true);
    expect(parseCidr('10.0.0.300/24').ok).toBe(false);
    expect(parseCidr('10.0.0.0/33').ok).toBe(false);
    const v6 = parseCidr('2001:db8::/32');
    expect(!v6.ok && v6.ipv6).toBe(true);
  });

  it('converts ranges back to the minimal CIDR list', () => {
    expect(setToCidrStrings(IntervalSet.range(parseIPv4('10.0.0.0')!, parseIPv4('10.0.2.255')!))).toEqual(['10.0.0.0/23', '10.0.2.0/24']);
    expect(setToCidrStrings(IntervalSet.range(0, 0xffffffff))).toEqual(['0.0.0.0/0']);
    // Addresses with the top bit set (negative as 32-bit integers) align like any other.
    expect(setToCidrStrings(IntervalSet.range(parseIPv4('128.0.0.0')!, 0xffffffff))).toEqual(['128.0.0.0/1']);
    expect(setToCidrStrings(IntervalSet.range(parseIPv4('255.255.255.254')!, 0xffffffff))).toEqual(['255.255.255.254/31']);
    expect(setToCidrStrings(IntervalSet.range(parseIPv4('192.168.1.3')!, parseIPv4('192.168.1.8')!))).toEqual(['192.168.1.3/32', '192.168.1.4/30', '192.168.1.8/32']);
    expect(setToCidrStrings(IntervalSet.range(0xffffffff, 0xffffffff))).toEqual(['255.255.255.255/32']);
  });

  it('round-trips any range through CIDRs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffff }), (lo, len) => {
        const hi = Math.min(0xffffffff, lo + len);
        const cidrs = rangeToCidrs(lo, hi);
        const back = cidrsToSet(cidrs.map((c) => `${formatIPv4(c.start)}/${c.prefixLength}`)).set;
        expect(back.ranges()).toEqual([[lo, hi]]);
        // Minimal: every block is aligned to its size, and no two neighbours of one size form a larger aligned block.
        for (const [i, c] of cidrs.entries()) {
          const size = 2 ** (32 - c.prefixLength);
          expect(c.start % size).toBe(0);
          const next = cidrs[i + 1];
          if (next && next.prefixLength === c.prefixLength) expect(c.start % (2 * size) === 0 && c.prefixLength > 0).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('port ranges (rule 1.5)', () => {
  it('parses single ports, ranges, lists and *', () => {
    const r = parsePortRange('80, 10000-10005');
    expect(r.ok && formatPorts(r.set)).toEqual(['80', '10000-10005']);
    const all = parsePortRange('*');
    expect(all.ok && all.set.size()).toBe(65536);
  });
  it('rejects impossible ports', () => {
    expect(parsePortRange('70000').ok).toBe(false);
    expect(parsePortRange('20-10').ok).toBe(false);
    expect(parsePortRange('abc').ok).toBe(false);
  });
});
