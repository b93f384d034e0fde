// Property: fastDoorArrivals for many destinations at once (one permit computation per region, with
// every destination address in one set) gives each destination exactly what asking for it alone
// gives, whatever regions the destinations are asked within (shared or not).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compile } from '../../../core/index.ts';
import { fastDoorArrivals } from '../../../core/analysis/diff/pair-reach.ts';
import { endpointItemKey, type DestItem, type SourceItem } from '../../../core/analysis/diff/universe.ts';
import { IntervalSet } from '../../../core/sets/interval-set.ts';
import { ALL_ADDRESSES, PacketSpace } from '../../../core/sets/packet-space.ts';
import { ALL_PORTS } from '../../../core/sets/ports.ts';
import { readFolderDocuments, snapshotOf } from '../../support/load.ts';
import { REPO_ROOT } from '../../support/paths.ts';
import { join } from 'node:path';

const dp = compile(snapshotOf(readFolderDocuments(join(REPO_ROOT, 'examples', 'hub-spoke'))));
const endpoints = [...dp.addresses.byVnet.values()].flatMap((m) => [...m.values()]).filter((e) => e.kind === 'nic').sort((a, b) => a.ip - b.ip);
const item = (e: (typeof endpoints)[number]) => ({ kind: 'endpoint' as const, key: endpointItemKey(e), endpoint: e });
// Sources grouped as computeWhatIf groups them: same subnet and NSGs.
const groups = new Map<string, SourceItem[]>();
for (const e of endpoints) {
  const k = `${e.subnetId}|${dp.snapshot.networkInterfaces.get(e.kind === 'nic' ? e.nicId : '')?.nsgId ?? ''}`;
  groups.set(k, [...(groups.get(k) ?? []), item(e)]);
}
const groupList = [...groups.values()];

const PORTS = [22, 80, 443, 1433, 3389];
const region = fc.record({ protocol: fc.constantFrom(6, 17, 1), port: fc.constantFrom(...PORTS), wide: fc.boolean() }).map(({ protocol, port, wide }) =>
  PacketSpace.of({ protocols: IntervalSet.point(protocol), src: ALL_ADDRESSES, srcPorts: ALL_PORTS, dst: ALL_ADDRESSES, dstPorts: wide ? ALL_PORTS : IntervalSet.point(port) }),
);

function same(a: PacketSpace | undefined, b: PacketSpace | undefined): boolean {
  if (!a || !b) return a === b;
  return a.subtract(b).isEmpty() && b.subtract(a).isEmpty();
}

describe('fastDoorArrivals', () => {
  it('answers many destinations at once as it answers each alone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: groupList.length - 1 }),
        fc.array(region, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: endpoints.length - 1 }), fc.nat()), { minLength: 1, maxLength: 12 }),
        (g, regions, picks) => {
          const members = groupList[g] as Extract<SourceItem, { kind: 'endpoint' }>[];
          const seen = new Set<number>();
          const dests: { d: DestItem; region?: PacketSpace }[] = [];
          for (const [i, r] of picks) {
            if (seen.has(i)) continue;
            seen.add(i);
            // Destinations share region objects (the common case) or have none.
            dests.push({ d: item(endpoints[i]), region: r % (regions.length + 1) === regions.length ? undefined : regions[r % (regions.length + 1)] });
          }
          const together = fastDoorArrivals(dp, members, dests).arrived;
          for (const x of dests) {
            const alone = fastDoorArrivals(dp, members, [x]).arrived.get(x.d.key);
            expect(same(together.get(x.d.key), alone)).toBe(true);
          }
        },
      ),
      { numRuns: Number(process.env.WHATIF_RUNS ?? 60) },
    );
  });

  it('keeps the packets within the destinations\' region', () => {
    const members = groupList.find((l) => l.length > 1) as Extract<SourceItem, { kind: 'endpoint' }>[];
    const ssh = PacketSpace.of({ protocols: IntervalSet.point(6), src: ALL_ADDRESSES, srcPorts: ALL_PORTS, dst: ALL_ADDRESSES, dstPorts: IntervalSet.point(22) });
    const dests = endpoints.map((e) => ({ d: item(e), region: ssh }));
    const got = fastDoorArrivals(dp, members, dests).arrived;
    expect([...got.values()].some((sp) => !sp.isEmpty())).toBe(true);
    for (const sp of got.values()) expect(sp.subtract(ssh).isEmpty()).toBe(true);
  });
});
