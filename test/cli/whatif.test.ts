// `ztpath whatif` and `ztpath diff`: change files on the sample estate, CI gates (--fail-on, exit
// 1), SARIF and JUnit output, and bad change files (exit 2 naming the file, the JSON path and what
// is wrong). Text answers on the sample estate are golden files (test/cli/golden/whatif/), the
// ones docs/whatif.md shows. Regenerate with: UPDATE_GOLDEN=1 npx vitest run test/cli/whatif.test.ts

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WhatIfAnswer } from '../../core/index.ts';
import { SAMPLE, repoPath, run } from './helpers.ts';

const GOLDEN = repoPath('test', 'cli', 'golden', 'whatif');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const CHANGES = 'examples/changes';
const PAIR = (name: string, side: 'before' | 'after') => `test/fixtures/whatif/${name}/${side}`;

/** Timings vary from run to run; everything else in the text is stable. */
function normalize(text: string): string {
  return text.replace(/; [\d.]+ m?s(, of which findings [\d.]+ m?s)?\)/g, '; N ms)');
}

function golden(name: string, text: string): void {
  const file = path.join(GOLDEN, name);
  const got = normalize(text);
  if (UPDATE || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, got);
  }
  expect(got).toBe(readFileSync(file, 'utf8'));
}

async function json(argv: string[]): Promise<{ code: number; answer: WhatIfAnswer & { gate?: { failOn: string[]; tripped: string[] } }; stderr: string }> {
  const r = await run([...argv, '--json']);
  if (r.code === 2) throw new Error(r.stderr);
  return { code: r.code, answer: JSON.parse(r.stdout) as WhatIfAnswer & { gate?: { failOn: string[]; tripped: string[] } }, stderr: r.stderr };
}

