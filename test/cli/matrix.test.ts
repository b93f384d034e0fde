// `ztpath matrix`: golden JSON and CSV on the sample estate, the text table, help and usage errors.
import { describe, expect, it } from 'vitest';
import { SAMPLE, golden, run } from './helpers.ts';

describe('ztpath matrix', () => {
  it('golden: by subnet', async () => {
    const out = JSON.parse(await golden('matrix-subnet.json', ['matrix', SAMPLE, '--json'])) as { cells: { from: string; to: string; inboundDefaultRulesOnly: boolean }[] };
    expect(out.cells.find((c) => c.from === 'vnet-web-weu/snet-web' && c.to === 'vnet-app-weu/snet-app')?.inboundDefaultRulesOnly).toBe(true);
  });

  it('golden: by ASG', async () => {
    await golden('matrix-asg.json', ['matrix', SAMPLE, '--by', 'asg', '--json']);
  });

  it('golden: CSV by VNet', async () => {
    const out = await golden('matrix-vnet.csv', ['matrix', SAMPLE, '--by', 'vnet', '--csv']);
    expect(out.split('\n')[0]).toBe('from,to,protocol,ports,defaultRulesOnly,inboundDefaultRulesOnly,nsgOnPath');
  });

  it('text: a table with the marks', async () => {
    const r = await run(['matrix', SAMPLE, '--ports', '8443']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Reachability by subnet \(ports 8443\)/);
    expect(r.stdout).toMatch(/vnet-web-weu\/snet-web +vnet-app-weu\/snet-app +Tcp 8443 +yes/);
  });

  it('usage errors exit 2', async () => {
    for (const [argv, text] of [
      [['matrix', SAMPLE, '--by', 'tag'], '--by tag: expected subnet, asg or vnet'],
      [['matrix', SAMPLE, '--json', '--csv'], '--json and --csv'],
      [['matrix', SAMPLE, '--ports', 'x'], "--ports x: 'x' is not a port"],
    ] as [string[], string][]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(text);
    }
  });

  it('--help lists every flag and an example', async () => {
    const r = await run(['matrix', '--help']);
    expect(r.code).toBe(0);
    for (const f of ['--by', '--ports', '--json', '--csv']) expect(r.stdout).toContain(f);
    expect(r.stdout).toMatch(/Examples?:\n  \$ ztpath matrix /);
  });
});

describe('ztpath matrix on large answers', () => {
  it('the text table stops at its row limit and says how many pairs it left out', async () => {
    const { computeMatrix } = await import('../../core/index.ts');
    const { renderMatrixText } = await import('../../cli/commands/matrix.ts');
    const { dataPlaneOf, readFolderDocuments } = await import('../support/load.ts');
    const r = computeMatrix(dataPlaneOf(readFolderDocuments(SAMPLE)), { by: 'subnet' });
    expect(r.cells.length).toBeGreaterThan(3);
    const full = renderMatrixText(r, false);
    expect(full).not.toContain('pairs are shown;');
    for (const c of r.cells) expect(full).toContain(c.from);
    const cut = renderMatrixText(r, false, 2);
    expect(cut).toContain(`... the first 2 of ${r.cells.length} pairs are shown; --csv or --json lists them all.`);
    const rows = cut.split('\n').filter((l) => / {2}(Tcp|Udp|Icmp|Any|Esp|Ah)\b/.test(l));
    expect(rows).toHaveLength(2);
  });
});
