// The reach toolkit behind blast radius and the matrix (core/analysis/blast-walk.ts) answers what
// computeReach answers: its memo tables, its fast path for traffic inside a VNet and its pruning
// must never change a verdict. "Default rules only" is checked against a snapshot in which every
// custom allow rule is turned into a deny (so only default rules can allow).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compile, computeReach, IntervalSet, type DataPlane, type Endpoint, type Snapshot } from '../../../core/index.ts';
import { ReachKit, endpointRef, portScope, parsePortList, type PairReach } from '../../../core/analysis/blast-walk.ts';
import { PacketSpace } from '../../../core/sets/packet-space.ts';
import { dataPlaneOf, readFolderDocuments, REPO_ROOT } from '../../support/load.ts';

const sampleDocs = () => readFolderDocuments(join(REPO_ROOT, 'examples/hub-spoke'));

function endpoints(dp: DataPlane): Endpoint[] {
  return [...dp.addresses.byVnet.values()].flatMap((m) => [...m.values()]).filter((e) => e.kind === 'nic' || e.kind === 'privateEndpoint');
}

/** Ports per protocol, normalised. */
function fromReach(dp: DataPlane, a: Endpoint, b: Endpoint, ports?: IntervalSet): Record<string, string> {
  const r = computeReach(dp, { from: endpointRef(a), to: endpointRef(b) });
  const out: Record<string, IntervalSet> = {};
  for (const p of r.allowed) {
    let set = IntervalSet.fromRanges(p.ports.map((x) => {
      const [lo, hi] = x.split('-').map(Number);
      return [lo, hi ?? lo] as [number, number];
    }));
    if (ports) {
      if (p.protocol !== 'Tcp' && p.protocol !== 'Udp') continue;
      set = set.intersect(ports);
      if (set.isEmpty()) continue;
    }
    out[p.protocol] = (out[p.protocol] ?? IntervalSet.EMPTY).union(set);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.key()]));
}

function fromKit(r: PairReach): Record<string, string> {
  return Object.fromEntries(r.allowed.map((a) => [a.protocol, IntervalSet.fromRanges(a.ports.map((x) => {
    const [lo, hi] = x.split('-').map(Number);
    return [lo, hi ?? lo] as [number, number];
  })).key()]));
}

/** The snapshot with every custom allow rule (of one direction, or both) turned into a deny. */
function onlyDefaultAllows(s: Snapshot, direction?: 'Inbound'): Snapshot {
  const nsgs = new Map([...s.networkSecurityGroups].map(([id, n]) => [id, { ...n, securityRules: n.securityRules.map((r) => (r.access === 'Allow' && (!direction || r.direction === direction) ? { ...r, access: 'Deny' as const } : r)) }]));
  return { ...s, networkSecurityGroups: nsgs };
}

describe('ReachKit.pair agrees with computeReach', () => {
  const dp = dataPlaneOf(sampleDocs(), { allowErrors: true });
  const all = endpoints(dp);
  const nics = all.filter((e) => e.kind === 'nic');

  it('for every NIC and every endpoint of the sample estate, all ports', () => {
    const kit = new ReachKit(dp, portScope());
    let reached = 0;
    for (const a of nics) {
      for (const b of all) {
        if (a === b) continue;
        const expected = fromReach(dp, a, b);
        expect(fromKit(kit.pair(a, b)), `${a.ipText} -> ${b.ipText}`).toEqual(expected);
        if (Object.keys(expected).length) reached++;
      }
    }
    expect(reached).toBeGreaterThan(50);
    expect(kit.stats.fastPaths).toBeGreaterThan(0);
    expect(kit.stats.templated).toBeGreaterThan(0);
  });

  it('with a port scope (random port lists)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(22, 53, 80, 443, 445, 1433, 3389, 5985, 8080, 8443, 50022, 123), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: nics.length - 1 }), (list, i) => {
        const ports = IntervalSet.fromRanges(list.map((p) => [p, p] as [number, number]));
        const kit = new ReachKit(dp, portScope(ports));
        const a = nics[i];
        for (const b of all) if (a !== b) expect(fromKit(kit.pair(a, b)), `${a.ipText} -> ${b.ipText} ${list}`).toEqual(fromReach(dp, a, b, ports));
      }),
      { numRuns: 25, seed: 7 },
    );
  });

  it('batchReachable never rules out a destination computeReach reaches', () => {
    const kit = new ReachKit(dp, portScope());
    for (const a of nics) {
      if (a.kind !== 'nic') continue;
      const r = kit.batchReachable(kit.batch([a]));
      for (const b of all) if (a !== b && Object.keys(fromReach(dp, a, b)).length) expect(r.has(b.ip), `${a.ipText} -> ${b.ipText}`).toBe(true);
    }
  });

  it("'default' and 'default-inbound' modes equal computeReach on a snapshot whose custom allows are denies", () => {
    const onlyDefault = compile(onlyDefaultAllows(dp.snapshot));
    const onlyDefaultInbound = compile(onlyDefaultAllows(dp.snapshot, 'Inbound'));
    const kit = new ReachKit(dp, portScope());
    for (const a of nics) {
      for (const b of all) {
        if (a === b) continue;
        const a1 = onlyDefault.addresses.byVnet.get(a.vnetId)!.get(a.ip)!;
        const b1 = onlyDefault.addresses.byVnet.get(b.vnetId)!.get(b.ip)!;
        expect(fromKit(kit.pair(a, b, 'default')), `default ${a.ipText} -> ${b.ipText}`).toEqual(fromReach(onlyDefault, a1, b1));
        const a2 = onlyDefaultInbound.addresses.byVnet.get(a.vnetId)!.get(a.ip)!;
        const b2 = onlyDefaultInbound.addresses.byVnet.get(b.vnetId)!.get(b.ip)!;
        expect(fromKit(kit.pair(a, b, 'default-inbound')), `default-inbound ${a.ipText} -> ${b.ipText}`).toEqual(fromReach(onlyDefaultInbound, a2, b2));
      }
    }
  });
});

