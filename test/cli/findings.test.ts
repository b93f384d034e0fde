// `ztpath findings`: golden outputs on the sample estate (reviewed by eye against
// examples/README.md: each planted mistake reported, the oddities low/info with their reason),
// exit codes with --fail-on, and usage errors.
// Regenerate the golden files with: UPDATE_GOLDEN=1 npx vitest run test/cli/findings.test.ts

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE, repoPath, run } from './helpers.ts';

const GOLDEN = repoPath('test', 'cli', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`golden file ${name} is missing: run UPDATE_GOLDEN=1 npx vitest run test/cli/findings.test.ts`);
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe.skipIf(!existsSync(repoPath(SAMPLE)))('ztpath findings on examples/hub-spoke', () => {
  it('table (golden)', async () => {
    const r = await run(['findings', SAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    golden('findings-hub-spoke.txt', r.stdout);
  });

  it('json (golden), the same with --json', async () => {
    const r = await run(['findings', SAMPLE, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    golden('findings-hub-spoke.json.golden', r.stdout);
    const j = await run(['findings', SAMPLE, '--json']);
    expect(j.stdout).toBe(r.stdout);
    const parsed = JSON.parse(r.stdout) as { findings: { id: string; severity: string }[]; counts: Record<string, number> };
    expect(parsed.counts).toEqual({ high: 5, medium: 4, low: 7, info: 4 });
  });

  it('sarif (golden)', async () => {
    const r = await run(['findings', SAMPLE, '--format', 'sarif']);
    expect(r.code).toBe(0);
    golden('findings-hub-spoke.sarif.golden', r.stdout);
  });

  it('--fail-on: exit 1 at or above the threshold, 0 below', async () => {
    const high = await run(['findings', SAMPLE, '--fail-on', 'high']);
    expect(high.code).toBe(1);
    expect(high.stderr).toContain('5 finding(s) at or above high');
    const onlyInfo = await run(['findings', SAMPLE, '--only', 'ZT-REDUNDANT-RULE', '--fail-on', 'low', '--json']);
    expect(onlyInfo.code).toBe(0);
    expect(JSON.parse(onlyInfo.stdout).findings).toHaveLength(1);
    const sarif = await run(['findings', SAMPLE, '--format', 'sarif', '--fail-on', 'medium']);
    expect(sarif.code).toBe(1);
    expect(sarif.stderr).toBe('');
  });

  it('usage errors exit 2', async () => {
    for (const [argv, text] of [
      [['findings', SAMPLE, '--format', 'xml'], 'expected one of table, json, sarif, junit'],
      [['findings', SAMPLE, '--fail-on', 'critical'], 'expected one of high, medium, low, info'],
      [['findings', SAMPLE, '--only', 'ZT-NOPE'], 'not a catalog id'],
      [['findings', SAMPLE, '--json', '--format', 'sarif'], 'contradict'],
      [['findings', SAMPLE, '--blast', 'many'], 'expected a number of footholds'],
      [['findings'], 'missing PATHS'],
    ] as [string[], string][]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(text);
    }
  });

  it('--min-severity lists only findings at or above it, in every format; the counts still cover all', async () => {
    const full = JSON.parse((await run(['findings', SAMPLE, '--json'])).stdout) as { findings: { id: string; severity: string; fingerprint: string }[]; counts: Record<string, number> };
    const atLeastMedium = full.findings.filter((f) => f.severity === 'high' || f.severity === 'medium');
    const j = await run(['findings', SAMPLE, '--json', '--min-severity', 'medium']);
    expect(j.code).toBe(0);
    const parsed = JSON.parse(j.stdout) as { findings: { fingerprint: string }[]; counts: Record<string, number>; omitted: unknown };
    expect(parsed.findings.map((f) => f.fingerprint)).toEqual(atLeastMedium.map((f) => f.fingerprint));
    expect(parsed.counts).toEqual(full.counts);
    expect(parsed.omitted).toEqual({ belowSeverity: 'medium', count: full.findings.length - atLeastMedium.length });
    // The same findings, in the same order, in the other formats.
    const sarif = JSON.parse((await run(['findings', SAMPLE, '--format', 'sarif', '--min-severity', 'medium'])).stdout) as { runs: { results: { ruleId: string; level: string }[]; properties: { omitted: unknown } }[] };
    expect(sarif.runs[0].results.map((r) => r.ruleId)).toEqual(atLeastMedium.map((f) => f.id));
    expect(sarif.runs[0].properties.omitted).toEqual(parsed.omitted);
    const junit = (await run(['findings', SAMPLE, '--format', 'junit', '--min-severity', 'medium'])).stdout;
    expect(junit.match(/<testcase /g)).toHaveLength(atLeastMedium.length);
    const text = (await run(['findings', SAMPLE, '--min-severity', 'high'])).stdout;
    expect(text).toContain(`${full.findings.length} findings: 5 high, 4 medium, 7 low, 4 info\n${full.findings.length - 5} below high not listed (--min-severity high)\n`);
    expect(text.match(/^\d+\. \[high\]/gm)).toHaveLength(5);
    // The gate judges the listed findings, so it may not sit below them.
    const gate = await run(['findings', SAMPLE, '--min-severity', 'medium', '--fail-on', 'high']);
    expect(gate.code).toBe(1);
    const below = await run(['findings', SAMPLE, '--min-severity', 'low', '--fail-on', 'info']);
    expect(below.code).toBe(2);
    expect(below.stderr).toContain('--fail-on info is below --min-severity low');
    expect((await run(['findings', SAMPLE, '--min-severity', 'severe'])).stderr).toContain('--min-severity severe: expected one of high, medium, low, info');
  });

  it('--baseline: findings of an earlier run (same fingerprint) are unchanged, the rest new; --fail-on counts new ones only', async () => {
    const full = JSON.parse((await run(['findings', SAMPLE, '--json'])).stdout) as { findings: { id: string; severity: string; fingerprint: string; name: string }[] };
    const dir = mkdtempSync(path.join(tmpdir(), 'ztpath-baseline-'));
    try {
      // The same estate as its own baseline: nothing new, nothing fixed, no gate tripped.
      writeFileSync(path.join(dir, 'same.json'), JSON.stringify(full));
      const same = await run(['findings', SAMPLE, '--baseline', path.join(dir, 'same.json'), '--fail-on', 'high']);
      expect(same.code).toBe(0);
      expect(same.stdout).toContain(`: 0 new, ${full.findings.length} unchanged, 0 fixed\n`);
      // A baseline without the first two high findings and with one finding the estate no longer has.
      const dropped = full.findings.filter((f) => f.severity === 'high').slice(0, 2);
      const gone = { id: 'ZT-SUBNET-NO-NSG', severity: 'high', name: 'vnet-old/snet-gone', fingerprint: 'ZT-SUBNET-NO-NSG|/subscriptions/x/resourcegroups/rg/providers/microsoft.network/virtualnetworks/vnet-old/subnets/snet-gone' };
      const older = { ...full, findings: [...full.findings.filter((f) => !dropped.includes(f)), gone] };
      const file = path.join(dir, 'older.json');
      writeFileSync(file, JSON.stringify(older));
      const j = await run(['findings', SAMPLE, '--json', '--baseline', file]);
      const parsed = JSON.parse(j.stdout) as { findings: { fingerprint: string; baselineState: string }[]; baseline: { new: number; unchanged: number; fixed: { fingerprint: string }[] } };
      expect(parsed.findings.filter((f) => f.baselineState === 'new').map((f) => f.fingerprint)).toEqual(dropped.map((f) => f.fingerprint));
      expect(parsed.baseline).toMatchObject({ new: 2, unchanged: full.findings.length - 2, fixed: [{ fingerprint: gone.fingerprint, id: gone.id }] });
      const gate = await run(['findings', SAMPLE, '--baseline', file, '--fail-on', 'high']);
      expect(gate.code).toBe(1);
      expect(gate.stderr).toBe('ztpath: 2 new finding(s) at or above high\n');
      expect(gate.stdout.match(/\(new\)/g)).toHaveLength(2);
      const sarif = JSON.parse((await run(['findings', SAMPLE, '--format', 'sarif', '--baseline', file])).stdout) as { runs: { results: { baselineState: string }[]; properties: { baseline: { new: number } } }[] };
      expect(sarif.runs[0].results.filter((r) => r.baselineState === 'new')).toHaveLength(2);
      expect(sarif.runs[0].results.filter((r) => r.baselineState === 'unchanged')).toHaveLength(full.findings.length - 2);
      expect(sarif.runs[0].properties.baseline.new).toBe(2);
      const junit = (await run(['findings', SAMPLE, '--format', 'junit', '--baseline', file, '--fail-on', 'low'])).stdout;
      expect(junit.match(/<failure /g)).toHaveLength(2);
      // Only what this run judged can be fixed: not the ids --only leaves out, nor a skipped ranking.
      const fixedOf = async (...extra: string[]) => (JSON.parse((await run(['findings', SAMPLE, '--json', '--baseline', file, ...extra])).stdout) as { baseline: { fixed: { id: string }[] } }).baseline.fixed.map((f) => f.id);
      expect(await fixedOf('--only', 'ZT-SUBNET-NO-NSG')).toEqual(['ZT-SUBNET-NO-NSG']);
      expect(await fixedOf('--only', 'ZT-REDUNDANT-RULE')).toEqual([]);
      expect(full.findings.some((f) => f.id === 'ZT-LARGEST-BLAST-RADIUS')).toBe(true);
      expect(await fixedOf('--blast', '0')).toEqual(['ZT-SUBNET-NO-NSG']);
      // A file that is not an earlier findings run: exit 2, naming it.
      writeFileSync(path.join(dir, 'other.json'), '{"value": []}');
      writeFileSync(path.join(dir, 'broken.json'), '{"findings": [');
      for (const [name, text] of [['other.json', 'has no "findings" list'], ['broken.json', 'is not valid JSON'], ['missing.json', 'no such file']]) {
        const r = await run(['findings', SAMPLE, '--baseline', path.join(dir, name)]);
        expect(r.code, name).toBe(2);
        expect(r.stderr).toContain(text);
        expect(r.stdout).toBe('');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--blast 0 skips the blast-radius ranking, with a note', async () => {
    const r = await run(['findings', SAMPLE, '--blast', '0', '--json']);
    const j = JSON.parse(r.stdout) as { findings: { id: string }[]; notes: string[] };
    expect(j.findings.some((f) => f.id === 'ZT-LARGEST-BLAST-RADIUS')).toBe(false);
    expect(j.notes).toContain('ZT-LARGEST-BLAST-RADIUS: skipped on request.');
  });

  it('--help lists the catalog', async () => {
    const r = await run(['findings', '--help']);
    expect(r.code).toBe(0);
    for (const id of ['ZT-EXPOSED-MGMT-PORT', 'ZT-IMPLIED-TRUST', 'ZT-SHADOWED-RULE', '--fail-on', '--format']) expect(r.stdout).toContain(id);
  });
});

describe('a SARIF run larger than GitHub code scanning accepts', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ztpath-many-findings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // 251 subnets, each behind its own NSG whose 100 port rules repeat an allow-all above them:
  // 25,100 redundant rules, one finding each.
  function writeEstate(): void {
    const rg = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network';
    const vnetId = `${rg}/virtualNetworks/vnet1`;
    const nsgs = Array.from({ length: 251 }, (_, n) => {
      const id = `${rg}/networkSecurityGroups/nsg-${n}`;
      const rule = (name: string, priority: number, protocol: string, source: string, port: string) => ({
        id: `${id}/securityRules/${name}`,
        name,
        properties: { priority, direction: 'Inbound', access: 'Allow', protocol, sourceAddressPrefix: source, sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: port },
      });
      const rules = [rule('allow-all', 100, '*', '*', '*'), ...Array.from({ length: 100 }, (_, k) => rule(`port-${k}`, 200 + k, 'Tcp', '10.0.0.0/8', String(1000 + k)))];
      return { id, name: `nsg-${n}`, type: 'Microsoft.Network/networkSecurityGroups', location: 'westeurope', properties: { securityRules: rules } };
    });
    const subnets = nsgs.map((nsg, n) => ({ id: `${vnetId}/subnets/s${n}`, name: `s${n}`, properties: { addressPrefix: `10.${n >> 8}.${n & 255}.0/24`, networkSecurityGroup: { id: nsg.id } } }));
    const vnet = { id: vnetId, name: 'vnet1', type: 'Microsoft.Network/virtualNetworks', location: 'westeurope', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/8'] }, subnets } };
    writeFileSync(path.join(dir, 'estate.json'), JSON.stringify({ value: [vnet, ...nsgs] }));
  }

  it('warns on stderr that GitHub would reject it (not under --quiet); the SARIF is still written', async () => {
    writeEstate();
    const r = await run(['findings', dir, '--format', 'sarif', '--only', 'ZT-REDUNDANT-RULE']);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/"ruleId": "ZT-REDUNDANT-RULE"/g)).toHaveLength(25_100);
    expect(r.stderr).toBe('ztpath: warning: the SARIF holds 25,100 results; GitHub code scanning rejects a run of more than 25,000 (and shows the top 5,000): list fewer with --min-severity or --only\n');
    expect((await run(['findings', dir, '--format', 'sarif', '--only', 'ZT-REDUNDANT-RULE', '--quiet'])).stderr).toBe('');
  }, 60_000);
});

describe.skipIf(!existsSync(repoPath(SAMPLE)))('ztpath findings text on large answers', () => {
  it('lists the first findings up to the row limit, the most severe first, and says how many it left out', async () => {
    const { compile, computeFindings } = await import('../../core/index.ts');
    const { renderFindingsText } = await import('../../cli/commands/findings.ts');
    const { readFolderDocuments, snapshotOf } = await import('../support/load.ts');
    const a = computeFindings(compile(snapshotOf(readFolderDocuments(repoPath(SAMPLE)))));
    expect(a.findings.length).toBeGreaterThan(5);
    const full = renderFindingsText(a, false);
    expect(full).not.toContain('findings are listed');
    const cut = renderFindingsText(a, false, undefined, undefined, 5);
    expect(cut).toContain(`... the first 5 of ${a.findings.length} findings are listed, the most severe first; --json or --format sarif lists them all, --min-severity fewer.`);
    expect(cut.match(/^\d+\. \[/gm)).toHaveLength(5);
    expect(cut.startsWith(full.split('\n')[0] + '\n')).toBe(true);
    expect(a.findings.slice(0, 5).every((f) => f.severity === 'high')).toBe(true);
  });

  it('over 50 findings, a table of counts per check and severity comes first (with --baseline, the new ones)', async () => {
    const { compile, computeFindings, CATALOG } = await import('../../core/index.ts');
    const { renderFindingsText, BY_CHECK_OVER } = await import('../../cli/commands/findings.ts');
    const { readFolderDocuments, snapshotOf } = await import('../support/load.ts');
    const a = computeFindings(compile(snapshotOf(readFolderDocuments(repoPath(SAMPLE)))));
    // The sample's 20 findings, three times over: more than a screen.
    const many = { ...a, findings: [...a.findings, ...a.findings, ...a.findings] };
    expect(a.findings.length).toBeLessThanOrEqual(BY_CHECK_OVER);
    expect(many.findings.length).toBeGreaterThan(BY_CHECK_OVER);
    expect(renderFindingsText(a, false)).not.toContain('CHECK');
    const tableOf = (text: string) => {
      const lines = text.split('\n');
      const start = lines.findIndex((l) => l.startsWith('CHECK '));
      const end = lines.indexOf('', start);
      return { header: lines[start].trim().split(/ {2,}/), rows: lines.slice(start + 2, end).map((l) => l.split(/ {2,}/)) };
    };
    const text = renderFindingsText(many, false);
    const { header, rows } = tableOf(text);
    expect(header).toEqual(['CHECK', 'HIGH', 'MEDIUM', 'LOW', 'INFO', 'TITLE']);
    // Every check of the list, once, with its counts by severity (the columns are right-aligned
    // under their headers) and its catalog title.
    const severities = ['high', 'medium', 'low', 'info'] as const;
    const headerLine = text.split('\n').find((l) => l.startsWith('CHECK '))!;
    const columnEnd = (h: string) => headerLine.indexOf(h) + h.length;
    const lines = text.split('\n').filter((l) => rows.some((r) => l.startsWith(r[0] + ' ')));
    const ids = [...new Set(many.findings.map((f) => f.id))];
    expect(rows.map((r) => r[0]).sort()).toEqual([...ids].sort());
    for (const line of lines) {
      const id = line.split(' ')[0];
      for (const sev of severities) {
        const end = columnEnd(sev.toUpperCase());
        const want = many.findings.filter((f) => f.id === id && f.severity === sev).length;
        if (want) expect(line.slice(end - String(want).length, end), `${id} ${sev}`).toBe(String(want));
        else expect(line.slice(end - 1, end), `${id} ${sev}`).toBe(' ');
      }
      expect(line.endsWith(CATALOG.find((c) => c.id === id)!.title), id).toBe(true);
    }
    // The most severe checks first; among equals, the most frequent.
    const worst = (id: string) => Math.min(...many.findings.filter((f) => f.id === id).map((f) => severities.indexOf(f.severity)));
    const total = (id: string) => many.findings.filter((f) => f.id === id).length;
    const order = rows.map((r) => r[0]);
    for (let i = 1; i < order.length; i++) {
      const [x, y] = [order[i - 1], order[i]];
      expect(worst(x) < worst(y) || (worst(x) === worst(y) && total(x) >= total(y)), `${x} before ${y}`).toBe(true);
    }
    // Against a baseline: a NEW column with the new findings of each check.
    const fresh = new Set(a.findings.filter((f) => f.id === 'ZT-REDUNDANT-RULE' || f.id === 'ZT-SUBNET-NO-NSG'));
    expect(fresh.size).toBeGreaterThan(1);
    const withBaseline = renderFindingsText(many, false, undefined, {
      state: (f) => (fresh.has(f) ? 'new' : 'unchanged'),
      summary: { file: 'before.json', new: 3 * fresh.size, unchanged: many.findings.length - 3 * fresh.size, fixed: [] },
    });
    const b = tableOf(withBaseline);
    expect(b.header).toEqual(['CHECK', 'HIGH', 'MEDIUM', 'LOW', 'INFO', 'NEW', 'TITLE']);
    const newLine = withBaseline.split('\n').find((l) => l.startsWith('CHECK '))!;
    const newEnd = newLine.indexOf('NEW') + 3;
    for (const line of withBaseline.split('\n').filter((l) => b.rows.some((r) => l.startsWith(r[0] + ' ')))) {
      const id = line.split(' ')[0];
      const want = many.findings.filter((f) => f.id === id && fresh.has(f)).length;
      expect(line.slice(newEnd - 3, newEnd).trim(), id).toBe(want ? String(want) : '');
    }
  });
});
