// The built assets of the web view, made on demand: `serve` and `report` call ensureWebBuild(),
// which runs Vite programmatically (import('vite')) when the build for the current sources is
// missing, so that `ztpath serve` works right after `npm ci` with no separate build step.
//
// Two bundles, both under web/dist/<hash>/ (git-ignored), where <hash> digests every source that
// goes into them (web/, vite.config.ts, the engine's files in cli/, core/, importer/ and the
// versions of the bundled packages): `app/` (web/index.html and its single script and stylesheet)
// and `engine/ztpath-engine.js` (cli/web-engine.ts: core + importer + web-data, for the report).
// Concurrent callers (test workers, two terminals) build once: a lock file, a temporary folder
// and an atomic rename.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './io.ts';
import { repoRoot } from './paths.ts';

export const REPO_ROOT = repoRoot();
export const WEB_ROOT = path.join(REPO_ROOT, 'web');
export const DIST_ROOT = path.join(WEB_ROOT, 'dist');
export const ENGINE_ENTRY = path.join(REPO_ROOT, 'cli', 'web-engine.ts');
export const VITE_CONFIG = path.join(REPO_ROOT, 'vite.config.ts');
const STAMP = 'BUILD.json';
const LOCK_STALE_MS = 5 * 60_000;

export interface WebBuild {
  hash: string;
  dir: string;
  /** web/index.html as built, with assets/ beside it. */
  appDir: string;
  engineFile: string;
}

async function listFiles(dir: string, out: string[], skip: (p: string) => boolean): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (skip(p)) continue;
    if (e.isDirectory()) await listFiles(p, out, skip);
    else if (e.isFile()) out.push(p);
  }
}

