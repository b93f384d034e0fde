// Audit: every verb fed bad input. The standard (CONTRACT.md, DESIGN.md): a usage or input error
// exits 2 with one readable message naming the file (and the resource id and field where there is
// one), never a stack trace; nothing the user gave is silently dropped or ignored; progress and
// colour only on a terminal. Failing tests here pin violations with the correct expectation.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunResult, SAMPLE, SMALL, STACK_LINE, repoPath, run } from './helpers.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'ztpath-audit-bad-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

/** No stack trace, no JS error class names, no ANSI colour (the fake io is not a TTY). */
function expectClean(r: RunResult): void {
  for (const s of [r.stdout, r.stderr]) {
    expect(s).not.toMatch(STACK_LINE);
    expect(s).not.toMatch(/\b(TypeError|RangeError|ReferenceError|SyntaxError)\b/);
    expect(s).not.toMatch(/^Error: /m);
    expect(s).not.toContain('\x1b');
  }
}

/** An input error: exit 2, nothing on stdout (so `--json` never leaves half a document), clean. */
function expectInputError(r: RunResult, ...named: string[]): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^ztpath: /);
  for (const n of named) expect(r.stderr).toContain(n);
  expectClean(r);
}

type JsonObject = { [k: string]: unknown };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** test/cli/fixtures/small with network.json changed by `edit`; returns the folder. */
function mutatedSmall(name: string, edit: (network: JsonObject[]) => void): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const doc: unknown = JSON.parse(readFileSync(repoPath(SMALL, 'network.json'), 'utf8'));
  if (!isObject(doc) || !Array.isArray(doc.value)) throw new Error('unexpected fixture shape');
  edit(doc.value.filter(isObject));
  writeFileSync(path.join(dir, 'network.json'), JSON.stringify(doc, null, 2));
  copyFileSync(repoPath(SMALL, 'nics.json'), path.join(dir, 'nics.json'));
  return dir;
}

function props(o: JsonObject): JsonObject {
  if (!isObject(o.properties)) throw new Error('no properties');
  return o.properties;
}

function child(o: JsonObject, list: string, i: number): JsonObject {
  const l = props(o)[list];
  if (!Array.isArray(l) || !isObject(l[i])) throw new Error(`no ${list}[${i}]`);
  return l[i] as JsonObject;
}

// network.json of the small fixture: [0] vnet-cli, [1] nsg-front (rules[0] Allow-HTTPS-In), [2] rt-front.
const setRule = (field: string, value: unknown) => (n: JsonObject[]) => void (props(child(n[1], 'securityRules', 0))[field] = value);

/** Every verb, its required flags filled with valid values, reading `paths`. */
function everyVerb(paths: string): string[][] {
  return [
    ['summary', paths],
    ['routes', paths, '--nic', 'vm-app01'],
    ['rules', paths, '--nic', 'vm-app01'],
    ['verify', paths, '--nic', 'vm-app01', '--direction', 'Inbound', '--protocol', 'TCP', '--local', '10.2.1.4:22', '--remote', '10.0.0.4:50000'],
    ['next-hop', paths, '--nic', 'vm-app01', '--dest', '10.3.1.4'],
    ['trace', paths, '--from', 'vm-app01', '--to', 'internet', '--protocol', 'Tcp', '--port', '443'],
    ['reach', paths, '--from', 'vm-app01', '--to', 'internet'],
    ['exposure', paths],
    ['blast', paths, '--from', 'vm-app01'],
    ['matrix', paths],
    ['findings', paths],
    ['check', paths, '--policy', 'test/fixtures/check/passing.yaml'],
    ['diff', '--before', SAMPLE, '--after', paths],
    ['whatif', paths, '--change', 'test/fixtures/whatif/nsg-rule-added/change.json'],
    ['report', paths, '-o', path.join(tmp, 'report.html')],
  ];
}

