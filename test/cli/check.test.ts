// `ztpath check`: golden outputs of examples/policy.yaml on the sample estate (four intents fail on
// planted mistakes 1, 3, 4 and 5, one on the implied trust of mistake 7), exit codes, and bad policy
// files reported with file, line, column and field (exit 2).
// Regenerate the golden files with: UPDATE_GOLDEN=1 npx vitest run test/cli/check.test.ts

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE, STACK_LINE, repoPath, run } from './helpers.ts';

const GOLDEN = repoPath('test', 'cli', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const POLICY = 'examples/policy.yaml';
const FIXTURES = 'test/fixtures/check';

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`golden file ${name} is missing: run UPDATE_GOLDEN=1 npx vitest run test/cli/check.test.ts`);
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe.skipIf(!existsSync(repoPath(SAMPLE)))('ztpath check on examples/hub-spoke', () => {
  it('text (golden): exit 1 on violations', async () => {
    const r = await run(['check', SAMPLE, '--policy', POLICY]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    golden('check-hub-spoke.txt', r.stdout);
  });

  it('json (golden): each intent with its status, violations, trace evidence and policy location', async () => {
    const r = await run(['check', SAMPLE, '--policy', POLICY, '--format', 'json']);
    expect(r.code).toBe(1);
    golden('check-hub-spoke.json.golden', r.stdout);
    const j = JSON.parse(r.stdout) as { passed: number; failed: number; results: { name: string; status: string; location: { line: number } }[] };
    expect(j.results.map((x) => [x.name, x.status])).toEqual([
      ['no-management-from-internet', 'fail'],
      ['shop-front-door', 'pass'],
      ['web-to-app-api', 'pass'],
      ['app-to-db-through-firewall', 'pass'],
      ['spoke-egress-through-firewall', 'fail'],
      ['legacy-isolated-from-data', 'fail'],
      ['logs-account-private', 'fail'],
      ['onprem-admins-ssh-only-to-app', 'fail'],
    ]);
    expect(j.results[0].location.line).toBe(17);
  });

  it('junit (golden)', async () => {
    const r = await run(['check', SAMPLE, '--policy', POLICY, '--format', 'junit']);
    expect(r.code).toBe(1);
    golden('check-hub-spoke.junit.xml', r.stdout);
  });

  it('a policy whose intents hold exits 0', async () => {
    const r = await run(['check', SAMPLE, '--policy', `${FIXTURES}/passing.yaml`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 intents, 3 passed, 0 failed');
  });
});

describe('bad policy files: exit 2 with file:line:column and the field', () => {
  const cases: [string, string[]][] = [
    ['bad-syntax.yaml', [`${FIXTURES}/bad-syntax.yaml:6:7: YAML: Flow sequence in block collection must be sufficiently indented`]],
    [
      'bad-fields.yaml',
      [
        `${FIXTURES}/bad-fields.yaml:8:21: intents[0].deny.ports[1]: '70000' is outside 0-65535`,
        `${FIXTURES}/bad-fields.yaml:13:7: intents[1].allow.protcol: unknown field 'protcol'`,
        `${FIXTURES}/bad-fields.yaml:14:5: intents[2]: intent 'no-verb' needs one of 'deny', 'allow', 'via'`,
      ],
    ],
    [
      'bad-selector.yaml',
      [
        `${FIXTURES}/bad-selector.yaml:3:32: groups.app[1]: 'vm-app99' is not a resource id`,
        `${FIXTURES}/bad-selector.yaml:13:16: intents[1].via.through: 'vm-app01-nic-does-not-exist' is not a resource id`,
      ],
    ],
  ];
  it.each(cases)('%s', async (file, lines) => {
    const r = await run(['check', SAMPLE, '--policy', `${FIXTURES}/${file}`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`policy file ${FIXTURES}/${file} is not valid`);
    for (const l of lines) expect(r.stderr).toContain(l);
    expect(r.stderr).toContain('docs/ci-gating.md');
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('a missing policy file, a missing --policy flag, a bad --format', async () => {
    const missing = await run(['check', SAMPLE, '--policy', 'no/such.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read --policy no/such.yaml: no such file');
    const noFlag = await run(['check', SAMPLE]);
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toContain('missing required flag --policy FILE');
    const fmt = await run(['check', SAMPLE, '--policy', POLICY, '--format', 'table']);
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toContain('expected one of text, json, sarif, junit');
  });
});
