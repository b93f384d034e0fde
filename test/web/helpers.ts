// Shared by the web view's tests: the sample estate served in-process (the same code path as
// `ztpath serve`), Debian's Chromium driven by playwright-core, and screenshots under
// test/artifacts/web/. Browser tests skip when /usr/bin/chromium is absent, except under CI=true,
// where they run (and fail without a browser).

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe } from 'vitest';
import { loadForWeb, serveCommand, workerArgs } from '../../cli/commands/serve.ts';
import { ensureWebBuild, readAppAssets } from '../../cli/web-build.ts';
import { WebData } from '../../cli/web-data.ts';
import { QuestionWorker } from '../../cli/web-questions.ts';
import { startWebServer, type RunningServer } from '../../cli/web-server.ts';
import { REPO, fakeIo } from '../cli/helpers.ts';
import { HAVE_CHROMIUM } from './chromium.ts';

export { CHROMIUM, HAVE_CHROMIUM, launchBrowser } from './chromium.ts';
export const SAMPLE = 'examples/hub-spoke';
export const SAMPLE_TAGS = 'examples/service-tags';
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
/** Browser tests: skipped locally without Chromium, never skipped in CI. */
export const browserDescribe = HAVE_CHROMIUM || IN_CI ? describe : describe.skip;
export const ARTIFACTS = path.join(REPO, 'test', 'artifacts', 'web');

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** The screenshots the README shows (docs/screenshots/), refreshed with ZTPATH_UPDATE_SCREENSHOTS=1. */
export const README_SHOTS = ['topology', 'trace', 'blast', 'exposure', 'findings', 'matrix', 'whatif'];

/** A screenshot of the page in test/artifacts/web/NAME.png (and docs/screenshots/ when asked). */
export async function shot(page: Page, name: string, opts: { keepMouse?: boolean } = {}): Promise<void> {
  const file = artifact(`${name}.png`);
  if (!opts.keepMouse) await page.mouse.move(1, 1);
  await page.screenshot({ path: file });
  if (process.env.ZTPATH_UPDATE_SCREENSHOTS === '1' && README_SHOTS.includes(name)) {
    const docs = path.join(REPO, 'docs', 'screenshots');
    mkdirSync(docs, { recursive: true });
    const dest = path.join(docs, `${name}.png`);
    // Committed images stay small (about a third): 256 colours with pngquant when it is installed
    // (apt-get install pngquant), else as taken.
    const small = spawnSync('pngquant', ['--quality', '70-95', '--speed', '1', '--force', '--output', dest, file], { stdio: 'ignore' });
    if (small.error || small.status !== 0) copyFileSync(file, dest);
  }
}

export interface Served extends RunningServer {
  data: WebData;
  questions?: QuestionWorker;
}

/**
 * PATHS served on 127.0.0.1 with a free port, as `ztpath serve PATHS --port 0` does: the long
 * questions in a worker thread (`inline: true` answers everything on the main thread).
 */
export async function serveEstate(
  paths: string[],
  opts: { serviceTags?: string; change?: string; cwd?: string; inline?: boolean; timeoutMs?: number; workerDelayMs?: number; maxWhatIfPairs?: number } = {},
): Promise<Served> {
  const cwd = opts.cwd ?? REPO;
  const io = fakeIo({ cwd });
  const values: Record<string, string> = {};
  if (opts.serviceTags) values['service-tags'] = opts.serviceTags;
  if (opts.change) values.change = opts.change;
  const args = { positionals: paths, values };
  const loaded = await loadForWeb(serveCommand, args, io, true);
  const title = paths.join(' ');
  const data = new WebData(loaded.dp, { title, version: 'test', after: loaded.after, whatifNote: loaded.whatifNote, whatifDiagnostics: loaded.whatifDiagnostics, maxWhatIfPairs: opts.maxWhatIfPairs });
  const questions = opts.inline ? undefined : new QuestionWorker({ args: workerArgs(args), cwd, title, version: 'test', delayMs: opts.workerDelayMs }, opts.timeoutMs);
  const build = await ensureWebBuild();
  const server = await startWebServer({ data, questions, host: '127.0.0.1', port: 0, assets: await readAppAssets(build) });
  return { ...server, data, questions };
}

export interface PageWatch {
  page: Page;
  errors: string[];
  dialogs: string[];
  /** Requests to anything but the page's own origin, file: or data: (blocked). */
  foreign: string[];
}

/** A page that records console errors, page errors and dialogs, and blocks every request that leaves 127.0.0.1 or the file. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1280, height: 800 }): Promise<PageWatch> {
  const context = await browser.newContext({ viewport });
  const watch: PageWatch = { page: await context.newPage(), errors: [], dialogs: [], foreign: [] };
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('file:') || u.startsWith('data:') || u.startsWith('http://127.0.0.1:')) return route.continue();
    watch.foreign.push(u);
    return route.abort();
  });
  watch.page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(m.text());
  });
  watch.page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  watch.page.on('dialog', (d) => {
    watch.dialogs.push(d.message());
    void d.dismiss();
  });
  await watch.page.goto(url);
  await watch.page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
  return watch;
}

export async function waitForView(page: Page, view: string): Promise<void> {
  await page.waitForFunction((v) => document.documentElement.dataset.viewReady === v, view, { timeout: 90_000 });
}

/** Click a drawn node of the graph (by its label), as a user does. */
export async function clickNode(page: Page, label: string): Promise<void> {
  const p = await page.evaluate((l) => {
    const cy = (window.__ztpath as { cy: import('cytoscape').Core }).cy;
    const n = cy.nodes().filter((x) => x.data('label') === l)[0];
    if (!n) throw new Error(`no drawn node labelled ${l}`);
    // as a user pans to a node before clicking it
    const b0 = cy.container()!.getBoundingClientRect();
    const r0 = n.renderedPosition();
    if (r0.x < 20 || r0.y < 20 || r0.x > b0.width - 20 || r0.y > b0.height - 20) cy.center(n);
    const r = n.renderedPosition();
    const b = cy.container()!.getBoundingClientRect();
    return { x: b.left + r.x, y: b.top + r.y };
  }, label);
  await page.mouse.click(p.x, p.y);
}

export async function countNodes(page: Page, selector: string): Promise<number> {
  return page.evaluate((s) => (window.__ztpath as { cy: import('cytoscape').Core }).cy.nodes(s).length, selector);
}

export async function pageState<T>(page: Page, key: string): Promise<T> {
  return page.evaluate((k) => (window.__ztpath as Record<string, unknown>)[k], key) as Promise<T>;
}
