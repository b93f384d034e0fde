// SARIF 2.1.0 output: the essentials GitHub code scanning needs (checked structurally), and, when
// the Microsoft SARIF Multitool is installed (devDependency @microsoft/sarif-multitool), its own
// validation with the SARIF and GitHub rule sets.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Log, Region } from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import { GITHUB_MAX_RESULTS, fileRegionResolver, githubLimitWarning, parseJsonPath } from '../../cli/render/sarif.ts';
import { SAMPLE, repoPath, run } from './helpers.ts';

async function sarif(argv: string[]): Promise<{ log: Log; text: string }> {
  const r = await run(argv);
  expect(r.stderr).toBe('');
  return { log: JSON.parse(r.stdout) as Log, text: r.stdout };
}

function multitool(): string | undefined {
  try {
    const bin = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;
    if (!existsSync(bin)) return undefined;
    execFileSync(bin, ['--version'], { stdio: 'pipe' });
    return bin;
  } catch {
    return undefined;
  }
}

const sampleExists = existsSync(repoPath(SAMPLE));

describe.skipIf(!sampleExists)('SARIF 2.1.0 essentials', () => {
  it('findings: version, schema, a driver with rules (ids, help, levels), results that point into the input', async () => {
    const { log } = await sarif(['findings', SAMPLE, '--format', 'sarif']);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const run0 = log.runs[0];
    const driver = run0.tool.driver;
    expect(driver.name).toBe('ztpath');
    expect(driver.version).toMatch(/^\d+\.\d+\.\d+/);
    const rules = driver.rules ?? [];
    expect(rules.length).toBeGreaterThanOrEqual(14);
    for (const r of rules) {
      expect(r.id).toMatch(/^ZT-/);
      expect(r.shortDescription?.text).toBeTruthy();
      expect(r.fullDescription?.text).toBeTruthy();
      expect(r.help?.text).toBeTruthy();
      expect(['error', 'warning', 'note']).toContain(r.defaultConfiguration?.level);
      expect(Number(r.properties?.['security-severity'])).toBeGreaterThan(0);
    }
    const results = run0.results ?? [];
    expect(results).toHaveLength(20);
    for (const res of results) {
      expect(rules[res.ruleIndex!].id).toBe(res.ruleId);
      expect(['error', 'warning', 'note']).toContain(res.level);
      expect(res.message.text).toBeTruthy();
      const loc = res.locations![0];
      const uri = loc.physicalLocation!.artifactLocation!.uri!;
      expect(uri).toMatch(/^examples\/hub-spoke\/rg-[a-z]+\.json$/);
      expect(loc.physicalLocation!.artifactLocation!.uriBaseId).toBe('%SRCROOT%');
      const region = loc.physicalLocation!.region!;
      expect(region.startLine).toBeGreaterThan(0);
      expect(region.startColumn).toBeGreaterThan(0);
      expect(loc.logicalLocations![0].fullyQualifiedName).toMatch(/^\/subscriptions\//);
      expect(Object.values(res.partialFingerprints ?? {})[0]).toMatch(/^[0-9a-f]{32}$/);
      expect(res.properties?.jsonPath).toMatch(/^\$\.value\[\d+\]/);
    }
  });

  it('the region of a result is the resource at its JSON path', async () => {
    const { log } = await sarif(['findings', SAMPLE, '--format', 'sarif', '--only', 'ZT-PAAS-PUBLIC-ACCESS']);
    const res = log.runs[0].results![0];
    const loc = res.locations![0].physicalLocation!;
    const text = readFileSync(repoPath(loc.artifactLocation!.uri!), 'utf8').split('\n');
    const line = text[loc.region!.startLine! - 1];
    expect(line.slice(loc.region!.startColumn! - 1).trimStart().startsWith('{')).toBe(true);
    // The object that starts there is the storage account.
    const after = text.slice(loc.region!.startLine! - 1, loc.region!.startLine! + 3).join('\n');
    expect(after).toContain('stlogsweu01');
  });

  it('check: one result per violation, on the policy rules, with the intent in the policy file as a related location', async () => {
    const r = await run(['check', SAMPLE, '--policy', 'examples/policy.yaml', '--format', 'sarif']);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout) as Log;
    const run0 = log.runs[0];
    expect(run0.tool.driver.rules!.map((x) => x.id)).toEqual(['ZT-POLICY-DENY', 'ZT-POLICY-ALLOW', 'ZT-POLICY-VIA']);
    expect(run0.results!.length).toBe(10);
    for (const res of run0.results!) {
      expect(res.level).toBe('error');
      const rel = res.relatedLocations![0].physicalLocation!;
      expect(rel.artifactLocation!.uri).toBe('examples/policy.yaml');
      expect(rel.region!.startLine).toBeGreaterThan(0);
    }
  });

  it('JSON paths parse the way the importer writes them', () => {
    expect(parseJsonPath('$.value[0].properties.subnets[1]')).toEqual(['value', 0, 'properties', 'subnets', 1]);
    expect(parseJsonPath("$['a b'].c[2]")).toEqual(['a b', 'c', 2]);
    expect(parseJsonPath('value[0]')).toBeUndefined();
  });
});

const bin = multitool();

