// summary, tour, synth and the renderers.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderJson } from '../../cli/render/json.ts';
import { paint, renderTable, useColor } from '../../cli/render/table.ts';
import { SAMPLE, SMALL, STACK_LINE, fakeIo, repoPath, run, runJson } from './helpers.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'ztpath-cli-verbs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('summary', () => {
  it('text: counts, rules and routes, service tags origin, diagnostics', async () => {
    const r = await run(['summary', SMALL]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Read 3 files.');
    expect(r.stdout).toMatch(/^networkInterfaces +4$/m);
    expect(r.stdout).toMatch(/^securityRules \(user, in NSGs\) +4$/m);
    expect(r.stdout).toMatch(/^routes \(in route tables\) +1$/m);
    expect(r.stdout).toContain('Service tags: not loaded');
    expect(r.stdout).toMatch(/^Diagnostics: 0 errors, 0 warnings, \d+ info$/m);
  });

  it('JSON: the SnapshotSummary shape', async () => {
    const { json } = await runJson<{ files: number; counts: Record<string, number>; securityRules: number; routes: number; unsupported: unknown[]; diagnostics: { errors: number; warnings: number; infos: number; list: unknown[] } }>(['summary', SMALL]);
    expect(json.files).toBe(3);
    expect(json.counts).toMatchObject({ virtualNetworks: 1, subnets: 2, networkInterfaces: 4, networkSecurityGroups: 1, routeTables: 1, virtualMachines: 1 });
    expect(json.securityRules).toBe(4);
    expect(json.routes).toBe(1);
    expect(json.unsupported).toEqual([]);
    expect(json.diagnostics.errors).toBe(0);
  });

  it.skipIf(!existsSync(repoPath(SAMPLE)))('lists the unsupported resource types of the sample with counts', async () => {
    const r = await run(['summary', SAMPLE]);
    expect(r.code).toBe(0);
    for (const t of ['Microsoft.Network/bastionHosts', 'Microsoft.Network/privateDnsZones', 'Microsoft.Network/networkWatchers']) expect(r.stdout).toMatch(new RegExp(`^  ${t} +1$`, 'm'));
  });
});

describe('--service-tags', () => {
  const TAGS = 'test/cli/fixtures/service-tags';

  it('summary names the file (a folder picks the file inside) and its change number', async () => {
    const r = await run(['summary', SMALL, '--service-tags', TAGS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Service tags: ${TAGS}/ServiceTags_Public_test.json (5 tags, change number 42)`);
    const { json } = await runJson<{ serviceTags: { origin: string; tags: number } }>(['summary', SMALL, '--service-tags', `${TAGS}/ServiceTags_Public_test.json`]);
    expect(json.serviceTags).toEqual({ origin: `${TAGS}/ServiceTags_Public_test.json`, tags: 5, changeNumber: 42 });
  });

  it.skipIf(!existsSync(repoPath(SAMPLE)))('replaces the approximation: no tag.unknown caveat, service endpoint routes get prefixes', async () => {
    const without = await runJson<{ caveats: { code: string }[] }>(['rules', SAMPLE, '--nic', 'vm-sql01']);
    expect(without.json.caveats.map((c) => c.code)).toContain('tag.unknown');
    const withTags = await runJson<{ caveats: { code: string }[] }>(['rules', SAMPLE, '--nic', 'vm-sql01', '--service-tags', TAGS]);
    expect(withTags.json.caveats.map((c) => c.code)).not.toContain('tag.unknown');
    const routes = await runJson<{ value: { nextHopType: string; addressPrefix: string[] }[] }>(['routes', SAMPLE, '--nic', 'vm-app01', '--service-tags', TAGS]);
    const se = routes.json.value.find((r) => r.nextHopType === 'VirtualNetworkServiceEndpoint');
    expect(se?.addressPrefix).toEqual(['13.69.40.16/28', '20.60.0.0/16', '52.239.136.0/22']);
  });
});

describe.skipIf(!existsSync(repoPath(SAMPLE)))('tour', () => {
  it('prints each command before its answer and exits 0', async () => {
    const r = await run(['tour']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('$ ztpath summary examples/hub-spoke');
    expect(r.stdout).toContain('$ ztpath routes examples/hub-spoke --nic vm-web01');
    expect(r.stdout).toContain('$ ztpath verify examples/hub-spoke --nic vm-jump01 --direction Inbound --protocol TCP --local 10.0.3.4:3389');
    expect(r.stdout).toContain('Access Allow — securityRules/Allow-RDP-Internet in nsg-mgmt (destination-subnet)');
    expect(r.stdout).toContain('Next hop VirtualAppliance 10.0.1.4');
    expect(r.stdout).not.toMatch(STACK_LINE);
  });

  it('--json gives every step as {title, command, exitCode, answer}', async () => {
    const { json } = await runJson<{ title: string; command: string; exitCode: number; answer: unknown }[]>(['tour']);
    expect(json.length).toBeGreaterThanOrEqual(5);
    for (const s of json) {
      expect(s.exitCode).toBe(0);
      expect(s.command).toMatch(/^ztpath \S+ .* --json$/);
      expect(typeof s.answer).toBe('object');
    }
  });

  it('works from another working directory (the sample is found next to the package)', async () => {
    const r = await run(['tour'], { cwd: tmp });
    expect(r.code).toBe(0);
  });

  it('on other PATHS shows their summary and one NIC', async () => {
    const r = await run(['tour', SMALL]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`$ ztpath summary ${SMALL}`);
    expect(r.stdout).toContain(`$ ztpath routes ${SMALL} --nic nic-front01`);
  });
});

describe.skipIf(!existsSync(repoPath('bench', 'synth', 'cli.ts')))('synth', () => {
  it('writes an estate that summary reads', async () => {
    const out = path.join(tmp, 'synth-s');
    const r = await run(['synth', '--tier', 'S', '--seed', '1', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const written = JSON.parse(r.stdout) as { tier: string; seed: number; files: string[] };
    expect(written).toMatchObject({ tier: 'S', seed: 1 });
    expect(written.files.length).toBeGreaterThan(0);
    const s = await runJson<{ files: number; counts: Record<string, number> }>(['summary', out]);
    expect(s.json.files).toBe(written.files.length);
    expect(s.json.counts.virtualNetworks).toBeGreaterThan(0);
  });
});

describe('renderers', () => {
  it('table: aligned columns, right-aligned numbers, no trailing spaces', () => {
    const t = renderTable([{ header: 'Name' }, { header: 'N', align: 'right' }], [['a', '1'], ['long-name', '100']], { color: false });
    expect(t).toBe('Name         N\n---------  ---\na            1\nlong-name  100\n');
  });

  it('colour only on a terminal without NO_COLOR', () => {
    expect(useColor(fakeIo({ isTTY: true }))).toBe(true);
    expect(useColor(fakeIo({ isTTY: true, env: { NO_COLOR: '1' } }))).toBe(false);
    expect(useColor(fakeIo({ isTTY: false }))).toBe(false);
    expect(paint('Deny', 'bad', true)).toBe('\x1b[31mDeny\x1b[39m');
    const t = renderTable([{ header: 'Access' }, { header: 'X' }], [[{ text: 'Deny', tone: 'bad' }, 'x']], { color: true });
    expect(t).toContain('\x1b[31mDeny\x1b[39m    x');
  });

  it('coloured text output on a TTY, plain with NO_COLOR', async () => {
    const argv = ['verify', SMALL, '--nic', 'nic-front01', '--direction', 'Inbound', '--protocol', 'TCP', '--local', '10.10.1.4:3389', '--remote', '203.0.113.5:5000'];
    expect((await run(argv, { isTTY: true })).stdout).toContain('\x1b[31mDeny\x1b[39m');
    expect((await run(argv, { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\x1b[');
  });

  it('json: 2-space indent and a trailing newline', () => {
    expect(renderJson({ a: [1], b: null })).toBe('{\n  "a": [\n    1\n  ],\n  "b": null\n}\n');
  });
});
