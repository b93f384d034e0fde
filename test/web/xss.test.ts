// Resource names are data, never HTML (DESIGN.md principle 7): the sample estate with a VM, its
// NIC, a subnet and an NSG rule named like an HTML injection renders those names as text, in
// the served view and in the report, and no script or image is ever created from them.

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO, run } from '../cli/helpers.ts';
import { type Served, artifact, browserDescribe, launchBrowser, openPage, serveEstate, waitForView } from './helpers.ts';

const XSS = '<img src=x onerror=alert(1)>';
const XSS_SUBNET = '<script>alert(2)</script>';
const XSS_RULE = '"><svg onload=alert(3)>';

/** The sample with hostile names (only `name` fields change: ids stay as they are). */
function hostileEstate(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ztpath-xss-'));
  cpSync(path.join(REPO, 'examples/hub-spoke'), dir, { recursive: true });
  const file = path.join(dir, 'rg-web.json');
  let text = readFileSync(file, 'utf8');
  const swap = (from: string, to: string) => {
    const before = text;
    text = text.replace(`"name": "${from}"`, `"name": ${JSON.stringify(to)}`);
    if (text === before) throw new Error(`no "name": "${from}" in rg-web.json`);
  };
  swap('vm-web01', XSS);
  swap('nic-vm-web01', `nic-${XSS}`);
  swap('snet-web', XSS_SUBNET);
  swap('Allow-Web-To-App-8443', XSS_RULE);
  writeFileSync(file, text);
  return dir;
}

async function noInjectedElements(page: Page): Promise<void> {
  const found = await page.evaluate(() => ({
    img: document.querySelectorAll('img').length,
    svg: document.querySelectorAll('svg').length,
    // data blocks (type application/json) hold the names escaped; no script that runs may
    scripts: Array.from(document.querySelectorAll('script')).filter((s) => s.type !== 'application/json' && (s.textContent ?? '').includes('alert(')).length,
    handlers: Array.from(document.querySelectorAll('*')).filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith('on'))).length,
  }));
  expect(found).toEqual({ img: 0, svg: 0, scripts: 0, handlers: 0 });
}

browserDescribe('hostile resource names render as text', () => {
  let browser: Browser;
  let served: Served;
  let dir: string;

  beforeAll(async () => {
    dir = hostileEstate();
    served = await serveEstate([dir]);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('in the served view: search, details, labels and a trace', async () => {
    const w = await openPage(browser, served.url);
    const page = w.page;
    await waitForView(page, 'topology');
    // the graph label is the literal name
    const labels = await page.evaluate(() => (window.__ztpath as { cy: import('cytoscape').Core }).cy.nodes().map((n) => String(n.data('label'))));
    expect(labels).toContain(XSS);
    expect(labels).toContain(XSS_SUBNET);
    // search shows it as text
    await page.fill('#search', '<img');
    const result = page.locator('#search-results li.clickable').first();
    await result.waitFor();
    expect(await result.locator('strong').textContent()).toBe(XSS);
    await result.dispatchEvent('mousedown');
    const details = page.locator('[data-testid=details]');
    await details.waitFor();
    await expect.poll(() => details.locator('h2').textContent()).toBe(XSS);
    expect(await details.innerText()).toContain(XSS_SUBNET);
    // a trace whose steps name the hostile rule
    await page.goto(`${served.url}#trace&from=${encodeURIComponent(XSS)}&to=10.2.1.100&protocol=Tcp&port=8443`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    await waitForView(page, 'trace');
    await expect.poll(() => page.locator('[data-testid=trace-verdict] strong').textContent()).toBe('ACCEPTED');
    const hops = await page.locator('[data-testid=trace-hops]').innerText();
    expect(hops).toContain(XSS);
    expect(hops).toContain(`securityRules/${XSS_RULE}`);
    await page.screenshot({ path: artifact('xss.png') });
    await noInjectedElements(page);
    expect(w.dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
  });

  it('in the report', async () => {
    const file = path.join(dir, '..', `${path.basename(dir)}-report.html`);
    const r = await run(['report', dir, '-o', file, '--quiet', '--blast-top', '0']);
    expect(r.code, r.stderr).toBe(0);
    const w = await openPage(browser, pathToFileURL(file).href);
    await waitForView(w.page, 'topology');
    const labels = await w.page.evaluate(() => (window.__ztpath as { cy: import('cytoscape').Core }).cy.nodes().map((n) => String(n.data('label'))));
    expect(labels).toContain(XSS);
    await w.page.click('#tabs button[data-view=findings]');
    await waitForView(w.page, 'findings');
    await noInjectedElements(w.page);
    expect(w.dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
  });
});