describe('unreadable PATHS, every verb', () => {
  it('not JSON, truncated, empty, a folder without JSON, an array of non-objects, items without id/type: exit 2 naming the file', async () => {
    const inputs: Record<string, string> = {
      'not JSON': file('bad/notjson.json', 'hello world\n'),
      truncated: file('bad/trunc.json', '{"value": [{"id": "/subscriptions/x'),
      empty: file('bad/empty.json', ''),
      'array of non-objects': file('bad/scalars.json', '[1, "two", null, true]'),
      'no id or type': file('bad/noid.json', '[{"name": "x", "properties": {}}]'),
      'folder without JSON': path.dirname(file('nojson/readme.txt', 'not an export')),
    };
    for (const [what, p] of Object.entries(inputs)) {
      for (const argv of everyVerb(p)) {
        for (const json of [false, true]) {
          const r = await run(json ? [...argv, '--json'] : argv);
          expect.soft(r.code, `${what}: ${argv[0]}${json ? ' --json' : ''}: ${r.stderr}`).toBe(2);
          expect.soft(r.stdout, `${what}: ${argv[0]}`).toBe('');
          expect.soft(r.stderr, `${what}: ${argv[0]}`).toContain(p);
          expectClean(r);
        }
      }
    }
  });
});

describe('bad fields inside resources', () => {
  it('priority "abc", addressPrefix 42, port "70000", protocol "Foo": diagnostics name the file, resource id and field', async () => {
    const cases: [string, (n: JsonObject[]) => void, string, RegExp][] = [
      ['prio', setRule('priority', 'abc'), 'securityRules/Allow-HTTPS-In', /securityRules\[0\]\.properties\.priority$/],
      ['port', setRule('destinationPortRange', '70000'), 'securityRules/Allow-HTTPS-In', /securityRules\[0\]\.properties\.destinationPortRange$/],
      ['proto', setRule('protocol', 'Foo'), 'securityRules/Allow-HTTPS-In', /securityRules\[0\]\.properties\.protocol$/],
      ['subnet-prefix', (n) => void (props(child(n[0], 'subnets', 0)).addressPrefix = 42), 'subnets/snet-front', /subnets\[0\]\.properties\.addressPrefix$/],
      ['route-prefix', (n) => void (props(child(n[2], 'routes', 0)).addressPrefix = 42), 'routes/default-to-nva', /routes\[0\]\.properties\.addressPrefix$/],
    ];
    for (const [name, edit, id, field] of cases) {
      const dir = mutatedSmall(`field-${name}`, edit);
      const r = await run(['summary', dir, '--json']);
      expect(r.code).toBe(0);
      expectClean(r);
      const out: unknown = JSON.parse(r.stdout);
      if (!isObject(out) || !isObject(out.diagnostics) || !Array.isArray(out.diagnostics.list)) throw new Error('no diagnostics');
      const errors = out.diagnostics.list.filter((d): d is JsonObject => isObject(d) && d.severity === 'error');
      expect(errors.length, name).toBeGreaterThan(0);
      expect(errors.some((d) => d.file === path.join(dir, 'network.json') && String(d.resourceId).endsWith(id) && field.test(String(d.jsonPath))), name).toBe(true);
    }
  });

  it('a resource whose id is not an ARM id is not silently dropped: the diagnostic names its id and field, and answers that lose it say so', async () => {
    // nsg-front keeps its type but its id is the bare name. The importer drops the NSG with a
    // warning that says the item has "no ARM id and type" (it has both), at $.value[1] rather than
    // $.value[1].id, without the offending value. `rules` then answers "No network security group
    // applies ... NSGs allow all traffic here" with exit 0 and an empty stderr: a wrong answer,
    // silently. `--json` gives {"value": [], "caveats": []}.
    const dir = mutatedSmall('nsg-not-arm-id', (n) => void (n[1].id = 'nsg-front'));
    const s = await run(['summary', dir, '--json']);
    const out: unknown = JSON.parse(s.stdout);
    if (!isObject(out) || !isObject(out.diagnostics) || !Array.isArray(out.diagnostics.list)) throw new Error('no diagnostics');
    const about = out.diagnostics.list.filter((d): d is JsonObject => isObject(d) && String(d.jsonPath).startsWith('$.value[1]'));
    expect(about.some((d) => d.jsonPath === '$.value[1].id' && String(d.message).includes("'nsg-front'") && !String(d.message).includes('no ARM id and type'))).toBe(true);

    const r = await run(['rules', dir, '--nic', 'nic-front01']);
    expectClean(r);
    // At the least stderr says an input resource was skipped, naming the file (or the run fails with 2).
    expect(r.code === 2 || r.stderr.includes(path.join(dir, 'network.json')) || r.stderr.includes('see `ztpath summary`'), r.stderr).toBe(true);
  });

  it('rules --json on an estate whose security rule was skipped mentions the skipped rule somewhere', async () => {
    // Allow-HTTPS-In has priority "abc": the importer skips the rule (error field.type). In text
    // mode stderr counts "1 error"; under --json stderr is silent and the answer carries no
    // diagnostic or caveat, so a script sees a complete-looking rule list without the rule.
    const dir = mutatedSmall('rule-skipped', setRule('priority', 'abc'));
    const r = await run(['rules', dir, '--nic', 'nic-front01', '--json']);
    expectClean(r);
    // What ztpath does: stdout stays the answer, and stderr counts the input's errors and points to
    // `ztpath summary` (which names the rule), under --json as in text mode; --quiet alone silences it.
    expect(r.code === 2 || `${r.stdout}${r.stderr}`.includes('Allow-HTTPS-In') || r.stderr.includes('1 error'), r.stdout.slice(0, 400)).toBe(true);
    expect(r.stderr).toContain('see `ztpath summary`');
    expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
    expect((await run(['rules', dir, '--nic', 'nic-front01', '--json', '--quiet'])).stderr).toBe('');
  });
});

