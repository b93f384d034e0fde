// `ztpath serve` answers the long questions (blast, matrix, findings, exposure, what-if, reach) in a
// worker thread: while one runs, the server answers the topology, search and traces at once; the
// worker's answers are exactly the inline ones; a question over the time budget is stopped and
// answered with an error (504), and the next question gets a fresh worker. In the page: a
// "computing" status while a question runs, the search and the other views usable meanwhile, and
// the error shown in the panel.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE, SAMPLE_TAGS, type Served, browserDescribe, launchBrowser, openPage, serveEstate, shot, waitForView } from './helpers.ts';

const open: Served[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

async function serve(opts: Parameters<typeof serveEstate>[1]): Promise<Served> {
  const s = await serveEstate([SAMPLE], { serviceTags: SAMPLE_TAGS, ...opts });
  open.push(s);
  return s;
}

async function getJson(url: string): Promise<{ status: number; body: unknown; ms: number }> {
  const t0 = performance.now();
  const r = await fetch(url);
  return { status: r.status, body: await r.json(), ms: performance.now() - t0 };
}

describe('long questions run off the main thread', () => {
  it('answers other requests while a slow question is in flight, then the question itself', async () => {
    // Every worker answer waits 3 s first: a stand-in for a blast radius on a large estate.
    const s = await serve({ workerDelayMs: 3000 });
    const blastUrl = `${s.url}api/blast?from=vm-web01`;
    const started = performance.now();
    const blast = getJson(blastUrl);
    await expect.poll(() => s.questions!.pending, { timeout: 60_000 }).toBe(1);
    const [topo, search, trace] = await Promise.all([
      getJson(`${s.url}api/topology`),
      getJson(`${s.url}api/search?q=jump`),
      getJson(`${s.url}api/trace?from=vm-web01&to=10.2.1.100&protocol=Tcp&port=8443`),
    ]);
    const answeredAt = performance.now() - started;
    expect([topo.status, search.status, trace.status]).toEqual([200, 200, 200]);
    const b = await blast;
    const blastAt = performance.now() - started;
    expect(b.status).toBe(200);
    // The other requests did not wait for the blast radius (which took at least its 3 s delay).
    expect(s.questions!.pending).toBe(0);
    expect(blastAt).toBeGreaterThanOrEqual(3000);
    expect(answeredAt).toBeLessThan(blastAt);
    // The main thread remembered the answer: asked again, it is answered without the worker.
    const again = await getJson(blastUrl);
    expect(again.body).toEqual(b.body);
    expect(s.questions!.pending).toBe(0);
  }, 120_000);

  it('gives the same answers as the inline engine', async () => {
    const s = await serve({});
    const inline = await serve({ inline: true });
    for (const q of ['api/blast?from=vm-web01', 'api/exposure', 'api/findings', 'api/matrix', 'api/reach?from=vm-web01&to=vm-app01']) {
      const [a, b] = await Promise.all([getJson(s.url + q), getJson(inline.url + q)]);
      expect(a.status, q).toBe(b.status);
      expect(a.body, q).toEqual(b.body);
    }
  }, 120_000);

  it('stops a question over the time budget with an error, and answers the next one', async () => {
    const s = await serve({ workerDelayMs: 4000, timeoutMs: 1000 });
    const r = await getJson(`${s.url}api/exposure`);
    expect(r.status).toBe(504);
    expect((r.body as { error: string }).error).toMatch(/took longer than 1 s and was stopped/);
    // the server still answers, and a fresh worker takes the next question (the delay is over the budget again)
    expect((await getJson(`${s.url}api/topology`)).status).toBe(200);
    const next = await getJson(`${s.url}api/matrix`);
    expect(next.status).toBe(504);
  }, 120_000);

  it('reports a question that fails as an error answer', async () => {
    const s = await serve({});
    const r = await getJson(`${s.url}api/blast?from=no-such-vm`);
    expect(r.status).toBe(400);
    expect((r.body as { error: string }).error).toMatch(/no-such-vm/);
  }, 120_000);
});

browserDescribe('the page while a question computes', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows "computing", stays usable, and shows a question that timed out as an error', async () => {
    const s = await serve({ workerDelayMs: 4000, timeoutMs: 2500 });
    const { page, errors } = await openPage(browser, s.url);
    await page.click('#tabs button[data-view=exposure]');
    await page.waitForFunction(() => document.documentElement.dataset.busy === '1', null, { timeout: 30_000 });
    expect(await page.locator('#status-text').innerText()).toMatch(/computing the exposure on the server/);
    // the page still answers: search, and another view
    await page.fill('#search', 'jump');
    await expect.poll(() => page.locator('#search-results li').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await shot(page, 'computing', { keepMouse: true });
    await waitForView(page, 'exposure').catch(() => undefined);
    const error = page.locator('[data-testid=exposure-result] .error');
    await error.waitFor({ timeout: 60_000 });
    expect(await error.innerText()).toMatch(/the exposure took longer than 2.5 s and was stopped/);
    expect(await page.evaluate(() => document.documentElement.dataset.busy)).toBe('');
    expect(errors.filter((e) => !/504/.test(e))).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('switches views at once while a question computes, and drops the answer of the view it left', async () => {
    const s = await serve({ workerDelayMs: 3000 });
    const { page, errors } = await openPage(browser, s.url);
    await page.click('#tabs button[data-view=blast]');
    await waitForView(page, 'blast');
    await page.fill('[data-testid=blast-from]', 'vm-web01');
    await page.click('[data-testid=blast-run]');
    await page.waitForFunction(() => document.documentElement.dataset.busy === '1', null, { timeout: 30_000 });
    await page.click('#tabs button[data-view=trace]');
    // the trace view is there before the blast radius is
    await waitForView(page, 'trace');
    expect(await page.evaluate(() => document.documentElement.dataset.busy)).toBe('1');
    await page.waitForFunction(() => document.documentElement.dataset.busy === '', null, { timeout: 60_000 });
    // the blast radius arrived after we left: no depth colours on the trace view's graph
    expect(await page.evaluate(() => (window.__ztpath as { cy: import('cytoscape').Core }).cy.nodes('.depth-1, .blast-source').length)).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);
});
