// What-if and diff on large changes. A change no rule bounds to some pairs (here: a VNet
// readdressed) is compared on every pair, and beyond WhatIfOptions.maxPairs it is not compared at
// all: the answer says so (stats.flowsCompared false, caveat whatif.too-large) and still compares
// findings, routes and rules. At tier L a diff of two exports, one missing a twentieth of the
// estate, ran out of memory after four minutes. The candidates of a bounded change count once each
// (compared one by one up to 100,000, by class beyond). And ASG membership changes of several NICs (collected over every NIC, the NSGs naming
// them found once) give the answer of two full computations.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, computeFindings, computeWhatIf, MAX_EVERY_PAIR, type FlowChange, type WhatIfAnswer } from '../../../core/index.ts';
import { readFolderDocuments, snapshotOf } from '../../support/load.ts';
import { REPO_ROOT } from '../../support/paths.ts';

const docs = readFolderDocuments(join(REPO_ROOT, 'examples', 'hub-spoke'));
const before = compile(snapshotOf(docs));
const findings = { findings: (dp: Parameters<typeof computeFindings>[0]) => computeFindings(dp, { blastTop: 0 }) };

/** The sample without one of its files. */
function without(file: string) {
  const rest = docs.filter((d) => !d.file.endsWith(file));
  expect(rest.length).toBe(docs.length - 1);
  return compile(snapshotOf(rest, { allowErrors: true }));
}

/** Flows and exposure, without the traced examples (full and incremental trace different representatives). */
function comparable(a: WhatIfAnswer): string {
  const strip = (xs: FlowChange[]) => xs.map((x) => ({ ...x, example: { ...x.example, before: undefined, after: undefined } }));
  return JSON.stringify({ allowed: strip(a.newlyAllowed), blocked: strip(a.newlyBlocked), exposure: a.exposure });
}

