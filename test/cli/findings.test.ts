// `ztpath findings`: golden outputs on the sample estate (reviewed by eye against
// examples/README.md: each planted mistake reported, the oddities low/info with their reason),
// exit codes with --fail-on, and usage errors.
// Regenerate the golden files with: UPDATE_GOLDEN=1 npx vitest run test/cli/findings.test.ts

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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
