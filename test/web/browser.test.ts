// The web view in Debian's Chromium, on the sample estate served as `ztpath serve` serves it:
// the topology loads with the sample's VNets and subnets and no console error; a trace chosen
// through the UI highlights the hops `ztpath trace` prints; the blast radius marks the nodes
// `ztpath blast` reaches; exposure, findings, matrix and what-if render. Screenshots of each view
// go to test/artifacts/web/.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/main.ts';
import { runJson } from '../cli/helpers.ts';
import { SAMPLE, SAMPLE_TAGS, type PageWatch, type Served, browserDescribe, clickNode, countNodes, launchBrowser, openPage, pageState, serveEstate, shot, waitForView } from './helpers.ts';

interface TraceJson {
  disposition: string;
  source: { resource: string; ip: string };
  hops: { resource: string; ip: string }[];
}

const hasVerb = (v: string) => COMMANDS.some((c) => c.name === v);

browserDescribe('the web view in Chromium (sample estate)', () => {
  let browser: Browser;
  let served: Served;
  let w: PageWatch;
  let page: Page;

  const locate = (items: { resource?: string; ip?: string; name?: string }[]) => (served.data.answer('POST', '/api/locate', new URLSearchParams(), { items }).body as { nodes: (string | null)[] }).nodes;

  /** The path `ztpath trace` prints, as topology nodes (consecutive repeats folded). */
  const expectedPath = (t: TraceJson) => {
    const out: string[] = [];
    for (const id of locate([t.source, ...t.hops].map((h) => ({ resource: h.resource, ip: h.ip })))) if (id && out[out.length - 1] !== id) out.push(id);
    return out;
  };

  beforeAll(async () => {
    served = await serveEstate([SAMPLE], { serviceTags: SAMPLE_TAGS });
    browser = await launchBrowser();
    w = await openPage(browser, served.url);
    page = w.page;
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('loads the sample: 5 VNets, 11 subnets, every NIC, no console error', async () => {
    await waitForView(page, 'topology');
    expect(await countNodes(page, '[kind = "vnet"]')).toBe(5);
    expect(await countNodes(page, '[kind = "subnet"]')).toBe(11);
    expect(await countNodes(page, '[kind = "nic"]')).toBe(19);
    expect(await page.locator('#estate-title').textContent()).toBe(SAMPLE);
    expect(await page.locator('#mode').textContent()).toContain('127.0.0.1');
    await shot(page, 'topology-overview');
    expect(w.errors).toEqual([]);
  });

  it('shows the details of a clicked node: NSG rules, routes, public IP, findings', async () => {
    await clickNode(page, 'vm-jump01');
    const details = page.locator('[data-testid=details]');
    await details.waitFor();
    await expect.poll(() => details.locator('h2').textContent()).toBe('vm-jump01');
    const text = await details.innerText();
    expect(text).toContain('securityRules/Allow-RDP-Internet');
    expect(text).toContain('51.105.164.23');
    expect(text).toContain('Effective routes');
    await shot(page, 'topology');
  });

  it('a trace chosen through the UI highlights the same hops as `ztpath trace`', async () => {
    await page.click('#tabs button[data-view=trace]');
    await waitForView(page, 'trace');
    await page.click('[data-testid=trace-from]');
    await clickNode(page, 'vm-web01');
    await expect.poll(() => page.inputValue('[data-testid=trace-from]')).toBe('vm-web01');
    await page.fill('[data-testid=trace-to]', '10.2.1.100');
    await page.selectOption('[data-testid=trace-protocol]', 'Tcp');
    await page.fill('[data-testid=trace-port]', '8443');
    await page.click('[data-testid=trace-run]');
    await page.locator('[data-testid=trace-verdict]').waitFor();
    const cli = (await runJson<TraceJson>(['trace', SAMPLE, '--service-tags', SAMPLE_TAGS, '--from', 'vm-web01', '--to', '10.2.1.100', '--protocol', 'Tcp', '--port', '8443'])).json;
    expect(await page.locator('[data-testid=trace-verdict] strong').textContent()).toBe(cli.disposition);
    // the listed hops are the CLI's hops
    const listed = await page.locator('[data-testid=trace-hops] > li').evaluateAll((els) => els.map((e) => ({ resource: (e as HTMLElement).dataset.resource, ip: (e as HTMLElement).dataset.ip })));
    expect(listed).toEqual([cli.source, ...cli.hops].map((h) => ({ resource: h.resource, ip: h.ip })));
    // the highlighted nodes are the CLI's hops, in order
    const want = expectedPath(cli);
    expect(want.length).toBeGreaterThanOrEqual(4);
    expect(await pageState<string[]>(page, 'tracePath')).toEqual(want);
    const highlighted = await page.evaluate(() => (window.__ztpath as { cy: import('cytoscape').Core }).cy.nodes('.on-path, .path-end, .path-blocked').map((n) => n.id()));
    expect(highlighted.sort()).toEqual([...want].sort());
    expect(await countNodes(page, '.path-end')).toBe(1);
    expect(await page.evaluate(() => (window.__ztpath as { cy: import('cytoscape').Core }).cy.edges('.hop').length)).toBe(want.length - 1);
    await shot(page, 'trace');
  });

  it('a blocked trace shows where and why', async () => {
    await page.fill('[data-testid=trace-from]', 'vm-web01');
    await page.fill('[data-testid=trace-to]', 'vm-sql01');
    await page.fill('[data-testid=trace-port]', '1433');
    await page.click('[data-testid=trace-run]');
    await expect.poll(() => page.locator('[data-testid=trace-verdict] strong').textContent()).toBe('DENIED_OUT');
    const stopped = await page.locator('[data-testid=trace-stopped]').innerText();
    expect(stopped).toContain('nsg-outbound');
    expect(stopped).toContain('securityRules/Deny-All-Outbound');
    const cli = (await runJson<TraceJson>(['trace', SAMPLE, '--service-tags', SAMPLE_TAGS, '--from', 'vm-web01', '--to', 'vm-sql01', '--protocol', 'Tcp', '--port', '1433'])).json;
    const [source] = expectedPath(cli);
    expect(await page.evaluate((id) => (window.__ztpath as { cy: import('cytoscape').Core }).cy.getElementById(id).hasClass('path-blocked'), source)).toBe(true);
    await shot(page, 'trace-blocked');
  });

  it('what the jump box exposes: RDP from the internet, through its public IP', async () => {
    await page.goto(`${served.url}#trace&from=internet&to=vm-jump01&protocol=Tcp&port=3389&viaPublicIp=1`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    await waitForView(page, 'trace');
    await expect.poll(() => page.locator('[data-testid=trace-verdict] strong').textContent()).toBe('ACCEPTED');
    expect(await page.locator('[data-testid=trace-hops]').innerText()).toContain('securityRules/Allow-RDP-Internet');
  });

  it('the blast radius overlay marks the same nodes as `ztpath blast`', async () => {
    await page.click('#tabs button[data-view=blast]');
    await waitForView(page, 'blast');
    if (!hasVerb('blast') || !served.data.meta().features.blast) {
      await page.locator('[data-testid=not-available]').waitFor();
      return;
    }
    await clickNode(page, 'vm-web01');
    await page.locator('[data-testid=blast-summary]').waitFor({ timeout: 90_000 });
    const cli = (await runJson<{ reached: { resource: string; ip?: string }[]; exits: { kind: string; target: string }[] }>(['blast', SAMPLE, '--service-tags', SAMPLE_TAGS, '--from', 'vm-web01'])).json;
    const source = locate([{ name: 'vm-web01' }])[0];
    const want = new Set(
      locate([...cli.reached.map((r) => ({ resource: r.resource, ip: r.ip })), ...cli.exits.map((x) => ({ resource: x.kind === 'internet' ? 'internet' : 'onPremises', ip: x.target }))]).filter(
        (x): x is string => !!x && x !== source,
      ),
    );
    expect(want.size).toBeGreaterThan(5);
    expect(new Set(await pageState<string[]>(page, 'blastNodes'))).toEqual(want);
    const marked = await page.evaluate(() => (window.__ztpath as { cy: import('cytoscape').Core }).cy.nodes('[class *= "depth-"], .marked').filter((n) => [...n.classes()].some((c) => c.startsWith('depth-'))).map((n) => n.id()));
    expect(new Set(marked)).toEqual(want);
    // every reached endpoint is listed
    expect(await page.locator('[data-testid=blast-list] li').count()).toBe(cli.reached.length);
    // Summed up by VNet, as `ztpath blast --by vnet` sums it up.
    const byVnet = (await runJson<{ groups: { kind: string; name: string }[] }>(['blast', SAMPLE, '--service-tags', SAMPLE_TAGS, '--from', 'vm-web01', '--by', 'vnet'])).json.groups;
    expect(byVnet.length).toBeGreaterThan(1);
    expect(await page.locator('[data-testid=blast-groups] li strong').allTextContents()).toEqual(byVnet.map((g) => (g.kind === 'storageAccounts' ? '(storage accounts)' : g.name)));
    // hovering a reached node shows its attack path
    const app01 = await page.evaluate(() => {
      const cy = (window.__ztpath as { cy: import('cytoscape').Core }).cy;
      const n = cy.nodes().filter((x) => x.data('label') === 'vm-app01')[0];
      cy.center(n);
      const r = n.renderedPosition();
      const b = cy.container()!.getBoundingClientRect();
      return { x: b.left + r.x, y: b.top + r.y };
    });
    await page.mouse.move(app01.x, app01.y);
    await expect.poll(() => page.locator('#tooltip').innerText()).toContain('vm-web01 -> vm-app01');
    expect(await page.evaluate(() => (window.__ztpath as { cy: import('cytoscape').Core }).cy.edges('.attack').length)).toBeGreaterThan(0);
    await shot(page, 'blast', { keepMouse: true });
  });

  it('exposure marks the internet-reachable nodes with their ports', async () => {
    await page.mouse.move(5, 5);
    await page.click('#tabs button[data-view=exposure]');
    await waitForView(page, 'exposure');
    if (!served.data.meta().features.exposure) {
      await page.locator('[data-testid=not-available]').waitFor();
      return;
    }
    const list = await page.locator('[data-testid=exposure-list]').innerText();
    expect(list).toContain('vm-jump01');
    expect(list).toContain('Tcp 3389');
    const jump = locate([{ name: 'vm-jump01' }])[0]!;
    const node = await page.evaluate((id) => {
      const n = (window.__ztpath as { cy: import('cytoscape').Core }).cy.getElementById(id);
      return { exposed: n.hasClass('exposed'), label: String(n.data('display')) };
    }, jump);
    expect(node.exposed).toBe(true);
    expect(node.label).toContain('Tcp 3389');
    await shot(page, 'exposure');
  });

  it('findings: the list, and a finding focuses the graph on its resource', async () => {
    await page.click('#tabs button[data-view=findings]');
    await waitForView(page, 'findings');
    if (!served.data.meta().features.findings) {
      await page.locator('[data-testid=not-available]').waitFor();
      return;
    }
    const items = page.locator('[data-testid=findings-list] > li');
    expect(await items.count()).toBeGreaterThan(3);
    const rdp = items.filter({ hasText: 'ZT-EXPOSED-MGMT-PORT' }).first();
    await rdp.click();
    const jump = locate([{ name: 'vm-jump01' }])[0]!;
    await expect.poll(() => page.evaluate((id) => (window.__ztpath as { cy: import('cytoscape').Core }).cy.getElementById(id).selected(), jump)).toBe(true);
    await shot(page, 'findings');
  });

  it('the matrix is a heat map of subnet-to-subnet reachability', async () => {
    await page.click('#tabs button[data-view=matrix]');
    await waitForView(page, 'matrix');
    if (!served.data.meta().features.matrix) {
      await page.locator('[data-testid=not-available]').waitFor();
      return;
    }
    const table = page.locator('[data-testid=matrix-table]');
    await table.waitFor();
    const groups = (served.data.answer('GET', '/api/matrix', new URLSearchParams()).body as { groups: unknown[]; cells: unknown[] });
    expect(await table.locator('tbody tr').count()).toBe(groups.groups.length);
    expect(await table.locator('td.open').count()).toBe(groups.cells.length);
    await table.locator('td.open').first().click();
    await expect.poll(() => page.locator('[data-testid=matrix-side]').innerText()).toContain('→');
    await shot(page, 'matrix');
  });

  it('what-if without --change says how to get it', async () => {
    await page.click('#tabs button[data-view=whatif]');
    await waitForView(page, 'whatif');
    expect(await page.locator('[data-testid=not-available]').innerText()).toContain('--change');
  });

  it('raised no console error and asked for nothing outside 127.0.0.1', () => {
    expect(w.errors).toEqual([]);
    expect(w.foreign).toEqual([]);
  });
});

browserDescribe('what-if in Chromium (the sample with a change)', () => {
  let browser: Browser;
  let served: Served;

  beforeAll(async () => {
    served = await serveEstate([SAMPLE], { serviceTags: SAMPLE_TAGS, change: 'test/web/fixtures/lock-down-nsg-db.json' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('draws newly allowed and newly blocked flows in their colours', async () => {
    if (!served.data.meta().features.whatif) return;
    const w = await openPage(browser, `${served.url}#whatif`);
    await waitForView(w.page, 'whatif');
    const answer = served.data.answer('GET', '/api/whatif', new URLSearchParams()).body as { newlyAllowed: unknown[]; newlyBlocked: unknown[] };
    expect(answer.newlyBlocked.length).toBeGreaterThan(0);
    expect(await w.page.locator('[data-testid=whatif-blocked] li').count()).toBe(answer.newlyBlocked.length);
    expect(await w.page.locator('[data-testid=whatif-allowed] li').count()).toBe(answer.newlyAllowed.length);
    const edges = await w.page.evaluate(() => (window.__ztpath as { cy: import('cytoscape').Core }).cy.edges('.newly-blocked, .newly-allowed').length);
    expect(edges).toBeGreaterThan(0);
    await shot(w.page, 'whatif');
    expect(w.errors).toEqual([]);
  });
});

browserDescribe('the web view: a what-if too large to compare flow by flow', () => {
  let browser: Browser;
  let served: Served;

  beforeAll(async () => {
    // Its 249 candidate pairs count ten times each against a limit of 10 (core's whatif.too-large).
    served = await serveEstate([SAMPLE], { change: 'examples/changes/remove-legacy-peering.json', inline: true, maxWhatIfPairs: 10 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('says the flows were not compared, not that nothing changed', async () => {
    if (!served.data.meta().features.whatif) return;
    const answer = served.data.answer('GET', '/api/whatif', new URLSearchParams()).body as { stats: { flowsCompared?: boolean }; changes: unknown[] };
    expect(answer.stats.flowsCompared).toBe(false);
    const w = await openPage(browser, `${served.url}#whatif`);
    await waitForView(w.page, 'whatif');
    const verdict = w.page.locator('[data-testid=whatif-verdict]');
    await verdict.waitFor();
    expect(await verdict.textContent()).toBe(`Flows and internet exposure not compared (too many pairs: see the caveats); ${answer.changes.length} changed resources.`);
    expect(await w.page.locator('.caveats li', { hasText: 'Flows and internet exposure were not compared' }).count()).toBe(1);
    expect(w.errors).toEqual([]);
  });
});

browserDescribe('the web view: a change Azure would refuse', () => {
  let browser: Browser;
  let served: Served;

  beforeAll(async () => {
    served = await serveEstate([SAMPLE], { change: 'test/fixtures/changes/asg-pair-across-vnets.json', inline: true });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it("shows the change file's errors above the answer, as `ztpath whatif` prints them", async () => {
    const notes = served.data.meta().whatifDiagnostics ?? [];
    expect(notes).toEqual([expect.stringMatching(/^test\/fixtures\/changes\/asg-pair-across-vnets\.json: error asg\.rule-vnet-mismatch: security rule Allow-App-Db of nsg-db /)]);
    const w = await openPage(browser, `${served.url}#whatif`);
    await waitForView(w.page, 'whatif');
    const box = w.page.locator('[data-testid=whatif-diagnostics]');
    await box.waitFor();
    expect(await box.locator('li').allTextContents()).toEqual(notes);
    await w.page.locator('[data-testid=whatif-verdict]').waitFor();
    expect(w.errors).toEqual([]);
  });
});
