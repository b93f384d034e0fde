// The matrix's cell columns grow in place on resizable ArrayBuffers, and move once to a larger
// reservation when they outgrow theirs: either way every cell keeps its value and new cells are 0.
import { describe, expect, it } from 'vitest';
import { growColumn, newColumn } from '../../../core/analysis/matrix-cells.ts';

describe('matrix cell columns', () => {
  it.each([
    ['Int32Array', Int32Array, [7, -3, 2 ** 31 - 1, 0]],
    ['Uint8Array', Uint8Array, [1, 255, 4, 0]],
    ['Float64Array', Float64Array, [2 ** 40 + 5, 0.5, -1, 0]],
  ] as const)('%s: grows in place within its reservation, then moves once, keeping its cells', (_name, type, values) => {
    const col = newColumn(type as Int32ArrayConstructor, 4, 8);
    expect(col.length).toBe(4);
    expect((col.buffer as ArrayBuffer).maxByteLength).toBe(8 * type.BYTES_PER_ELEMENT);
    values.forEach((v, i) => (col[i] = v));
    const same = growColumn(type as Int32ArrayConstructor, col, 8);
    expect(same).toBe(col);
    expect(same.length).toBe(8);
    expect([...same]).toEqual([...values, 0, 0, 0, 0]);
    const moved = growColumn(type as Int32ArrayConstructor, same, 16);
    expect(moved).not.toBe(same);
    expect(moved.length).toBe(16);
    expect([...moved.subarray(0, 4)]).toEqual(values);
    expect([...moved.subarray(4)]).toEqual(new Array(12).fill(0));
    // The new reservation is four times the cells asked for: the next doublings grow in place again.
    expect(growColumn(type as Int32ArrayConstructor, moved, 32)).toBe(moved);
  });

  it('a new column reserves at least its own length', () => {
    const col = newColumn(Float64Array, 100, 10);
    expect(col.length).toBe(100);
    expect((col.buffer as ArrayBuffer).maxByteLength).toBe(800);
  });
});
