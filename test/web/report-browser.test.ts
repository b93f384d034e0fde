// The report opened from disk in Chromium with every network request blocked: it loads, asks for
// nothing but itself, and computes a trace in the page with the bundled engine (the same answer
// as `ztpath trace`).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run, runJson } from '../cli/helpers.ts';
import { SAMPLE, SAMPLE_TAGS, artifact, browserDescribe, countNodes, launchBrowser, openPage, waitForView } from './helpers.ts';

browserDescribe('the report in Chromium, from file://, offline', () => {
  let browser: Browser;
  let url = '';

  beforeAll(async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ztpath-report-')), 'report.html');
    const r = await run(['report', SAMPLE, '--service-tags', SAMPLE_TAGS, '-o', file, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    url = pathToFileURL(file).href;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('opens with no network, draws the estate and traces in the page', async () => {
    const w = await openPage(browser, url);
    const requests: string[] = [];
    w.page.on('request', (r) => requests.push(r.url()));
    await waitForView(w.page, 'topology');
    expect(await countNodes(w.page, '[kind = "vnet"]')).toBe(5);
    expect(await countNodes(w.page, '[kind = "subnet"]')).toBe(11);
    expect(await w.page.locator('#mode').textContent()).toContain('offline');

    await w.page.click('#tabs button[data-view=trace]');
    await waitForView(w.page, 'trace');
    await w.page.fill('[data-testid=trace-from]', 'vm-web01');
    await w.page.fill('[data-testid=trace-to]', '10.2.1.100');
    await w.page.fill('[data-testid=trace-port]', '8443');
    await w.page.click('[data-testid=trace-run]');
    await w.page.locator('[data-testid=trace-verdict]').waitFor({ timeout: 60_000 });
    const cli = (await runJson<{ disposition: string; source: { resource: string; ip: string }; hops: { resource: string; ip: string }[] }>(['trace', SAMPLE, '--service-tags', SAMPLE_TAGS, '--from', 'vm-web01', '--to', '10.2.1.100', '--protocol', 'Tcp', '--port', '8443'])).json;
    expect(await w.page.locator('[data-testid=trace-verdict] strong').textContent()).toBe(cli.disposition);
    const listed = await w.page.locator('[data-testid=trace-hops] > li').evaluateAll((els) => els.map((e) => ({ resource: (e as HTMLElement).dataset.resource, ip: (e as HTMLElement).dataset.ip })));
    expect(listed).toEqual([cli.source, ...cli.hops].map((h) => ({ resource: h.resource, ip: h.ip })));

    // the precomputed views open too
    await w.page.click('#tabs button[data-view=findings]');
    await waitForView(w.page, 'findings');
    await w.page.screenshot({ path: artifact('report-findings.png') });

    expect(w.foreign).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    expect(w.errors).toEqual([]);
  });
});
