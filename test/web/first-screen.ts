// The first screen of an estate in headless Chromium, measured: from navigation start to the
// moment the page sets data-ready (cytoscape's first `render` event after the first screen's
// elements are placed, web/src/main.ts), with the page's milestones on the way, its main-thread
// CPU time, and the bytes of the first topology answer. Shared by test/web/scale.test.ts (which
// asserts only that the screen renders) and measure-first-screen.ts (which prints the figures).
// No vitest here.

import os from 'node:os';
import type { Browser } from 'playwright-core';

export interface FirstScreen {
  /** Navigation start to data-ready, wall clock (ms). */
  renderMs: number;
  /** Milestones in ms since navigation start: scriptStart, dataLoaded, graphCreated, laidOut, rendered. */
  timings: Record<string, number>;
  /** The page's main-thread CPU time up to data-ready (ms). */
  mainThreadCpuMs: number;
  /** Drawn nodes by kind. */
  drawn: Record<string, number>;
  /** /api/topology: JSON bytes, and bytes on the wire (gzip). */
  topologyBytes: number;
  topologyWireBytes: number;
  /** The app's script, bytes on the wire. */
  scriptWireBytes: number;
  consoleErrors: string[];
  loadAverage: number;
}

export async function measureFirstScreen(browser: Browser, url: string): Promise<FirstScreen> {
  // A fresh context: nothing cached from an earlier run.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    let topologyBytes = 0;
    let topologyWireBytes = 0;
    let scriptWireBytes = 0;
    page.on('response', (r) => {
      const u = new URL(r.url());
      const wire = Number(r.headers()['content-length'] ?? 0);
      if (u.pathname === '/api/topology' && !u.search) {
        topologyWireBytes = wire;
        void r.body().then((b) => (topologyBytes = b.length)).catch(() => undefined);
      } else if (u.pathname.endsWith('.js')) scriptWireBytes += wire;
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 120_000, polling: 10 });
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    const cpu = metrics.find((m) => m.name === 'ThreadTime')?.value ?? metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
    const state = await page.evaluate(() => {
      const z = window.__ztpath as { renderMs: number; timings: Record<string, number>; cy: import('cytoscape').Core };
      const drawn: Record<string, number> = {};
      z.cy.nodes().forEach((n) => void (drawn[String(n.data('kind'))] = (drawn[String(n.data('kind'))] ?? 0) + 1));
      return { renderMs: z.renderMs, timings: z.timings, drawn };
    });
    return { ...state, mainThreadCpuMs: Math.round(cpu * 1000), topologyBytes, topologyWireBytes, scriptWireBytes, consoleErrors, loadAverage: Math.round(os.loadavg()[0] * 10) / 10 };
  } finally {
    await context.close();
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : Math.round((s[s.length / 2 - 1] + s[s.length / 2]) / 2)) : NaN;
}