describe.skipIf(!sampleExists || !bin)('Microsoft SARIF Multitool validation', () => {
  it.each([
    ['findings', ['findings', SAMPLE, '--format', 'sarif']],
    // baselineState on every result, the baseline and omitted counts in the run's properties.
    ['findings-baseline', ['findings', SAMPLE, '--format', 'sarif', '--baseline', 'test/cli/golden/findings-hub-spoke.json.golden', '--min-severity', 'low']],
    ['check', ['check', SAMPLE, '--policy', 'examples/policy.yaml', '--format', 'sarif']],
    ['whatif', ['whatif', SAMPLE, '--change', 'examples/changes/lock-down-nsg-db.json', '--format', 'sarif']],
    // Flows not compared: an unsuccessful invocation with its reason as a notification.
    ['whatif-not-compared', ['whatif', SAMPLE, '--change', 'examples/changes/remove-legacy-peering.json', '--max-pairs', '10', '--format', 'sarif']],
    ['diff', ['diff', '--before', SAMPLE, '--after', SAMPLE, 'examples/changes/nsg-db-after.json', '--format', 'sarif']],
    // A change Azure would refuse: its error as a notification of the (successful) invocation.
    ['whatif-refused', ['whatif', SAMPLE, '--change', 'test/fixtures/changes/asg-pair-across-vnets.json', '--no-findings', '--format', 'sarif']],
  ])('%s output has no error or warning under the SARIF and GitHub rules', async (name, argv) => {
    const r = await run(argv);
    const dir = mkdtempSync(path.join(tmpdir(), 'ztpath-sarif-'));
    const input = path.join(dir, `${name}.sarif`);
    const output = path.join(dir, `${name}.validation.sarif`);
    writeFileSync(input, r.stdout);
    execFileSync(bin!, ['validate', input, '--output', output, '--log', 'ForceOverwrite', '--rule-kind', 'Sarif;Gh', '--level', 'Error;Warning'], { stdio: 'pipe' });
    const v = JSON.parse(readFileSync(output, 'utf8')) as Log;
    const problems = (v.runs[0].results ?? []).map((x) => `${x.ruleId} ${x.level} ${JSON.stringify(x.message)}`);
    expect(problems).toEqual([]);
  });
});

describe("GitHub code scanning's limit on results", () => {
  // docs.github.com, "SARIF results exceed limit": more than 25,000 results in a run are rejected.
  it('warns above 25,000 results per run, not at it', () => {
    expect(GITHUB_MAX_RESULTS).toBe(25_000);
    expect(githubLimitWarning(25_000)).toBeUndefined();
    expect(githubLimitWarning(96_720)).toBe(
      'the SARIF holds 96,720 results; GitHub code scanning rejects a run of more than 25,000 (and shows the top 5,000): list fewer with --min-severity or --only',
    );
  });
});

describe('fileRegionResolver', () => {
  // A file with nested values, an array, a literal, a JSONC comment and CRLF line ends: the region
  // of each path is checked against the text itself (1-based lines and columns, end after the value).
  const dir = mkdtempSync(path.join(tmpdir(), 'ztpath-regions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const text = [
    '{"value": [',
    '  {"id": "/a", "name": "a", "properties": {"list": [1, {"x": "y"}]}},',
    '  // a comment',
    '  {"id": "/b",\r',
    '   "properties": {"tags": {"k": "v"}}}',
    ']}',
  ].join('\n');
  writeFileSync(path.join(dir, 'doc.json'), text);
  const expected = (fragment: string, from = 0): Region => {
    const offset = text.indexOf(fragment, from);
    const at = (o: number) => {
      const before = text.slice(0, o);
      return { line: before.split('\n').length, column: o - before.lastIndexOf('\n') };
    };
    const s = at(offset);
    const e = at(offset + fragment.length);
    return { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column };
  };
  const cases: [string, Region | undefined][] = [
    ['$.value[0]', expected('{"id": "/a", "name": "a", "properties": {"list": [1, {"x": "y"}]}}')],
    ['$.value[0].properties.list', expected('[1, {"x": "y"}]')],
    ['$.value[0].properties.list[1].x', expected('"y"')],
    ['$.value[0].name', expected('"a"', text.indexOf('"name"'))],
    ['$.value[1]', expected('{"id": "/b",\r\n   "properties": {"tags": {"k": "v"}}}')],
    ['$.value[1].properties.tags', expected('{"k": "v"}')],
    ['$.value[2]', undefined],
    ['$.nothing', undefined],
  ];

  it('finds the value at each JSON path, asked one by one or prefetched together', () => {
    const one = fileRegionResolver(dir);
    for (const [jsonPath, region] of cases) expect(one({ file: 'doc.json', jsonPath }), jsonPath).toEqual(region);
    const together = fileRegionResolver(dir);
    together.prefetch?.(cases.map(([jsonPath]) => ({ file: 'doc.json', jsonPath })));
    for (const [jsonPath, region] of cases) expect(together({ file: 'doc.json', jsonPath }), jsonPath).toEqual(region);
  });

  it('reads each file once for a prefetch, and a file it cannot read gives no region', () => {
    const copy = path.join(dir, 'gone.json');
    writeFileSync(copy, text);
    const r = fileRegionResolver(dir);
    r.prefetch?.(cases.map(([jsonPath]) => ({ file: 'gone.json', jsonPath })));
    rmSync(copy);
    for (const [jsonPath, region] of cases) expect(r({ file: 'gone.json', jsonPath }), jsonPath).toEqual(region);
    expect(r({ file: 'missing.json', jsonPath: '$.value[0]' })).toBeUndefined();
  });
});
