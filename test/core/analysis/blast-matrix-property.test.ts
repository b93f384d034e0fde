// Grouped answers equal plain per-pair answers on the synthetic tier-S estate (seeded): blast radius
// and the subnet matrix work on endpoint classes, batches of sources, walk templates and memo tables
// (blast-walk.ts); here they are checked against computeReach asked about one pair at a time.
// - Blast: the endpoints reached at depth 1 are exactly those computeReach finds a way to from the
//   foothold; every endpoint at depth d + 1 is reached by computeReach from the foothold named as
//   its last pivot; nothing unreached is reachable from any endpoint reached.
// - Matrix: for sampled subnet pairs (connected or not), the cell is the union of computeReach over
//   every NIC of the first subnet and every endpoint of the second.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntervalSet, computeBlastRadius, computeMatrix, computeReach, type DataPlane, type Endpoint, type MatrixAnswer } from '../../../core/index.ts';
import { writeEstate } from '../../../bench/synth/writer.ts';
import { dataPlaneOf, readFolderDocuments } from '../../support/load.ts';

const root = mkdtempSync(join(tmpdir(), 'ztpath-blast-prop-'));
let dp: DataPlane;
let matrix: MatrixAnswer;

beforeAll(async () => {
  await writeEstate(root, 'S', 1);
  dp = dataPlaneOf(readFolderDocuments(root), { allowErrors: true });
  matrix = computeMatrix(dp, { by: 'subnet' });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A small seeded generator (mulberry32), so the samples are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function endpoints(): Endpoint[] {
  return [...dp.addresses.byVnet.values()].flatMap((m) => [...m.values()]).filter((e) => e.kind === 'nic' || e.kind === 'privateEndpoint').sort((a, b) => a.ip - b.ip);
}

const ref = (e: Endpoint) => ({ kind: 'endpoint' as const, endpoint: e, label: e.ipText });

/** Per protocol, the ports computeReach lets through from `a` to `b` (normalised interval keys). */
function reach(a: Endpoint, b: Endpoint): Map<string, IntervalSet> {
  const out = new Map<string, IntervalSet>();
  for (const p of computeReach(dp, { from: ref(a), to: ref(b) }).allowed) out.set(p.protocol, (out.get(p.protocol) ?? IntervalSet.EMPTY).union(portSet(p.ports)));
  return out;
}

function portSet(ports: string[]): IntervalSet {
  return IntervalSet.fromRanges(ports.map((p) => {
    const [lo, hi] = p.split('-').map(Number);
    return [lo, hi ?? lo] as [number, number];
  }));
}

function keyed(m: Map<string, IntervalSet>): Record<string, string> {
  return Object.fromEntries([...m].map(([k, v]) => [k, v.key()]).sort());
}

describe('blast radius equals computeReach pair by pair (tier S)', () => {
  it('from sampled footholds: depth 1 is exactly what the foothold reaches; every later step is a real reach', () => {
    const all = endpoints();
    const nics = all.filter((e): e is Extract<Endpoint, { kind: 'nic' }> => e.kind === 'nic');
    const next = rng(7);
    let nonEmpty = 0;
    for (let i = 0; i < 3; i++) {
      const e0 = nics[Math.floor(next() * nics.length)];
      const a = computeBlastRadius(dp, { from: ref(e0) });
      expect(a.error).toBeUndefined();
      const depth1 = new Set(a.reached.filter((r) => r.depth === 1 && r.kind !== 'storageAccount').map((r) => r.ip));
      const expected = new Set(all.filter((b) => b !== e0 && reach(e0, b).size > 0).map((b) => b.ipText));
      expect([...depth1].sort()).toEqual([...expected].sort());
      if (depth1.size > 0 && a.summary.maxDepth > 1) nonEmpty++;
      // Every reached endpoint: its last step is a reach from the pivot it names, with those ports.
      const byIp = new Map(all.map((e) => [e.ipText, e] as const));
      for (const r of a.reached) {
        if (r.kind === 'storageAccount') continue;
        const last = r.path[r.path.length - 1];
        const got = reach(byIp.get(last.fromIp)!, byIp.get(last.toIp)!);
        expect(keyed(new Map(last.allowed.map((x) => [x.protocol, portSet(x.ports)]))), `${last.fromIp} -> ${last.toIp}`).toEqual(keyed(got));
      }
      // Closure: nothing left unreached is reachable from a reached host (sampled pivots).
      const reached = new Set([e0.ipText, ...a.reached.map((r) => r.ip)]);
      const hosts = nics.filter((n) => reached.has(n.ipText));
      const rest = all.filter((b) => !reached.has(b.ipText));
      for (let k = 0; k < 6 && hosts.length; k++) {
        const h = hosts[Math.floor(next() * hosts.length)];
        for (const b of rest) expect(reach(h, b).size, `${h.ipText} -> ${b.ipText}`).toBe(0);
      }
    }
    // Not vacuous: the samples pivot more than once.
    expect(nonEmpty).toBeGreaterThan(0);
  }, 120_000);
});

describe('subnet matrix equals computeReach pair by pair (tier S)', () => {
  it('on sampled subnet pairs, connected or not', () => {
    const all = endpoints();
    const bySubnet = new Map<string, Endpoint[]>();
    for (const e of all) bySubnet.set(e.subnetId, [...(bySubnet.get(e.subnetId) ?? []), e]);
    const subnets = [...bySubnet.keys()].sort();
    const cells = new Map([...matrix.cells].map((c) => [`${c.fromId.toLowerCase()}>${c.toId.toLowerCase()}`, c] as const));
    const next = rng(11);
    // Half the samples among connected cells, half uniform (mostly unconnected pairs at tier S).
    const connected = [...cells.keys()].sort();
    const pairs: [string, string][] = [];
    for (let i = 0; i < 12; i++) {
      const [f, t] = connected[Math.floor(next() * connected.length)].split('>');
      pairs.push([f, t]);
      pairs.push([subnets[Math.floor(next() * subnets.length)], subnets[Math.floor(next() * subnets.length)]]);
    }
    let withTraffic = 0;
    for (const [from, to] of pairs) {
      const expected = new Map<string, IntervalSet>();
      for (const a of bySubnet.get(from) ?? []) {
        if (a.kind !== 'nic') continue;
        for (const b of bySubnet.get(to) ?? []) {
          if (a === b) continue;
          for (const [p, s] of reach(a, b)) expected.set(p, (expected.get(p) ?? IntervalSet.EMPTY).union(s));
        }
      }
      const cell = cells.get(`${from}>${to}`);
      const got = new Map((cell?.allowed ?? []).map((x) => [x.protocol, portSet(x.ports)]));
      expect(keyed(got), `${from} -> ${to}`).toEqual(keyed(expected));
      if (expected.size > 0) withTraffic++;
    }
    expect(withTraffic).toBeGreaterThanOrEqual(12);
  }, 120_000);

  // The matrix reads ports and marks off a whole batch's answer when every source gets the same
  // packets, and merges a (walk shape, destination subnet) once per batch: a subnet to itself
  // (sources and destinations in one batch) and every cell's example must still be real flows.
  it('on subnets to themselves, and every sampled example is a flow computeReach lets through', () => {
    const all = endpoints();
    const byIp = new Map(all.map((e) => [e.ipText, e] as const));
    const bySubnet = new Map<string, Endpoint[]>();
    for (const e of all) bySubnet.set(e.subnetId, [...(bySubnet.get(e.subnetId) ?? []), e]);
    const cells = new Map([...matrix.cells].map((c) => [`${c.fromId.toLowerCase()}>${c.toId.toLowerCase()}`, c] as const));
    const subnets = [...bySubnet.keys()].filter((s) => (bySubnet.get(s) ?? []).filter((e) => e.kind === 'nic').length > 1).sort();
    const next = rng(23);
    let withTraffic = 0;
    for (let i = 0; i < 6 && subnets.length; i++) {
      const s = subnets[Math.floor(next() * subnets.length)];
      const expected = new Map<string, IntervalSet>();
      for (const a of bySubnet.get(s)!) {
        if (a.kind !== 'nic') continue;
        for (const b of bySubnet.get(s)!) {
          if (a === b) continue;
          for (const [p, x] of reach(a, b)) expected.set(p, (expected.get(p) ?? IntervalSet.EMPTY).union(x));
        }
      }
      const got = new Map((cells.get(`${s}>${s}`)?.allowed ?? []).map((x) => [x.protocol, portSet(x.ports)]));
      expect(keyed(got), `${s} -> itself`).toEqual(keyed(expected));
      if (expected.size > 0) withTraffic++;
    }
    expect(withTraffic).toBeGreaterThan(0);
    const sample = [...cells.values()].sort((x, y) => (x.fromId + x.toId).localeCompare(y.fromId + y.toId));
    for (let i = 0; i < 40 && sample.length; i++) {
      const c = sample[Math.floor(next() * sample.length)];
      const a = byIp.get(c.example.src)!;
      const b = byIp.get(c.example.dst)!;
      expect(a.subnetId, c.example.src).toBe(c.fromId.toLowerCase());
      expect(b.subnetId, c.example.dst).toBe(c.toId.toLowerCase());
      const r = reach(a, b).get(c.example.protocol);
      expect(r, `${c.example.src} -> ${c.example.dst}`).toBeDefined();
      if (c.example.dstPort !== undefined) expect(r!.has(c.example.dstPort)).toBe(true);
    }
  }, 120_000);
});
