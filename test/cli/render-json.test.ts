// writeJson writes the same text as renderJson, piece by piece: the subnet matrix of a large estate
// is gigabytes of JSON, more than one string can hold, so it is written in chunks.
import { describe, expect, it } from 'vitest';
import { renderJson, writeJson } from '../../cli/render/json.ts';

async function written(value: Record<string, unknown>): Promise<{ text: string; pieces: string[] }> {
  const pieces: string[] = [];
  await writeJson(value, (t) => {
    pieces.push(t);
  });
  return { text: pieces.join(''), pieces };
}

describe('writeJson', () => {
  it('writes exactly what renderJson renders', async () => {
    const cases: Record<string, unknown>[] = [
      {},
      { empty: [] },
      { only: undefined },
      { a: [1, { b: [1, 2], c: {} }, 'x', null, [], [[1]], undefined], m: new Map([['k', new Set([1, 2])]]), u: undefined, s: 'end "quoted"\n' },
      { cells: Array.from({ length: 4501 }, (_, i) => ({ i, name: `n${i}`, nested: { list: [i, i + 1], none: undefined } })), summary: { cells: 4501 } },
    ];
    for (const c of cases) expect((await written(c)).text).toBe(renderJson(c));
  });

  it('writes a long array in pieces, not as one string, waiting for each', async () => {
    const cells = Array.from({ length: 10_000 }, (_, i) => ({ from: `a${i}`, to: `b${i}` }));
    const { pieces } = await written({ by: 'subnet', cells });
    expect(pieces.length).toBeGreaterThan(5);
    const longest = Math.max(...pieces.map((p) => p.length));
    expect(longest).toBeLessThan(renderJson({ cells }).length / 4);
    // An asynchronous writer (a pipe waiting for 'drain') is awaited piece by piece, in order.
    const order: number[] = [];
    let pending = 0;
    await writeJson({ by: 'subnet', cells }, async (t) => {
      expect(pending).toBe(0);
      pending++;
      await new Promise((r) => setTimeout(r, 0));
      order.push(t.length);
      pending--;
    });
    expect(order).toHaveLength(pieces.length);
  });

  it('writes a list that makes its items on read (length, at, toJSON) as the array it stands for, item by item', async () => {
    const made: number[] = [];
    const items = Array.from({ length: 4501 }, (_, i) => ({ i, name: `n${i}` }));
    const lazy = {
      length: items.length,
      at: (j: number) => {
        made.push(j);
        return items[j];
      },
      toJSON: () => {
        throw new Error('writeJson must not build the whole array');
      },
    };
    const { text, pieces } = await written({ by: 'subnet', cells: lazy, summary: { cells: items.length } });
    expect(text).toBe(renderJson({ by: 'subnet', cells: items, summary: { cells: items.length } }));
    expect(made).toEqual(items.map((_, j) => j));
    expect(pieces.length).toBeGreaterThan(3);
    expect((await written({ cells: { length: 0, at: () => undefined, toJSON: () => [] } })).text).toBe(renderJson({ cells: [] }));
  });
});
