// The prebuilt CLI bundle (bin/build.js -> dist/ztpath.mjs, used by bin/ztpath.js while fresh):
// the same answers as the TypeScript sources, byte for byte, and never used once a file that went
// into it has changed. Under CI the bundle must have been built by `npm ci` (the prepare script).

import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshBundle } from '../../bin/bundle.js';
import { REPO_ROOT } from '../support/paths.ts';

const ROOT_URL = pathToFileURL(`${REPO_ROOT}/`);
const SAMPLE = 'examples/hub-spoke';
const TAGS = ['--service-tags', 'examples/service-tags'];

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node SCRIPT ARGV...` in the repository, its exit code and output. */
function node(script: string, argv: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...argv], { cwd: REPO_ROOT, env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 }, (e, stdout, stderr) => {
      const code = e ? (typeof e.code === 'number' ? e.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const ztpath = (argv: string[], env: Record<string, string> = {}): Promise<Ran> => node('bin/ztpath.js', argv, env);

const tmp = mkdtempSync(path.join(tmpdir(), 'ztpath-bundle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the prebuilt bundle', () => {
  it.runIf(process.env.CI === 'true')('CI: npm ci built it, and it is fresh', () => {
    expect(freshBundle(ROOT_URL, {})?.href).toBe(new URL('dist/ztpath.mjs', ROOT_URL).href);
  });

  describe('from a build made now', () => {
    beforeAll(async () => {
      const r = await node('bin/build.js', []);
      expect(r).toMatchObject({ code: 0, stderr: '' });
    }, 60_000);

    it('lists every source it holds, and no library', () => {
      const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'dist/ztpath.inputs.json'), 'utf8')) as { builtAt: number; inputs: string[] };
      expect(manifest.inputs).toEqual(expect.arrayContaining(['cli/main.ts', 'core/index.ts', 'importer/index.ts', 'cli/paths.ts']));
      expect(manifest.inputs.filter((f) => f.includes('node_modules'))).toEqual([]);
      expect(freshBundle(ROOT_URL, {})).toBeDefined();
      expect(freshBundle(ROOT_URL, { ZTPATH_FROM_SOURCES: '1' })).toBeUndefined();
      expect(freshBundle(ROOT_URL, { ZTPATH_DEBUG: '1' })).toBeUndefined();
    });

    const cases: [string, string[]][] = [
      ['help', ['--help']],
      ['version', ['--version']],
      ['summary', ['summary', SAMPLE, '--json']],
      ['trace', ['trace', SAMPLE, '--from', 'vm-web01', '--to', 'vm-app01', '--protocol', 'Tcp', '--port', '8080', ...TAGS]],
      ['findings as SARIF', ['findings', SAMPLE, ...TAGS, '--format', 'sarif']],
      ['matrix', ['matrix', SAMPLE, ...TAGS, '--json']],
      ['whatif', ['whatif', SAMPLE, '--change', 'examples/changes/lock-down-nsg-db.json', ...TAGS, '--json']],
      ['a usage error', ['no-such-verb']],
      ['an input error', ['summary', 'no/such/folder']],
    ];
    it.each(cases)('%s: the same output and exit code as the sources', async (_name, argv) => {
      const [bundled, sources] = await Promise.all([ztpath(argv), ztpath(argv, { ZTPATH_FROM_SOURCES: '1' })]);
      const clean = (r: Ran) => ({ ...r, stdout: r.stdout.replace(/"(\w*Ms)": [\d.]+/g, '"$1": 0') });
      expect(clean(bundled)).toEqual(clean(sources));
    }, 60_000);

    it('synth, which loads the generator from bench/ (TypeScript) on demand, works from the bundle', async () => {
      const out = path.join(tmp, 'synth');
      const r = await ztpath(['synth', '--tier', 'S', '--seed', '2', '--out', out, '--json']);
      expect(r.code).toBe(0);
      expect(readdirSync(out).filter((f) => f.endsWith('.json')).length).toBeGreaterThan(0);
    }, 60_000);
  });
});

describe('freshBundle: the bundle runs only while nothing that went into it changed', () => {
  function layout(name: string): { root: URL; source: string; bundle: string } {
    const dir = path.join(tmp, name);
    mkdirSync(path.join(dir, 'dist'), { recursive: true });
    mkdirSync(path.join(dir, 'cli'), { recursive: true });
    const source = path.join(dir, 'cli', 'main.ts');
    const bundle = path.join(dir, 'dist', 'ztpath.mjs');
    const builtAt = Date.now() - 10_000;
    writeFileSync(source, 'export {};\n');
    utimesSync(source, new Date(builtAt - 5_000), new Date(builtAt - 5_000));
    writeFileSync(bundle, '// bundle\n');
    writeFileSync(path.join(dir, 'dist', 'ztpath.inputs.json'), JSON.stringify({ builtAt, inputs: ['cli/main.ts'] }));
    return { root: pathToFileURL(`${dir}/`), source, bundle };
  }

  it('fresh: every input older than the build, the bundle written after it began', () => {
    const l = layout('fresh');
    expect(freshBundle(l.root, {})?.href).toBe(new URL('dist/ztpath.mjs', l.root).href);
  });

  it('an input changed after the build began: the sources', () => {
    const l = layout('edited');
    utimesSync(l.source, new Date(), new Date());
    expect(freshBundle(l.root, {})).toBeUndefined();
  });

  it('an input gone, the list gone, or the bundle older than its list: the sources', () => {
    const a = layout('deleted');
    rmSync(a.source);
    expect(freshBundle(a.root, {})).toBeUndefined();
    const b = layout('no-list');
    rmSync(new URL('dist/ztpath.inputs.json', b.root));
    expect(freshBundle(b.root, {})).toBeUndefined();
    const c = layout('old-bundle');
    utimesSync(c.bundle, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect(freshBundle(c.root, {})).toBeUndefined();
    expect(existsSync(c.bundle)).toBe(true);
  });
});

describe('bin/ztpath.js with a bundle that does not load', () => {
  it('runs the sources instead', async () => {
    // A checkout whose fresh-looking bundle is broken: bin/ from this repository, the rest linked.
    const dir = path.join(tmp, 'broken');
    mkdirSync(path.join(dir, 'bin'), { recursive: true });
    mkdirSync(path.join(dir, 'dist'), { recursive: true });
    for (const f of ['ztpath.js', 'bundle.js']) copyFileSync(path.join(REPO_ROOT, 'bin', f), path.join(dir, 'bin', f));
    for (const d of ['cli', 'core', 'importer', 'node_modules', 'examples']) symlinkSync(path.join(REPO_ROOT, d), path.join(dir, d));
    copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
    utimesSync(path.join(dir, 'package.json'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    writeFileSync(path.join(dir, 'dist', 'ztpath.mjs'), 'export const main = (;\n');
    writeFileSync(path.join(dir, 'dist', 'ztpath.inputs.json'), JSON.stringify({ builtAt: Date.now() - 30_000, inputs: ['package.json'] }));
    expect(freshBundle(pathToFileURL(`${dir}/`), {})).toBeDefined();
    const r = await node(path.join(dir, 'bin', 'ztpath.js'), ['summary', SAMPLE, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).counts.virtualNetworks).toBe(5);
  }, 60_000);
});