describe('a change compared on every pair, beyond maxPairs', () => {
  // An address range added to vnet-app-weu: no rule bounds a readdressed VNet (its VnetLocal and
  // peering routes, the VirtualNetwork tags that name it).
  const readdressed = compile(snapshotOf(docs.map((d) => (d.file.endsWith('rg-app.json') ? { ...d, text: d.text.replace('"10.2.0.0/16"', '"10.2.0.0/16", "10.20.0.0/16"') } : d))));

  it('within the limit (the default): every pair is compared', () => {
    const a = computeWhatIf(before, readdressed, { traces: false });
    expect(a.stats.reasons[0]).toMatch(/^every pair: .*a virtual network was readdressed/);
    expect(a.stats.flowsCompared).toBeUndefined();
    expect(a.stats.complete).toBe(true);
    expect(a.stats.pairsConsidered).toBe(a.stats.sources * a.stats.destinations);
    expect(a.caveats.map((c) => c.code)).not.toContain('whatif.too-large');
    expect(MAX_EVERY_PAIR).toBe(25_000_000);
  });

  it('beyond it: flows and exposure are not compared, and the answer says so; findings, routes and rules are compared', () => {
    const full = computeWhatIf(before, readdressed, { traces: false, ...findings });
    const limited = computeWhatIf(before, readdressed, { traces: false, maxPairs: 10, ...findings });
    expect(limited.stats.flowsCompared).toBe(false);
    expect(limited.stats.complete).toBe(false);
    expect(limited.stats.pairsConsidered).toBe(0);
    expect(limited.stats.pairsComputed).toBe(0);
    expect([limited.newlyAllowed, limited.newlyBlocked, limited.exposure.added, limited.exposure.removed]).toEqual([[], [], [], []]);
    const caveat = limited.caveats.find((c) => c.code === 'whatif.too-large');
    const pairs = full.stats.sources * full.stats.destinations;
    expect(caveat?.message).toMatch(/the change cannot be bounded to some pairs \((.*; )?a virtual network was readdressed[;)]/);
    expect(caveat?.message).toContain(`${pairs.toLocaleString('en-US')} source/destination pairs are more than the 10 this comparison makes`);
    // Not the time budget's caveat: nothing was compared, nothing extrapolated.
    expect(limited.caveats.filter((c) => c.code === 'whatif.partial')).toEqual([]);
    expect(limited.stats.estimatedFullMs).toBeUndefined();
    // What does not need the pairs is the same as in the full answer.
    expect(limited.findings).toEqual(full.findings);
    expect(limited.routes).toEqual(full.routes);
    expect(limited.rules).toEqual(full.rules);
    expect(limited.changes).toEqual(full.changes);
    expect(limited.routes.some((r) => r.added.some((x) => x.addressPrefix.includes('10.20.0.0/16')))).toBe(true);
  });

  it('the limit counts every pair: at exactly their number the flows are compared', () => {
    const a = computeWhatIf(before, readdressed, { traces: false });
    const pairs = a.stats.sources * a.stats.destinations;
    const exact = computeWhatIf(before, readdressed, { traces: false, maxPairs: pairs });
    expect(exact.stats.flowsCompared).toBeUndefined();
    expect(comparable(exact)).toBe(comparable(a));
    expect(computeWhatIf(before, readdressed, { traces: false, maxPairs: pairs - 1 }).stats.flowsCompared).toBe(false);
  });

  it('a full comparison has the same limit', () => {
    const a = computeWhatIf(before, before, { mode: 'full', traces: false, maxPairs: 10 });
    expect(a.stats.flowsCompared).toBe(false);
    expect(a.caveats.find((c) => c.code === 'whatif.too-large')?.message).toContain('a full comparison compares every pair');
    expect(computeWhatIf(before, before, { mode: 'full', traces: false, budgetMs: Number.POSITIVE_INFINITY }).stats.flowsCompared).toBeUndefined();
  });

  it("a bounded change's candidates count against the limit, however they are compared", () => {
    const after = without('rg-legacy.json');
    const a = computeWhatIf(before, after, { traces: false });
    // Fewer than 100,000: one by one.
    expect(a.stats.reasons.some((r) => r.startsWith('every pair') || r.startsWith('candidates by class'))).toBe(false);
    expect(a.newlyBlocked.some((x) => x.from.includes('legacy') || x.to.includes('legacy'))).toBe(true);
    for (const candidatesByClass of [false, true]) {
      const limited = computeWhatIf(before, after, { traces: false, maxPairs: 10, candidatesByClass });
      expect(limited.stats.flowsCompared).toBe(false);
      const m = /the change can affect ([\d,]+) source\/destination pairs, which is more than the 10 this comparison makes/.exec(limited.caveats.find((c) => c.code === 'whatif.too-large')?.message ?? '');
      expect(m).not.toBeNull();
      const pairs = Number(m![1].replaceAll(',', ''));
      // Where they come from: the legacy VNet's endpoints, only in the snapshot before.
      const legacy = [...before.addresses.byVnet.entries()].find(([id]) => id.endsWith('/vnet-legacy-weu'))![1];
      const gone = [...legacy.values()].filter((e) => e.kind === 'nic' || e.kind === 'privateEndpoint' || e.kind === 'loadBalancerFrontend').length;
      expect(gone).toBeGreaterThan(0);
      expect(limited.caveats.find((c) => c.code === 'whatif.too-large')?.message).toContain(`this comparison makes (${gone} endpoints are only in the snapshot before, 0 only in the one after).`);
      expect(pairs).toBeGreaterThanOrEqual(a.stats.pairsConsidered);
      expect(pairs).toBeLessThan(a.stats.sources * a.stats.destinations);
      // At exactly that many they are compared: the same answer.
      const exact = computeWhatIf(before, after, { traces: false, maxPairs: pairs, candidatesByClass });
      expect(exact.stats.flowsCompared).toBeUndefined();
      expect(exact.stats.complete).toBe(true);
      expect(exact.stats.reasons[0].startsWith('candidates by class: ')).toBe(candidatesByClass);
      expect(comparable(exact)).toBe(comparable(a));
      // Each candidate once (a row's pairs are not also in a column).
      expect(exact.stats.pairsConsidered).toBeLessThanOrEqual(pairs);
      expect(computeWhatIf(before, after, { traces: false, maxPairs: pairs - 1, candidatesByClass }).stats.flowsCompared).toBe(false);
    }
  });
});

