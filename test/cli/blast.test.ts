// `ztpath blast`: golden JSON on the sample estate (mistake 5 from vm-legacy03; web01 with ports and
// critical assets), the pivot-chain fixture, the text output, help and usage errors.
import { describe, expect, it } from 'vitest';
import { SAMPLE, golden, run } from './helpers.ts';

const PIVOT = 'test/fixtures/analysis/pivot-chain';

describe('ztpath blast', () => {
  it('golden: from vm-legacy03 (mistake 5)', async () => {
    const out = JSON.parse(await golden('blast-legacy03.json', ['blast', SAMPLE, '--from', 'vm-legacy03', '--json'])) as { reached: { name: string; depth: number }[]; summary: Record<string, unknown> };
    expect(out.reached.filter((x) => x.depth === 1).map((x) => x.name)).toEqual(expect.arrayContaining(['vm-sql01', 'stdataweu01']));
    expect(Object.keys(out)).toEqual(['reached', 'exits', 'critical', 'summary', 'caveats']);
  });

  it('golden: from vm-web01 on management and SQL ports, the data tier critical', async () => {
    await golden('blast-web01-ports.json', ['blast', SAMPLE, '--from', 'vm-web01', '--ports', '22,3389,1433,8443', '--critical', 'vnet-data-weu/snet-db', '--critical', 'asg:asg-app', '--json']);
  });

  it('the pivot chain: paths and depth in text', async () => {
    const r = await run(['blast', PIVOT, '--from', 'nic-a', '--critical', 'tag:tier=crown-jewel']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nic-a -> nic-b (Tcp 22) -> nic-c (Tcp 3389) -> nic-d (Tcp 1433)');
    expect(r.stdout).toMatch(/ +3 +nic-d +nic +10\.61\.4\.4 +tag:tier=crown-jewel/);
    expect(r.stdout).toContain('Critical assets reached: 1 (nic-d)');
  });

  it('--depth and --ports', async () => {
    const r = await run(['blast', PIVOT, '--from', 'nic-a', '--depth', '1', '--json']);
    const out = JSON.parse(r.stdout) as { reached: { name: string }[]; summary: { depthLimit: number } };
    expect(out.reached.map((x) => x.name)).toEqual(['nic-b', 'nic-b2']);
    expect(out.summary.depthLimit).toBe(1);
    const p = JSON.parse((await run(['blast', PIVOT, '--from', 'nic-a', '--ports', '22', '--json'])).stdout) as { reached: unknown[]; summary: { ports: string[] } };
    expect(p.reached).toHaveLength(2);
    expect(p.summary.ports).toEqual(['22']);
  });

  it('usage and input errors exit 2', async () => {
    for (const [argv, text] of [
      [['blast', PIVOT], '--from'],
      [['blast', PIVOT, '--from', 'nic-a', '--ports', '22,abc'], "--ports 22,abc: 'abc' is not a port"],
      [['blast', PIVOT, '--from', 'nic-a', '--depth', '0'], '--depth 0: expected a positive whole number'],
      [['blast', PIVOT, '--from', 'nic-zzz'], 'nic-zzz'],
      [['blast', SAMPLE, '--from', 'pe-stdata-blob'], 'private endpoint'],
    ] as [string[], string][]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(text);
      expect(r.stdout).toBe('');
    }
  });

  it('--help lists every flag and an example', async () => {
    const r = await run(['blast', '--help']);
    expect(r.code).toBe(0);
    for (const f of ['--from', '--ports', '--depth', '--critical', '--json']) expect(r.stdout).toContain(f);
    expect(r.stdout).toMatch(/Examples?:\n  \$ ztpath blast /);
  });
});

describe('ztpath blast on large answers', () => {
  it('the text table stops at its row limit, keeps every critical asset after it, and says how many it left out', async () => {
    const { computeBlastRadius, resolveRef } = await import('../../core/index.ts');
    const { renderBlastText } = await import('../../cli/commands/blast.ts');
    const { dataPlaneOf, readFolderDocuments } = await import('../support/load.ts');
    const dp = dataPlaneOf(readFolderDocuments(SAMPLE));
    const from = resolveRef(dp, 'vm-legacy03');
    if (!from.ok) throw new Error(from.message);
    // The last endpoint reached, marked critical, lies past the limit.
    const plain = computeBlastRadius(dp, { from: from.ref });
    const last = plain.reached[plain.reached.length - 1];
    expect(plain.reached.length).toBeGreaterThan(4);
    const r = computeBlastRadius(dp, { from: from.ref, critical: [last.resource] });
    const rowOf = (name: string, text: string) => text.split('\n').filter((l) => new RegExp(`^ +\\d+  ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `).test(l));
    const full = renderBlastText(r, false);
    expect(full).not.toContain('reached are shown');
    for (const x of r.reached) expect(rowOf(x.name, full).length, x.name).toBeGreaterThan(0);
    const cut = renderBlastText(r, false, undefined, 3);
    expect(cut).toContain(`... 4 of ${r.reached.length} reached are shown (the first 3 and every critical asset); --json lists them all.`);
    for (const x of r.reached.slice(0, 3)) expect(rowOf(x.name, cut).length, x.name).toBeGreaterThan(0);
    expect(rowOf(last.name, cut)).toHaveLength(1);
    expect(rowOf(r.reached[3].name, cut)).toHaveLength(r.reached[3] === last ? 1 : 0);
  });
});