describe('parsePortList', () => {
  it('reads lists, ranges and any', () => {
    expect((parsePortList('22,3389, 8000-8100') as IntervalSet).ranges()).toEqual([[22, 22], [3389, 3389], [8000, 8100]]);
    expect(parsePortList('any')).toBeUndefined();
    expect(parsePortList('*')).toBeUndefined();
    expect(parsePortList('22,x')).toMatch(/not a port/);
    expect(parsePortList('70000')).toMatch(/0-65535/);
    expect(parsePortList('30-20')).toMatch(/0-65535/);
  });
});

describe('ReachKit.portsOf keeps what summarize says of a space', () => {
  const dp = dataPlaneOf(sampleDocs(), { allowErrors: true });
  // Ranges inside [0, max], as sorted disjoint intervals.
  const ranges = (max: number) =>
    fc.array(fc.tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 40 })), { minLength: 0, maxLength: 4 }).map((xs) => IntervalSet.fromRanges(xs.map(([lo, w]) => [lo, Math.min(max, lo + w)] as [number, number])));
  const protocols = fc.oneof(
    fc.constantFrom(IntervalSet.range(0, 255), IntervalSet.point(6), IntervalSet.point(17), IntervalSet.point(1), IntervalSet.fromRanges([[6, 6], [17, 17]]), IntervalSet.fromRanges([[47, 51]])),
    ranges(255),
  );
  const box = fc.record({
    protocols,
    src: ranges(0xffff),
    srcPorts: fc.constant(IntervalSet.range(0, 65535)),
    dst: fc.constant(IntervalSet.point(0x0a000004)),
    dstPorts: fc.oneof(ranges(65535), fc.constant(IntervalSet.EMPTY), fc.constant(IntervalSet.range(0, 65535))),
  });

  it('the same ports per protocol, the same example protocol and port, nothing where summarize allows nothing, and the same caveat', () => {
    fc.assert(
      fc.property(fc.array(box, { maxLength: 5 }), (boxes) => {
        const space = new PacketSpace(boxes);
        const viaSummarize = new ReachKit(dp, portScope());
        const viaPortsOf = new ReachKit(dp, portScope());
        const s = viaSummarize.summarize([{ space }], '10.0.0.4', true);
        const p = viaPortsOf.portsOf(space);
        expect(viaPortsOf.caveats.list()).toEqual(viaSummarize.caveats.list());
        if (s.allowed.length === 0) {
          expect(p).toBeUndefined();
          return;
        }
        expect(p).toBeDefined();
        const keys = (m: Map<number, IntervalSet>) => [...m].sort((x, y) => x[0] - y[0]).map(([n, set]) => `${n}:${set.key()}`);
        expect(keys(p!.ports)).toEqual(keys(s.ports!));
        expect(p!.kind).toEqual('dstPort' in s.example! ? { protocol: s.example!.protocol, dstPort: s.example!.dstPort } : { protocol: s.example!.protocol });
      }),
      { numRuns: 400, seed: 20261128 },
    );
  });
});
