// Reading PATHS: fatal inputs exit 2 with one readable message naming the file (never a stack
// trace); non-fatal diagnostics are counted on stderr; folders are read recursively and sorted.

import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SMALL, STACK_LINE, repoPath, run, runJson } from './helpers.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'ztpath-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

describe('fatal inputs', () => {
  it('a path that does not exist', async () => {
    const r = await run(['summary', 'no/such/place.json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ztpath: cannot read no\/such\/place\.json: no such file or folder\n/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('an empty folder', async () => {
    const dir = folder('empty', {});
    const r = await run(['routes', dir, '--nic', 'x'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`folder ${dir} holds no .json files`);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('a folder whose only file is malformed JSON: file name and line:column', async () => {
    folder('malformed', { 'bad.json': '{\n  "value": [\n    {"name": "x",,}\n  ]\n}\n' });
    const r = await run(['summary', 'malformed'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no Azure resources found in malformed/bad.json');
    expect(r.stderr).toMatch(/malformed\/bad\.json:3:\d+: error json\.malformed/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('JSON that holds no Azure resources', async () => {
    folder('nothing', { 'a.json': '{"hello": "world"}\n', 'b.json': '[]\n' });
    const r = await run(['rules', 'nothing', '--nic', 'vm1'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no Azure resources found in 2 files (nothing)');
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('a --service-tags file that does not exist or is not a Service Tags file', async () => {
    const missing = await run(['summary', SMALL, '--service-tags', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read --service-tags nope.json');
    const wrong = await run(['summary', SMALL, '--service-tags', `${SMALL}/network.json`]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`--service-tags ${SMALL}/network.json is not a Service Tags file`);
    expect(wrong.stderr).not.toMatch(STACK_LINE);
  });
});

describe('non-fatal diagnostics', () => {
  const dir = path.join(tmp, 'mixed');
  cpSync(repoPath(SMALL), dir, { recursive: true });
  writeFileSync(path.join(dir, 'zz-broken.json'), '{"value": [ {"id": ');

  it('are counted in one line on stderr, and the answer still comes (exit 0)', async () => {
    const r = await run(['next-hop', 'mixed', '--nic', 'nic-front01', '--dest', '8.8.8.8'], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Next hop VirtualAppliance 10.10.2.4');
    expect(r.stderr).toMatch(/^ztpath: 1 error, \d+ warnings? in the input; see `ztpath summary`\n$/);
  });

  it('are counted on stderr with --json too (stdout stays the answer), and silent with --quiet', async () => {
    const j = await run(['next-hop', 'mixed', '--nic', 'nic-front01', '--dest', '8.8.8.8', '--json'], { cwd: tmp });
    expect(j.code).toBe(0);
    expect(j.stderr).toMatch(/^ztpath: 1 error, \d+ warnings? in the input; see `ztpath summary`\n$/);
    expect(() => JSON.parse(j.stdout) as unknown).not.toThrow();
    const q = await run(['next-hop', 'mixed', '--nic', 'nic-front01', '--dest', '8.8.8.8', '--quiet'], { cwd: tmp });
    expect(q.stderr).toBe('');
  });

  it('summary lists them one per line and exits 0', async () => {
    const r = await run(['summary', 'mixed'], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Read 4 files.');
    expect(r.stdout).toMatch(/^ {2}mixed\/zz-broken\.json:1:\d+: error json\.malformed: /m);
    const s = await runJson<{ files: number; diagnostics: { errors: number; list: { file?: string }[] } }>(['summary', 'mixed'], { cwd: tmp });
    expect(s.json.files).toBe(4);
    expect(s.json.diagnostics.errors).toBe(1);
    expect(s.json.diagnostics.list.some((d) => d.file === 'mixed/zz-broken.json')).toBe(true);
  });
});

describe('reading folders', () => {
  it('reads *.json recursively in sorted order, ignores other files, and does not read a file twice', async () => {
    const nested = path.join(tmp, 'nested');
    cpSync(repoPath(SMALL, 'network.json'), path.join(nested, 'b', 'network.json'));
    cpSync(repoPath(SMALL, 'nics.json'), path.join(nested, 'a', 'deeper', 'nics.json'));
    writeFileSync(path.join(nested, 'README.md'), '# not json\n');
    const s = await runJson<{ files: number }>(['summary', 'nested', 'nested/b/network.json'], { cwd: tmp });
    expect(s.json.files).toBe(2);
    const r = await run(['routes', 'nested', '--nic', 'vm-front01', '--json'], { cwd: tmp });
    expect(r.code).toBe(0);
  });

  it('shows progress on stderr only when stderr is a terminal', async () => {
    const tty = await run(['routes', SMALL, '--nic', 'nic-front01'], { isTTY: true });
    expect(tty.stderr).toContain('reading 3 files... 100%');
    const json = await run(['routes', SMALL, '--nic', 'nic-front01', '--json'], { isTTY: true });
    expect(json.stderr).toBe('');
    const pipe = await run(['routes', SMALL, '--nic', 'nic-front01']);
    expect(pipe.stderr).toBe('');
  });
});
