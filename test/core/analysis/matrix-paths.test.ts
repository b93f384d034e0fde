// MatrixPaths (one walk per first routing decision, shared by every source batch, each batch's
// outbound NSGs applied as a filter) against ReachKit.reachFromBatch (a walk per batch), batch by
// destination on the synthetic tier-S estate: the same packets, the same NSGs on the way; and
// answers with one shape are the same packets up to the destination address. CellTable: merged
// values are unions, marks are ANDed (default rules) or ORed (NSG on path), the first example stays.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataPlane, Endpoint } from '../../../core/index.ts';
import { ReachKit, portScope } from '../../../core/analysis/blast-walk.ts';
import { blastClasses } from '../../../core/analysis/blast.ts';
import { MatrixPaths } from '../../../core/analysis/matrix-paths.ts';
import { CellTable } from '../../../core/analysis/matrix-cells.ts';
import { IntervalSet } from '../../../core/sets/interval-set.ts';
import { writeEstate } from '../../../bench/synth/writer.ts';
import { dataPlaneOf, readFolderDocuments } from '../../support/load.ts';

const root = mkdtempSync(join(tmpdir(), 'ztpath-matrix-paths-'));
let dp: DataPlane;

beforeAll(async () => {
  await writeEstate(root, 'S', 1);
  dp = dataPlaneOf(readFolderDocuments(root), { allowErrors: true });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Nic = Extract<Endpoint, { kind: 'nic' }>;

describe('MatrixPaths.reach', () => {
  it('gives the packets and NSGs of ReachKit.reachFromBatch for every batch and destination class', () => {
    const kit = new ReachKit(dp, portScope());
    const reference = new ReachKit(dp, portScope());
    const paths = new MatrixPaths(kit);
    const classes = blastClasses(dp).classes;
    const byKey = new Map<string, Nic[]>();
    for (const c of classes) {
      const e = c.representative;
      if (e.kind !== 'nic') continue;
      const k = kit.walkGroupKey(e);
      byKey.set(k, [...(byKey.get(k) ?? []), e]);
    }
    const targets = classes.map((c) => c.representative).filter((e) => e.kind === 'nic' || e.kind === 'privateEndpoint');
    let compared = 0;
    let reached = 0;
    let shaped = 0;
    for (const reps of byKey.values()) {
      const batch = kit.batch(reps);
      const same = reference.batch(reps);
      const byShape = new Map<string, string>();
      for (const b of targets) {
        if (reps.includes(b as Nic)) continue;
        const got = paths.reach(batch, b);
        const want = reference.reachFromBatch(same, b);
        compared++;
        expect(got.space.subtract(want.space).isEmpty() && want.space.subtract(got.space).isEmpty(), `${batch.key} -> ${b.ipText}`).toBe(true);
        if (want.space.isEmpty()) continue;
        reached++;
        expect(got.nsgOnPath).toBe(want.nsgOnPath);
        expect(got.nsgs.map((n) => `${n.direction}|${n.point.subnetNsgId}|${n.point.nicNsgId}`)).toEqual(want.nsgs.map((n) => `${n.direction}|${n.point.subnetNsgId}|${n.point.nicNsgId}`));
        expect(paths.shapeOf(batch, b)).toBe(got.shape);
        if (got.shape === undefined) continue;
        // One shape: the same packets once the destination address is left out.
        const text = got.space.boxes.map((x) => `${x.protocols.key()}/${x.src.key()}/${x.srcPorts.key()}/${x.dstPorts.key()}`).sort().join(' ');
        const seen = byShape.get(got.shape);
        if (seen !== undefined) {
          shaped++;
          expect(text).toBe(seen);
        } else byShape.set(got.shape, text);
      }
    }
    expect(compared).toBeGreaterThan(1000);
    expect(reached).toBeGreaterThan(100);
    expect(shaped).toBeGreaterThan(100);
    // The point of it: far fewer walks than one per batch and destination VNet.
    expect(kit.stats.walks).toBeLessThan(reference.stats.walks / 3);
  }, 120_000);
});

describe('CellTable', () => {
  const ports = (tcp: [number, number][]) => new Map([[6, IntervalSet.fromRanges(tcp)]]);
  const a = { ports: ports([[22, 22]]), example: { src: 'x', dst: 'y', protocol: 'Tcp', dstPort: 22 }, defaultOnly: true, inboundDefaultOnly: true };
  const b = { ports: ports([[80, 80]]), example: { src: 'x', dst: 'y', protocol: 'Tcp', dstPort: 80 }, defaultOnly: false, inboundDefaultOnly: true };
  const empty = { ports: new Map([[6, IntervalSet.EMPTY]]), example: { src: 'x', dst: 'y', protocol: 'Tcp' }, defaultOnly: true, inboundDefaultOnly: true };
  // Sources by class number (10.0.0.1 + n), destinations by label number (10.0.0.9 - n).
  const names = { src: (n: number) => `10.0.0.${1 + n}`, dst: (n: number) => `10.0.0.${9 - n}` };
  /** The answer's cells as plain records. */
  const read = (t: CellTable) =>
    [...t.answerOrder()].map((i) => ({ from: t.fromOf(i), to: t.toOf(i), allowed: t.allowedOf(i), defaultOnly: t.defaultOnlyOf(i), inboundDefaultOnly: t.inboundDefaultOnlyOf(i), nsg: t.nsgOf(i), example: t.exampleOf(i, names) }));
  const fill = (t: CellTable) => {
    const [ia, ib, ie] = [t.intern(a), t.intern(b), t.intern(empty)];
    t.merge(1, 0, ia, false, 0, 0);
    t.merge(1, 0, ib, true, 1, 1);
    t.merge(0, 2, ia, false, 2, 2);
    t.merge(2, 2, ie, true, 3, 3);
  };
  it('merges values as unions, ANDs the default-rule marks, ORs NSG presence and keeps the first example', () => {
    const t = new CellTable(3, Int32Array.from([0, 1, 2]), Int32Array.from([0, 1, 2]));
    fill(t);
    const cells = read(t);
    expect(cells.map((c) => [c.from, c.to])).toEqual([[0, 2], [1, 0]]);
    expect(cells[1]).toEqual({ from: 1, to: 0, allowed: [{ protocol: 'Tcp', ports: ['22', '80'] }], defaultOnly: false, inboundDefaultOnly: true, nsg: true, example: { src: '10.0.0.1', dst: '10.0.0.9', protocol: 'Tcp', dstPort: 22 } });
  });
  it('orders cells by (from name, to name, from id, to id), whether or not groups are closed early', () => {
    // Groups 0 and 1 share a name: their cells interleave by destination name, then by source id (group 1 first).
    const t = new CellTable(3, Int32Array.from([0, 0, 2]), Int32Array.from([1, 0, 2]));
    fill(t);
    t.close(2);
    t.merge(0, 0, t.intern(a), false, 4, 4);
    t.close(1);
    expect(read(t).map((c) => [c.from, c.to])).toEqual([[1, 0], [0, 0], [0, 2]]);
    // Equal names and ids (not a real answer): the comparison sort, ties in the order cells were made.
    const u = new CellTable(3, Int32Array.from([0, 0, 0]), Int32Array.from([0, 0, 0]));
    fill(u);
    expect(read(u).map((c) => [c.from, c.to])).toEqual([[1, 0], [0, 2]]);
  });
  it('refuses a merge into a closed group', () => {
    const t = new CellTable(2, Int32Array.from([0, 1]), Int32Array.from([0, 1]));
    t.close(0);
    expect(() => t.merge(0, 1, t.intern(a), false, 0, 0)).toThrow(/closed/);
  });
});