/** Digest of everything the two bundles are built from. */
export async function sourceHash(): Promise<string> {
  const files: string[] = [];
  const skip = (p: string) => {
    const b = path.basename(p);
    return b === 'node_modules' || b === 'dist' || b.startsWith('.') || p === path.join(REPO_ROOT, 'importer', 'live');
  };
  await listFiles(WEB_ROOT, files, skip);
  await listFiles(path.join(REPO_ROOT, 'core'), files, skip);
  await listFiles(path.join(REPO_ROOT, 'importer'), files, skip);
  for (const f of await readdir(path.join(REPO_ROOT, 'cli'))) if (/^web-.*\.ts$/.test(f)) files.push(path.join(REPO_ROOT, 'cli', f));
  files.push(VITE_CONFIG);
  for (const pkg of ['vite', 'cytoscape', 'cytoscape-fcose', 'graphology', 'ipaddr.js', 'jsonc-parser']) files.push(path.join(REPO_ROOT, 'node_modules', pkg, 'package.json'));
  files.sort();
  const h = createHash('sha256');
  for (const f of files) {
    const text = await readFile(f).catch(() => Buffer.from('missing'));
    h.update(path.relative(REPO_ROOT, f)).update('\0').update(text).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

function buildOf(hash: string): WebBuild {
  const dir = path.join(DIST_ROOT, hash);
  return { hash, dir, appDir: path.join(dir, 'app'), engineFile: path.join(dir, 'engine', 'ztpath-engine.js') };
}

async function complete(b: WebBuild): Promise<boolean> {
  return existsSync(path.join(b.dir, STAMP)) && existsSync(path.join(b.appDir, 'index.html')) && existsSync(b.engineFile);
}

async function newestComplete(): Promise<WebBuild | undefined> {
  const dirs = await readdir(DIST_ROOT, { withFileTypes: true }).catch(() => []);
  let best: { b: WebBuild; t: number } | undefined;
  for (const d of dirs) {
    if (!d.isDirectory() || !/^[0-9a-f]{16}$/.test(d.name)) continue;
    const b = buildOf(d.name);
    if (!(await complete(b))) continue;
    const t = (await stat(path.join(b.dir, STAMP))).mtimeMs;
    if (!best || t > best.t) best = { b, t };
  }
  return best?.b;
}

type ViteModule = typeof import('vite');

async function loadVite(): Promise<ViteModule | undefined> {
  try {
    return await import('vite');
  } catch {
    return undefined;
  }
}

/** Run the two Vite builds into `out` (a fresh folder). */
async function runBuilds(vite: ViteModule, out: string): Promise<void> {
  await vite.build({
    configFile: VITE_CONFIG,
    root: WEB_ROOT,
    logLevel: 'warn',
    build: { outDir: path.join(out, 'app'), emptyOutDir: true },
  });
  await vite.build({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir: path.join(out, 'engine'),
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      copyPublicDir: false,
      lib: { entry: ENGINE_ENTRY, formats: ['iife'], name: 'ZtpathEngine', fileName: () => 'ztpath-engine.js' },
    },
  });
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/**
 * The build for the current sources: made now when missing. `log` gets one line when a build
 * starts. Without Vite (a production install), the newest existing build is used.
 */
export async function ensureWebBuild(log: (line: string) => void = () => {}): Promise<WebBuild> {
  const hash = await sourceHash();
  const want = buildOf(hash);
  if (await complete(want)) return want;
  const vite = await loadVite();
  if (!vite) {
    const old = await newestComplete();
    if (old) return old;
    throw new CliError('the web view is not built and Vite is not installed', { hint: 'run `npm ci` (with dev dependencies) in the ztpath checkout, then try again' });
  }
  await mkdir(DIST_ROOT, { recursive: true });
  const lock = path.join(DIST_ROOT, `.lock-${hash}`);
  for (;;) {
    try {
      const fh = await open(lock, 'wx');
      await fh.close();
      break;
    } catch {
      // Another process builds the same sources: wait for it (or for its lock to go stale).
      if (await complete(want)) return want;
      const st = await stat(lock).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > LOCK_STALE_MS) await rm(lock, { force: true });
      await sleep(200);
    }
  }
  try {
    if (await complete(want)) return want;
    log('building the web view with Vite (once for these sources)...');
    const tmp = path.join(DIST_ROOT, `.tmp-${hash}-${process.pid}-${Date.now()}`);
    try {
      await runBuilds(vite, tmp);
      await writeFile(path.join(tmp, STAMP), JSON.stringify({ hash, builtAt: new Date().toISOString() }, null, 2) + '\n');
      await rm(want.dir, { recursive: true, force: true });
      await rename(tmp, want.dir);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw new CliError(`building the web view failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { hint: 'run `npm ci`, then rerun with ZTPATH_DEBUG=1' });
    }
    await pruneOldBuilds(hash);
    return want;
  } finally {
    await rm(lock, { force: true });
  }
}

/** Keep the three newest builds (a running server holds its assets in memory). */
async function pruneOldBuilds(keep: string): Promise<void> {
  const dirs = await readdir(DIST_ROOT, { withFileTypes: true }).catch(() => []);
  const builds: { name: string; t: number }[] = [];
  for (const d of dirs) {
    if (!d.isDirectory() || !/^[0-9a-f]{16}$/.test(d.name) || d.name === keep) continue;
    const t = (await stat(path.join(DIST_ROOT, d.name)).catch(() => undefined))?.mtimeMs ?? 0;
    builds.push({ name: d.name, t });
  }
  builds.sort((a, b) => b.t - a.t);
  for (const b of builds.slice(2)) await rm(path.join(DIST_ROOT, b.name), { recursive: true, force: true }).catch(() => {});
}

export interface Asset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Every file of the app build, by URL path (`/index.html`, `/assets/index-XXXX.js`). */
export async function readAppAssets(b: WebBuild): Promise<Map<string, Asset>> {
  const files: string[] = [];
  await listFiles(b.appDir, files, () => false);
  const out = new Map<string, Asset>();
  for (const f of files) {
    const url = '/' + path.relative(b.appDir, f).split(path.sep).join('/');
    out.set(url, { body: await readFile(f), type: TYPES[path.extname(f).toLowerCase()] ?? 'application/octet-stream' });
  }
  return out;
}

/** The version in package.json (for the page's footer). */
export function packageVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // fall through
  }
  return 'unknown';
}