describe('bad flags', () => {
  it('unknown flags, missing required flags, ports out of range, bad enums, unknown REFs: exit 2 naming the flag and value', async () => {
    const S = SAMPLE;
    const trace = ['trace', S, '--from', 'vm-app01', '--to', 'internet', '--protocol', 'Tcp'];
    const cases: [string[], string][] = [
      [['summary', S, '--bogus'], '--bogus'],
      [['routes', S], '--nic'],
      [['rules', S, '--nic', 'no-such-nic'], 'no-such-nic'],
      [['verify', S, '--nic', 'vm-app01', '--direction', 'Sideways', '--protocol', 'TCP', '--local', '10.2.1.4:22', '--remote', '1.2.3.4:5'], 'Sideways'],
      [['verify', S, '--nic', 'vm-app01', '--direction', 'Inbound', '--protocol', 'TCP', '--local', '10.2.1.4:70000', '--remote', '1.2.3.4:5'], '70000'],
      [['next-hop', S, '--nic', 'vm-app01'], '--dest'],
      [[...trace, '--port', '70000'], '70000'],
      [[...trace, '--port', 'abc'], 'abc'],
      [['trace', S, '--from', 'vm-app01', '--to', 'internet', '--protocol', 'Foo', '--port', '22'], 'Foo'],
      [['trace', S, '--from', 'nothing-here', '--to', 'internet', '--protocol', 'Tcp', '--port', '22'], 'nothing-here'],
      [['trace', S, '--from', 'internet', '--to', 'vm-app', '--protocol', 'Tcp', '--port', '22'], 'vm-app'],
      [['reach', S, '--from', 'internet'], '--to'],
      [['exposure', S, '--from', 'mars'], 'mars'],
      [['blast', S, '--from', 'vm-app01', '--ports', '70000'], '70000'],
      [['matrix', S, '--by', 'planet'], 'planet'],
      [['findings', S, '--fail-on', 'critical'], 'critical'],
      [['check', S], '--policy'],
      [['check', S, '--policy', 'test/fixtures/check/bad-syntax.yaml'], 'test/fixtures/check/bad-syntax.yaml:6:7'],
      [['check', S, '--policy', file('pol/unknown.yaml', 'version: 1\nintents:\n  - name: x\n    deny:\n      from: internet\n      to: vm-app01\n    severity: high\n')], "unknown field 'severity'"],
      [['diff', '--before', S, '--after', S, '--fail-on', 'everything'], 'everything'],
      [['whatif', S], '--change'],
      [['whatif', S, '--change', file('ch/array.json', '[1, 2]')], 'ch/array.json'],
      [['whatif', S, '--change', file('ch/missing.json', '{"edits": [{"op": "dissociateNsg", "subnet": "vnet-nope/snet-nope"}]}')], '$.edits[0]'],
      [['report', S], '--out'],
      [['summary', S, '--service-tags', file('tags/array.json', '[1, 2]')], 'tags/array.json'],
      [['summary', S, '--service-tags', path.dirname(file('tags-empty/readme.txt', 'x'))], 'tags-empty'],
    ];
    for (const [argv, named] of cases) {
      for (const json of [false, true]) {
        const r = await run(json ? [...argv, '--json'] : argv);
        expect.soft(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(2);
        expect.soft(r.stdout, argv.join(' ')).toBe('');
        expect.soft(r.stderr, argv.join(' ')).toContain(named);
        expectClean(r);
      }
    }
  });

  it('a negative number is named as a bad value, not reported as a missing one', async () => {
    // `--port -1` prints "flag --port needs a value (N)": the user gave a value; the parser took
    // it for a flag. Same for --depth -3, --blast -1, --src-port -5.
    const cases: string[][] = [
      ['trace', SAMPLE, '--from', 'vm-app01', '--to', 'internet', '--protocol', 'Tcp', '--port', '-1'],
      ['trace', SAMPLE, '--from', 'vm-app01', '--to', 'internet', '--protocol', 'Tcp', '--port', '443', '--src-port', '-5'],
      ['blast', SAMPLE, '--from', 'vm-app01', '--depth', '-3'],
      ['findings', SAMPLE, '--blast', '-1'],
    ];
    for (const argv of cases) {
      const r = await run(argv);
      expectInputError(r);
      const value = argv[argv.length - 1];
      expect.soft(r.stderr, argv.join(' ')).toContain(value);
      expect.soft(r.stderr, argv.join(' ')).not.toContain('needs a value');
    }
  });

  it('--port with --protocol Icmp is refused, not silently dropped', async () => {
    // Today: exit 0, the flow is {"protocol": "Icmp"} with no port, nothing on stderr.
    const r = await run(['trace', SAMPLE, '--from', 'vm-app01', '--to', 'vm-app02', '--protocol', 'Icmp', '--port', '22']);
    expectInputError(r, '--port');
  });
});

describe('REF errors', () => {
  it('a NIC that exists but whose subnet is not in the input: the error says so, and does not suggest the name that was typed', async () => {
    // vnet-cli gets a non-ARM id and is dropped, so nic-front01's subnet dangles. Today:
    // "'nic-front01' is not a resource id, a unique name ... did you mean: nic-front01".
    const dir = mutatedSmall('vnet-not-arm-id', (n) => void (n[0].id = 'not-an-arm-id'));
    const r = await run(['rules', dir, '--nic', 'nic-front01']);
    expectInputError(r, 'nic-front01');
    expect(r.stderr).not.toMatch(/did you mean:\n\s+nic-front01\n/);
    expect(r.stderr).toMatch(/subnet/i);
  });
});

describe('whatif change files', () => {
  it('an upsert item that is not a resource is a change-file error (exit 2), not an empty what-if', async () => {
    // Today: exit 0, "Changed resources: none ... Newly allowed: none" with a warning on stderr;
    // a CI gate (--fail-on newly-allowed) passes on a change that was never evaluated.
    const change = file('ch/upsert-noid.json', '{"upsert": [{"name": "nsg-new", "properties": {}}]}');
    const r = await run(['whatif', SAMPLE, '--change', change, '--fail-on', 'newly-allowed']);
    expectInputError(r, change, '$.upsert[0]');
  });

  it('an edit whose rule or route the reader refuses is a change-file error (exit 2), not an empty what-if', async () => {
    const rule = file('ch/bad-rule.json', JSON.stringify({ edits: [{ op: 'addSecurityRule', nsg: 'nsg-db', rule: { name: 'Bad', priority: 'abc', direction: 'Inbound', access: 'Deny', protocol: 'Tcp', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '22' } }] }));
    const r = await run(['whatif', SAMPLE, '--change', rule, '--fail-on', 'newly-blocked']);
    expectInputError(r, rule, '$.edits[0].rule');
    expect(r.stderr).toContain('change.invalid');
    // A rule with one bad field among good ones is still read: the edit goes on (the error is reported).
    const partial = file('ch/partial-rule.json', JSON.stringify({ edits: [{ op: 'addSecurityRule', nsg: 'nsg-db', rule: { name: 'Partial', priority: 150, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', sourceAddressPrefixes: ['10.0.0.0/8', '10.0.0.300/24'], sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '22' } }] }));
    expect((await run(['whatif', SAMPLE, '--change', partial, '--no-findings'])).code).toBe(0);
  });
});

describe('progress when not a TTY', () => {
  it('report prints no progress lines when stderr is not a terminal', async () => {
    // report.ts logs "ztpath: computing the exposure..." (and "computing the blast radius from
    // v2.s7.n9...", an internal node id) whenever not --quiet/--json, ignoring the TTY and CI.
    const out = path.join(tmp, 'progress.html');
    const r = await run(['report', SAMPLE, '-o', out]);
    expect(r.code).toBe(0);
    expectClean(r);
    expect(r.stderr).not.toContain('computing');
    expect(r.stderr).not.toMatch(/\bv\d+\.s\d+\.n\d+\b/);
  });
});