describe('a comparison by class that finds more changed pairs than maxChangedPairs', () => {
  it('stops, lists no flows and says so (as beyond maxPairs); one by one, the limit does not apply', () => {
    const after = without('rg-legacy.json');
    const all = computeWhatIf(before, after, { traces: false, candidatesByClass: true });
    expect(all.newlyBlocked.length).toBeGreaterThan(0);
    const stopped = computeWhatIf(before, after, { traces: false, candidatesByClass: true, maxChangedPairs: 1, ...findings });
    expect(stopped.stats.flowsCompared).toBe(false);
    expect(stopped.stats.complete).toBe(false);
    expect(stopped.newlyAllowed).toEqual([]);
    expect(stopped.newlyBlocked).toEqual([]);
    expect(stopped.exposure).toEqual({ added: [], removed: [] });
    expect(stopped.caveats.find((c) => c.code === 'whatif.too-large')?.message).toMatch(/^Flows and internet exposure were not compared: more than 1 source\/destination pairs change \(found among the [\d,]+ of [\d,]+ pairs compared when the comparison stopped\)/);
    // Not a time budget: no extrapolation, no 'stopped after' caveat.
    expect(stopped.stats.estimatedFullMs).toBeUndefined();
    expect(stopped.caveats.filter((c) => c.message.includes('stopped after'))).toEqual([]);
    // Routes, rules and findings are still compared.
    expect(stopped.routes).toEqual(all.routes);
    expect(stopped.findings).toEqual(computeWhatIf(before, after, { traces: false, ...findings }).findings);
    // A limit above the pairs that change: the whole answer.
    expect(comparable(computeWhatIf(before, after, { traces: false, candidatesByClass: true, maxChangedPairs: all.stats.sources * all.stats.destinations }))).toBe(comparable(all));
    // One by one (at most 100,000 candidates, so at most twice that many changed pairs kept), the limit is not applied.
    expect(comparable(computeWhatIf(before, after, { traces: false, maxChangedPairs: 1 }))).toBe(comparable(all));
  });
});

describe('progress of a comparison by class', () => {
  it('counts the pairs compared up to all of them, at most once per percent; one by one, nothing', () => {
    const after = without('rg-legacy.json');
    for (const opts of [{ candidatesByClass: true }, { mode: 'full' as const, budgetMs: Number.POSITIVE_INFINITY }]) {
      const seen: [number, number][] = [];
      const a = computeWhatIf(before, after, { traces: false, ...opts, onProgress: (done, total) => seen.push([done, total]) });
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.length).toBeLessThanOrEqual(101);
      expect(seen.at(-1)).toEqual([a.stats.pairsConsidered, a.stats.pairsConsidered]);
      expect(seen.map((x) => x[0])).toEqual([...seen.map((x) => x[0])].sort((x, y) => x - y));
    }
    const quiet: number[] = [];
    computeWhatIf(before, after, { traces: false, onProgress: () => quiet.push(1) });
    expect(quiet).toEqual([]);
  });
});

describe('ASG membership changes of several NICs', () => {
  /** The sample with the named NICs taken out of every ASG. */
  function outOfAsgs(nicNames: string[]) {
    const changed = docs.map((d) => {
      const json = JSON.parse(d.text) as unknown;
      let hits = 0;
      const visit = (v: unknown): void => {
        if (Array.isArray(v)) return v.forEach(visit);
        if (typeof v !== 'object' || v === null) return;
        const o = v as Record<string, unknown>;
        if (typeof o.type === 'string' && /networkInterfaces$/i.test(o.type) && nicNames.includes(String(o.name))) {
          for (const ipc of ((o.properties as Record<string, unknown>).ipConfigurations as Record<string, Record<string, unknown>>[]) ?? []) {
            if (ipc.properties.applicationSecurityGroups) {
              delete ipc.properties.applicationSecurityGroups;
              hits++;
            }
          }
        }
        Object.values(o).forEach(visit);
      };
      visit(json);
      return hits ? { ...d, text: JSON.stringify(json) } : d;
    });
    return compile(snapshotOf(changed));
  }

  const members = [...before.snapshot.networkInterfaces.values()].filter((n) => n.ipConfigurations.some((c) => c.asgIds.length)).map((n) => n.name);

  it('the sample has NICs in ASGs that NSG rules name', () => {
    expect(members.length).toBeGreaterThan(3);
  });

  for (const [label, pick] of [
    ['one NIC (a SQL server out of asg-db)', () => ['nic-vm-sql01']],
    ['two NICs of different ASGs (asg-app, asg-db)', () => ['nic-vm-app01', 'nic-vm-sql02']],
    ['every member', (m: string[]) => m],
  ] as const) {
    it(`${label}: the incremental answer equals two full computations, and flows change`, () => {
      const after = outOfAsgs(pick(members));
      const inc = computeWhatIf(before, after, { traces: false });
      const full = computeWhatIf(compile(before.snapshot), after, { mode: 'full', traces: false, budgetMs: Number.POSITIVE_INFINITY });
      expect(inc.stats.reasons.join(' ')).not.toMatch(/^every pair: /);
      expect(comparable(inc)).toBe(comparable(full));
      expect(inc.newlyAllowed.length + inc.newlyBlocked.length).toBeGreaterThan(0);
      // The NSGs whose ASG rules now match other addresses show changed effective rules.
      expect(inc.rules.length).toBeGreaterThan(0);
    });
  }
});
