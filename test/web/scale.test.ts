// Scale: the first screen of tier M (5,000 NICs, 200 VNets; `ztpath synth --tier M --seed 1`)
// opens collapsed (one node per VNet) from a small topology payload. The time from navigation
// start to the first drawn screen (data-ready: cytoscape's first render) and the page's
// main-thread CPU are printed and written to test/artifacts/web/tier-M.json, not asserted (see
// first-screen.ts; `npx tsx test/web/measure-first-screen.ts` repeats the measurement).

import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TopologyAnswer } from '../../cli/web-types.ts';
import { REPO, run } from '../cli/helpers.ts';
import { measureFirstScreen } from './first-screen.ts';
import { type Served, artifact, browserDescribe, countNodes, launchBrowser, serveEstate } from './helpers.ts';

// The benchmark's tier M when it is there (the same generator and seed), else generated once.
const BENCH_M = path.join(REPO, 'bench', 'estates', 'M-seed1');
const ESTATE = existsSync(path.join(BENCH_M, 'MANIFEST.txt')) ? BENCH_M : path.join(os.tmpdir(), 'ztpath-web-tier-M-seed-1');

browserDescribe('tier M (5,000 NICs)', () => {
  let browser: Browser;
  let served: Served;

  beforeAll(async () => {
    if (!existsSync(path.join(ESTATE, 'MANIFEST.txt')) || !readdirSync(ESTATE).some((f) => f.endsWith('.json'))) {
      const r = await run(['synth', '--tier', 'M', '--seed', '1', '--out', ESTATE]);
      expect(r.code, r.stderr).toBe(0);
    }
    served = await serveEstate([ESTATE]);
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('sends a small, collapsed first screen', () => {
    const t = served.data.answer('GET', '/api/topology', new URLSearchParams()).body as TopologyAnswer;
    expect(t.collapsed).toBe(true);
    expect(t.grouped).toBe(true);
    expect(t.counts.nics).toBeGreaterThanOrEqual(4000);
    expect(t.nodes.filter((n) => n.kind === 'vnet')).toHaveLength(200);
    expect(t.nodes.length).toBeLessThan(300);
    expect(JSON.stringify(t).length).toBeLessThan(150_000);
  });

  it('renders the first screen collapsed (and prints how long it took)', async () => {
    // The figures are printed and written, not asserted: timings on a shared machine are noise
    // (web/README.md records them with the load average; measure-first-screen.ts repeats them).
    const m = await measureFirstScreen(browser, served.url);
    expect(m.consoleErrors).toEqual([]);
    expect(m.drawn.vnet).toBe(200);
    expect(m.drawn.subnet ?? 0).toBe(0);
    const figures = { tier: 'M', nics: served.data.meta().counts.nics, ...m, cpus: os.cpus().length, when: new Date().toISOString() };
    writeFileSync(artifact('tier-M.json'), JSON.stringify(figures, null, 2) + '\n');
    console.log(`tier M first screen: ready ${m.renderMs} ms after navigation start (${JSON.stringify(m.timings)}), ${m.mainThreadCpuMs} ms main-thread CPU, load average ${m.loadAverage} on ${figures.cpus} CPUs`);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    await page.goto(served.url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 120_000 });
    await page.screenshot({ path: artifact('tier-M.png') });

    // opening a VNet draws its subnets and groups of NICs
    const vnet = await page.evaluate(() => {
      const cy = (window.__ztpath as { cy: import('cytoscape').Core }).cy;
      const n = cy.nodes('[kind = "vnet"]').filter((x) => x.degree(false) === 1)[0];
      const r = n.renderedPosition();
      const b = cy.container()!.getBoundingClientRect();
      return { id: n.id(), x: b.left + r.x, y: b.top + r.y };
    });
    await page.mouse.click(vnet.x, vnet.y);
    await expect.poll(() => countNodes(page, `[kind = "subnet"]`), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await countNodes(page, '[kind = "nicGroup"]')).toBeGreaterThan(0);
    await page.screenshot({ path: artifact('tier-M-opened.png') });
    expect(errors).toEqual([]);
    await context.close();
  });
});