describe('ztpath whatif on the sample estate', () => {
  it('lock-down-nsg-db: what removing Allow-Internal-Any closes (golden)', async () => {
    const r = await run(['whatif', SAMPLE, '--change', `${CHANGES}/lock-down-nsg-db.json`]);
    expect(r.code).toBe(0);
    golden('lock-down-nsg-db.txt', r.stdout);
  });

  it('remove-legacy-peering: flows, routes and rules that change (golden)', async () => {
    const r = await run(['whatif', SAMPLE, '--change', `${CHANGES}/remove-legacy-peering.json`]);
    expect(r.code).toBe(0);
    golden('remove-legacy-peering.txt', r.stdout);
  });

  it('close-stlogs: an upsert in the az CLI shape; exposure removed and a finding resolved (golden)', async () => {
    const r = await run(['whatif', SAMPLE, '--change', `${CHANGES}/close-stlogs.json`]);
    expect(r.code).toBe(0);
    golden('close-stlogs.txt', r.stdout);
  });

  it('--json: the answer the contract names', async () => {
    const { code, answer } = await json(['whatif', SAMPLE, '--change', `${CHANGES}/close-stlogs.json`, '--no-traces']);
    expect(code).toBe(0);
    expect(Object.keys(answer)).toEqual(['newlyAllowed', 'newlyBlocked', 'exposure', 'findings', 'routes', 'rules', 'changes', 'caveats', 'stats']);
    expect(answer.newlyAllowed).toEqual([]);
    expect(answer.newlyBlocked.map((x) => `${x.from} -> ${x.to} ${x.protocol} ${x.ports.join(',')}`)).toContain('vnet-legacy-weu/snet-legacy -> stlogsweu01 Tcp 443');
    expect(answer.exposure.removed).toEqual([expect.objectContaining({ name: 'stlogsweu01', kind: 'storageAccount', protocol: 'Tcp', ports: ['443'] })]);
    expect(answer.findings.resolved).toContainEqual(expect.objectContaining({ id: 'ZT-PAAS-PUBLIC-ACCESS', resource: expect.stringContaining('stlogsweu01') }));
    expect(answer.newlyBlocked[0].example).not.toHaveProperty('before');
  });

  it('a change Azure would refuse: its errors in the JSON as `diagnostics` (stderr stays quiet), in SARIF as notifications, in JUnit as system-err, on stderr for the text; the change is still answered', async () => {
    const file = 'test/fixtures/changes/asg-pair-across-vnets.json';
    const { code, answer, stderr } = await json(['whatif', SAMPLE, '--change', file, '--no-traces', '--no-findings']);
    expect(code).toBe(0);
    const diagnostics = (answer as unknown as { diagnostics: { severity: string; code: string; jsonPath: string; file: string }[] }).diagnostics;
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${d.file} ${d.jsonPath}`)).toEqual([`error asg.rule-vnet-mismatch ${file} $.edits[0].rule.properties.destinationApplicationSecurityGroups`]);
    expect(stderr).not.toContain('asg.rule-vnet-mismatch');
    expect(answer.changes.length).toBe(1);
    const sarif = await run(['whatif', SAMPLE, '--change', file, '--no-findings', '--format', 'sarif']);
    const invocation = (JSON.parse(sarif.stdout) as { runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; descriptor: { id: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }[] }).runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications.map((n) => `${n.level} ${n.descriptor.id} ${n.locations[0].physicalLocation.artifactLocation.uri}`)).toEqual([`error asg.rule-vnet-mismatch ${file}`]);
    const junit = await run(['whatif', SAMPLE, '--change', file, '--no-findings', '--format', 'junit']);
    expect(junit.stdout).toMatch(/<\/testcase>\n {4}<system-err>test\/fixtures\/changes\/asg-pair-across-vnets.json: error asg.rule-vnet-mismatch: [^<]+<\/system-err>\n {2}<\/testsuite>/);
    expect(junit.stdout).toContain('failures="0" errors="0"');
    const text = await run(['whatif', SAMPLE, '--change', file, '--no-traces', '--no-findings']);
    expect(text.code).toBe(0);
    expect(text.stderr).toContain('error asg.rule-vnet-mismatch');
  });

  it('--fail-on trips (exit 1) only on what the change does', async () => {
    const change = ['whatif', SAMPLE, '--change', `${CHANGES}/lock-down-nsg-db.json`, '--no-findings'];
    expect((await run([...change, '--fail-on', 'newly-allowed,new-exposure'])).code).toBe(0);
    const r = await run([...change, '--fail-on', 'newly-blocked']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Gate tripped: newly-blocked: 2 flows newly blocked');
    const j = await json([...change, '--fail-on', 'newly-blocked', '--fail-on', 'new-findings:high']);
    expect(j.code).toBe(1);
    expect(j.answer.gate).toEqual({ failOn: ['newly-blocked', 'new-findings:high'], tripped: ['newly-blocked: 2 flows newly blocked'] });
    expect(j.stderr).toContain('gate tripped: newly-blocked');
  });

  it('bad change files exit 2 and say where and what', async () => {
    const r = await run(['whatif', SAMPLE, '--change', 'test/fixtures/whatif/nsg-rule-added/after/estate.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot be applied');
    expect(r.stderr).toContain("unknown key 'value'");
    const missing = await run(['whatif', SAMPLE, '--change', 'no/such/change.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read --change no/such/change.json: no such file');
    const usage = await run(['whatif', SAMPLE]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('missing required flag --change FILE');
    const gate = await run(['whatif', SAMPLE, '--change', `${CHANGES}/close-stlogs.json`, '--fail-on', 'new-findings:critical']);
    expect(gate.code).toBe(2);
    expect(gate.stderr).toContain("unknown severity 'critical'");
  });

  it('an unknown reference names the file, the edit and the field', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ztpath-whatif-'));
    const file = path.join(dir, 'bad-change.json');
    writeFileSync(file, JSON.stringify({ edits: [{ op: 'removeSecurityRule', nsg: 'nsg-nope', name: 'x' }] }));
    const r = await run(['whatif', SAMPLE, '--change', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad-change.json: error change.unknown-ref: no network security group named \'nsg-nope\' (field $.edits[0].nsg)');
  });

  it('--format sarif and --format junit', async () => {
    const change = ['whatif', SAMPLE, '--change', `${CHANGES}/lock-down-nsg-db.json`, '--no-findings'];
    const sarif = await run([...change, '--format', 'sarif']);
    expect(sarif.code).toBe(0);
    const log = JSON.parse(sarif.stdout) as { version: string; runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; level: string; message: { text: string }; locations: unknown[] }[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].tool.driver.rules.map((r) => r.id)).toEqual(['ZT-WHATIF-NEW-EXPOSURE', 'ZT-WHATIF-NEWLY-ALLOWED', 'ZT-WHATIF-NEWLY-BLOCKED']);
    expect(log.runs[0].results).toHaveLength(2);
    expect(log.runs[0].results[0]).toMatchObject({ ruleId: 'ZT-WHATIF-NEWLY-BLOCKED', level: 'note' });
    expect(log.runs[0].results[0].message.text).toContain('Newly blocked: vnet-data-weu/snet-db -> vnet-data-weu/snet-db Any');
    const junit = await run([...change, '--format', 'junit', '--fail-on', 'newly-blocked']);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="ztpath whatif" tests="4" failures="1" errors="0">/);
    expect(junit.stdout).toContain('<testcase classname="ztpath.whatif" name="newly-blocked">\n      <failure message="2 newly-blocked" type="newly-blocked">');
    expect(junit.stdout).toContain('<testcase classname="ztpath.whatif" name="newly-allowed">\n      <system-out>none</system-out>');
  });
});

describe('ztpath diff', () => {
  it('the sample estate against an override of nsg-db (golden)', async () => {
    const r = await run(['diff', '--before', SAMPLE, '--after', SAMPLE, `${CHANGES}/nsg-db-after.json`, '--no-findings']);
    expect(r.code).toBe(0);
    golden('diff-nsg-db.txt', r.stdout);
  });

  it('fixture pairs: newly allowed and exposure, with gates', async () => {
    const { code, answer } = await json(['diff', '--before', PAIR('public-ip-attached', 'before'), '--after', PAIR('public-ip-attached', 'after'), '--fail-on', 'new-exposure', '--no-traces']);
    expect(code).toBe(1);
    expect(answer.exposure.added).toEqual([expect.objectContaining({ name: 'vm-a1-nic', protocol: 'Tcp', ports: ['443'], via: 'pip-a1' })]);
    expect(answer.gate?.tripped).toEqual(['new-exposure: 1 new internet exposure']);
  });

  it('--before and --after take several paths, in either spelling', async () => {
    const a = await json(['diff', '--before', PAIR('storage-closed', 'before'), '--after', PAIR('storage-closed', 'after'), '--no-findings', '--no-traces']);
    const b = await json(['diff', `--before=${PAIR('storage-closed', 'before')}`, `--after=${PAIR('storage-closed', 'after')}`, '--no-findings', '--no-traces']);
    expect(a.answer.newlyBlocked.length).toBe(5);
    expect(b.answer.newlyBlocked).toEqual(a.answer.newlyBlocked);
  });

  it('usage errors exit 2', async () => {
    expect((await run(['diff', '--before', SAMPLE])).stderr).toContain('missing --after PATHS');
    expect((await run(['diff', '--after', SAMPLE])).stderr).toContain('missing --before PATHS');
    const stray = await run(['diff', SAMPLE, '--before', SAMPLE, '--after', SAMPLE]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('unexpected argument examples/hub-spoke');
    const flag = await run(['diff', '--before', SAMPLE, '--after', SAMPLE, '--frob']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown flag --frob for 'diff'");
  });

  it('both verbs are listed in the help', async () => {
    const r = await run(['--help']);
    expect(r.stdout).toMatch(/\n {2}diff +compare two snapshots/);
    expect(r.stdout).toMatch(/\n {2}whatif +what a change would open and close/);
  });
});

describe('ztpath diff: what the snapshot after adds to the input problems', () => {
  it("an NSG rule Azure would refuse in the snapshot after (rule 1.2) is in the JSON as diagnostics; what both sides share is not", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ztpath-diff-'));
    for (const f of ['NetworkWatcherRG.json', 'rg-app.json', 'rg-data.json', 'rg-hub.json', 'rg-legacy.json', 'rg-onprem-connectivity.json', 'rg-web.json']) {
      const doc = JSON.parse(readFileSync(repoPath(SAMPLE, f), 'utf8')) as { value: { name: string; properties: { securityRules: unknown[] } }[] };
      if (f === 'rg-data.json') {
        doc.value.find((r) => r.name === 'nsg-db')!.properties.securityRules.push({ name: 'Dup-Prio', properties: { priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '22' } });
      }
      writeFileSync(path.join(dir, f), JSON.stringify(doc, null, 2));
    }
    const { answer } = await json(['diff', '--before', SAMPLE, '--after', dir, '--no-traces', '--no-findings']);
    const diagnostics = (answer as unknown as { diagnostics: { code: string; resourceId: string }[] }).diagnostics;
    expect(diagnostics.map((d) => `${d.code} ${d.resourceId.split('/').slice(-3).join('/')}`)).toEqual(['priority.duplicate nsg-db/securityRules/Dup-Prio']);
    const same = await json(['diff', '--before', SAMPLE, '--after', SAMPLE, '--no-traces', '--no-findings']);
    expect(same.answer).not.toHaveProperty('diagnostics');
  });
});

describe('ztpath diff of a change compared on every pair, beyond --max-pairs', () => {
  // The sample without its legacy resource group: a VNet, its NICs, a load balancer and a peering
  // gone, which no rule bounds to some pairs (as when a subscription drops out of an export).
  const files = ['NetworkWatcherRG', 'rg-app', 'rg-data', 'rg-hub', 'rg-onprem-connectivity', 'rg-web'].map((f) => `${SAMPLE}/${f}.json`);
  const diff = (...flags: string[]) => run(['diff', '--before', SAMPLE, '--after', ...files, '--no-traces', ...flags]);

  it('within the limit (the default): flows are compared, the newly-blocked gate trips (exit 1)', async () => {
    const r = await diff('--fail-on', 'newly-blocked', '--json');
    expect(r.code).toBe(1);
    const a = JSON.parse(r.stdout) as WhatIfAnswer;
    expect(a.stats.flowsCompared).toBeUndefined();
    expect(a.newlyBlocked.length).toBeGreaterThan(0);
  });

  it('beyond it: the text says flows and exposure were not compared, and a gate on them is not judged (exit 2)', async () => {
    const r = await diff('--max-pairs', '10', '--fail-on', 'newly-allowed');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Newly allowed: not compared (too many pairs; see the caveats)');
    expect(r.stdout).toContain('Newly blocked: not compared (too many pairs; see the caveats)');
    expect(r.stdout).toContain('Internet exposure: not compared');
    expect(r.stdout).toContain('Gate not judged: newly-allowed (flows were not compared)');
    expect(r.stdout).toMatch(/\(incremental: 0 of \d+ source\/destination pairs rechecked \(flows not compared: too many pairs\);/);
    expect(r.stdout).toContain('[whatif.too-large]');
    expect(r.stderr).toContain('ztpath: gate newly-allowed not judged: flows and exposure were not compared (too many pairs: see the caveat whatif.too-large)');
    // Findings were compared: the direct legacy peering's finding is resolved.
    expect(r.stdout).toMatch(/Findings:\n(.*\n)*  - \[high\] ZT-SPOKE-BYPASSES-HUB peer-legacy-to-data/);
  });

  it('--json: stats.flowsCompared false, the gates not judged listed; a gate that trips still exits 1', async () => {
    const r = await diff('--max-pairs', '10', '--fail-on', 'new-exposure,newly-blocked', '--json');
    expect(r.code).toBe(2);
    const a = JSON.parse(r.stdout) as WhatIfAnswer & { gate: { tripped: string[]; notJudged: string[] } };
    expect(a.stats.flowsCompared).toBe(false);
    expect(a.gate).toEqual({ failOn: ['new-exposure', 'newly-blocked'], tripped: [], notJudged: ['new-exposure', 'newly-blocked'] });
    const tripped = await diff('--max-pairs', '10', '--fail-on', 'newly-allowed,new-findings:info', '--json');
    expect(tripped.code).toBe(1);
    const t = JSON.parse(tripped.stdout) as { gate: { tripped: string[]; notJudged: string[] } };
    expect(t.gate.tripped).toEqual(['new-findings:info: 1 new finding at info or above (ZT-SPOKE-BYPASSES-HUB)']);
    expect(t.gate.notJudged).toEqual(['newly-allowed']);
    // Without a gate on flows nothing is left unjudged: exit 0.
    expect((await diff('--max-pairs', '10', '--fail-on', 'new-findings:high')).code).toBe(0);
  });

  it('--format junit: a gate that could not be judged is an error, not a pass', async () => {
    const r = await diff('--max-pairs', '10', '--fail-on', 'newly-allowed', '--format', 'junit');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('<testsuites name="ztpath whatif" tests="4" failures="0" errors="1">');
    expect(r.stdout).toMatch(/<testcase classname="ztpath.whatif" name="newly-allowed">\n {6}<error message="newly-allowed not judged: flows were not compared \(too many pairs\)" type="whatif.too-large"\/>/);
    // The other cases ran as usual.
    expect(r.stdout).toMatch(/<testcase classname="ztpath.whatif" name="newly-blocked">\n {6}<system-out>/);
  });

  it('--format sarif: the invocation is unsuccessful, its notification says why (an empty result list is not a clean change)', async () => {
    type Log = { runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { level: string; message: { text: string }; descriptor: { id: string } }[] }[]; results: unknown[] }[] };
    const limited = JSON.parse((await diff('--max-pairs', '10', '--format', 'sarif')).stdout) as Log;
    const inv = limited.runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(false);
    // Why, then what the snapshot after adds to the input's problems: the data VNet's peering to
    // the legacy VNet now refers to a VNet the input does not hold.
    const dangling = { level: 'warning', message: { text: expect.stringContaining('virtualNetworkPeerings') }, descriptor: { id: 'ref.dangling' }, locations: expect.any(Array) };
    expect(inv.toolExecutionNotifications).toEqual([{ level: 'error', message: { text: expect.stringContaining('Flows and internet exposure were not compared') }, descriptor: { id: 'whatif.too-large' } }, dangling]);
    const compared = JSON.parse((await diff('--format', 'sarif')).stdout) as Log;
    expect(compared.runs[0].invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [dangling] }]);
    expect(compared.runs[0].results.length).toBeGreaterThan(0);
  });

  it('--max-pairs takes a positive whole number', async () => {
    for (const bad of ['0', '-5', 'ten', '1.5']) {
      const r = await diff('--max-pairs', bad);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain(`--max-pairs ${bad}: expected a positive whole number`);
    }
    expect((await run(['whatif', SAMPLE, '--change', `${CHANGES}/lock-down-nsg-db.json`, '--max-pairs', 'x'])).stderr).toContain('--max-pairs x: expected a positive whole number');
    expect((await diff('--max-pairs', '25,000,000', '--json')).code).toBe(0);
  });
});
