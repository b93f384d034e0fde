import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IntervalSet } from '../../../core/sets/interval-set.ts';
import { PacketSpace, type Box } from '../../../core/sets/packet-space.ts';

// Small universes so a naive enumeration can check box algebra exactly.
const dim = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })).map(([a, b]) => IntervalSet.range(Math.min(a, b), Math.max(a, b)));
const boxArb = fc.record({ protocols: dim, src: dim, srcPorts: dim, dst: dim, dstPorts: dim });
const spaceArb = fc.array(boxArb, { maxLength: 3 }).map((boxes: Box[]) => boxes.reduce((acc, b) => acc.union(PacketSpace.of(b)), PacketSpace.EMPTY));

function enumerate(s: PacketSpace): Set<string> {
  const out = new Set<string>();
  for (let p = 0; p < 4; p++) for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) for (let c = 0; c < 4; c++) for (let d = 0; d < 4; d++) {
    if (s.has({ protocol: p, src: a, srcPort: b, dst: c, dstPort: d })) out.add(`${p}${a}${b}${c}${d}`);
  }
  return out;
}

describe('PacketSpace', () => {
  it('intersect, subtract and union agree with enumeration', () => {
    fc.assert(
      fc.property(spaceArb, spaceArb, (a, b) => {
        const ea = enumerate(a);
        const eb = enumerate(b);
        expect(enumerate(a.intersect(b))).toEqual(new Set([...ea].filter((x) => eb.has(x))));
        expect(enumerate(a.subtract(b))).toEqual(new Set([...ea].filter((x) => !eb.has(x))));
        expect(enumerate(a.union(b))).toEqual(new Set([...ea, ...eb]));
      }),
      { numRuns: 300 },
    );
  });
});
