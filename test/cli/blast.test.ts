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
      [['blast', PIVOT, '--from', 'nic-a', '--by', 'asg'], '--by asg: expected vnet or subnet'],
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
    for (const f of ['--from', '--ports', '--depth', '--critical', '--by', '--json']) expect(r.stdout).toContain(f);
    expect(r.stdout).toMatch(/Examples?:\n  \$ ztpath blast /);
  });
});

describe('ztpath blast --by', () => {
  it('the text shows one row per subnet instead of the endpoints, with the exits and critical assets', async () => {
    const r = await run(['blast', PIVOT, '--from', 'nic-a', '--by', 'subnet', '--critical', 'tag:tier=crown-jewel']);
    expect(r.code).toBe(0);
    const table = r.stdout.split('\n').filter((l) => /^ +\d+  vnet-/.test(l)).map((l) => l.trim().split(/ {2,}/));
    expect(table).toEqual([
      ['1', 'vnet-main/snet-b', '2 hosts', 'Tcp 22'],
      ['2', 'vnet-main/snet-c', '1 host', 'Tcp 3389'],
      ['3', 'vnet-data/snet-d', '1 host', '1', 'Tcp 1433'],
    ]);
    expect(r.stdout).toMatch(/Nearest +Subnet +Reached +Critical +Open on the last hop/);
    expect(r.stdout).not.toMatch(/Depth +Reached +Kind/);
    expect(r.stdout).not.toContain('nic-a -> nic-b (Tcp 22) -> nic-c');
    expect(r.stdout).toContain('Exits:');
    expect(r.stdout).toContain('Critical assets reached: 1 (nic-d)');
  });

  it('--json adds the groups after the critical assets and keeps the whole answer', async () => {
    const plain = JSON.parse((await run(['blast', PIVOT, '--from', 'nic-a', '--json'])).stdout) as Record<string, unknown>;
    const by = JSON.parse((await run(['blast', PIVOT, '--from', 'nic-a', '--by', 'VNet', '--json'])).stdout) as Record<string, unknown> & { groups: { kind: string; name: string; reached: number; open: unknown }[] };
    expect(Object.keys(by)).toEqual(['reached', 'exits', 'critical', 'groups', 'summary', 'caveats']);
    const { groups, ...rest } = by;
    expect(rest).toEqual(plain);
    expect(groups.map((g) => [g.kind, g.name, g.reached, g.open])).toEqual([
      ['vnet', 'vnet-main', 3, [{ protocol: 'Tcp', ports: ['22', '3389'] }]],
      ['vnet', 'vnet-data', 1, [{ protocol: 'Tcp', ports: ['1433'] }]],
    ]);
  });

  it('the sample: storage accounts are a row of their own, last', async () => {
    const r = await run(['blast', SAMPLE, '--from', 'vm-legacy03', '--by', 'vnet']);
    const rows = r.stdout.split('Exits:')[0].split('\n').filter((l) => /^ +1  /.test(l)).map((l) => l.trim().split(/ {2,}/));
    expect(rows).toEqual([
      ['1', 'vnet-data-weu', '3 hosts, 1 private endpoint', 'Tcp 0-65535; Udp 0-65535; Icmp; Esp; Ah'],
      ['1', '(storage accounts)', '2 storage accounts', 'Tcp 443'],
    ]);
  });

  it('names two VNets of one name by their resource groups, and cuts a long table keeping the groups with critical assets', async () => {
    const { renderBlastText } = await import('../../cli/commands/blast.ts');
    const id = (rg: string, name: string) => `/subscriptions/0/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${name}`;
    const group = (rg: string, name: string, nearest: number, critical: number) => ({ kind: 'vnet' as const, name, id: id(rg, name), reached: 1, hosts: 1, privateEndpoints: 0, storageAccounts: 0, nearestDepth: nearest, critical, open: [{ protocol: 'Tcp', ports: ['22'] }] });
    const answer = {
      from: { resource: 'x', name: 'vm-x', ip: '10.0.0.4', subnet: 'vnet-x/snet' },
      ports: 'any' as const,
      reached: [],
      exits: [],
      critical: [],
      groups: [group('rg-a', 'vnet-hub', 1, 0), group('rg-b', 'vnet-hub', 1, 0), group('rg-c', 'vnet-app', 2, 0), group('rg-d', 'vnet-db', 3, 1)],
      summary: { endpoints: 4, hosts: 4, privateEndpoints: 0, storageAccounts: 0, exits: [], critical: 1, maxDepth: 3, byDepth: {}, unmatchedSelectors: [] },
      caveats: [],
    };
    const names = (text: string) => text.split('\n').filter((l) => /^ +\d+  /.test(l)).map((l) => l.trim().split(/ {2,}/)[1]);
    expect(names(renderBlastText(answer, false))).toEqual(['vnet-hub (rg-a)', 'vnet-hub (rg-b)', 'vnet-app', 'vnet-db']);
    const cut = renderBlastText(answer, false, undefined, 2);
    expect(names(cut)).toEqual(['vnet-hub (rg-a)', 'vnet-hub (rg-b)', 'vnet-db']);
    expect(cut).toContain('... 3 of 4 groups are shown (the first 2 and every group with a critical asset); --json lists them all.');
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
    expect(cut).toContain(`... 4 of ${r.reached.length} reached are shown (the first 3 and every critical asset); --json lists them all, --by vnet sums them up by VNet.`);
    for (const x of r.reached.slice(0, 3)) expect(rowOf(x.name, cut).length, x.name).toBeGreaterThan(0);
    expect(rowOf(last.name, cut)).toHaveLength(1);
    expect(rowOf(r.reached[3].name, cut)).toHaveLength(r.reached[3] === last ? 1 : 0);
  });
});
