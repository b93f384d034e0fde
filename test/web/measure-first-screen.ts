// Measure the first screen of tier M (200 VNets, 5,000 endpoints) in headless Chromium, as a user
// gets it: `ztpath serve` in its own process, a fresh browser context per run.
//
//   npx tsx test/web/measure-first-screen.ts [--tier M] [--runs 5] [--estate DIR] [--out FILE.json]
//
// Prints every run and the medians, with the load average (the figures in web/README.md). The
// estate is bench/estates/<TIER>-seed1 when present, else `ztpath synth --tier TIER --seed 1`
// into the temporary directory.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchBrowser } from './chromium.ts';
import { type FirstScreen, measureFirstScreen, median } from './first-screen.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ZTPATH = path.join(REPO, 'bin', 'ztpath.js');

const { values } = parseArgs({ options: { tier: { type: 'string', default: 'M' }, runs: { type: 'string', default: '5' }, estate: { type: 'string' }, out: { type: 'string' } } });
const tier = values.tier!.toUpperCase();
const runs = Number(values.runs);

function estateDir(): string {
  if (values.estate) return path.resolve(values.estate);
  const bench = path.join(REPO, 'bench', 'estates', `${tier}-seed1`);
  if (existsSync(path.join(bench, 'MANIFEST.txt'))) return bench;
  const tmp = path.join(os.tmpdir(), `ztpath-web-tier-${tier}-seed-1`);
  if (!existsSync(path.join(tmp, 'MANIFEST.txt'))) {
    process.stderr.write(`generating tier ${tier} into ${tmp}\n`);
    const r = spawnSync(process.execPath, [ZTPATH, 'synth', '--tier', tier, '--seed', '1', '--out', tmp], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('ztpath synth failed');
  }
  return tmp;
}

/** `ztpath serve DIR --port 0 --json`: resolves with the URL once it listens. */
function serve(dir: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [ZTPATH, 'serve', dir, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ url: (JSON.parse(line) as { url: string }).url, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`ztpath serve exited with ${code}`)));
  });
}

const dir = estateDir();
const t0 = Date.now();
const served = await serve(dir);
process.stdout.write(`tier ${tier}: served ${path.relative(REPO, dir) || dir} on ${served.url} (load and compile ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
const browser = await launchBrowser();
const results: FirstScreen[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const r = await measureFirstScreen(browser, served.url);
    results.push(r);
    const t = r.timings;
    process.stdout.write(
      `run ${i + 1}: ready ${r.renderMs} ms (script ${t.scriptStart}, data ${t.dataLoaded}, graph ${t.graphCreated}, placed ${t.laidOut}, drawn ${t.rendered}), ` +
        `main-thread CPU ${r.mainThreadCpuMs} ms, load average ${r.loadAverage}${r.consoleErrors.length ? `, console errors: ${r.consoleErrors.join(' | ')}` : ''}\n`,
    );
  }
} finally {
  await browser.close();
  served.stop();
}
const last = results.at(-1)!;
const summary = {
  tier,
  runs,
  medianRenderMs: median(results.map((r) => r.renderMs)),
  medianCpuMs: median(results.map((r) => r.mainThreadCpuMs)),
  drawn: last.drawn,
  topologyBytes: last.topologyBytes,
  topologyWireBytes: last.topologyWireBytes,
  scriptWireBytes: last.scriptWireBytes,
  loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
  cpus: os.cpus().length,
  chromium: browser.version(),
  when: new Date().toISOString(),
  results,
};
process.stdout.write(
  `median: ready ${summary.medianRenderMs} ms, main-thread CPU ${summary.medianCpuMs} ms; drawn ${Object.entries(last.drawn).map(([k, v]) => `${v} ${k}`).join(', ')}; ` +
    `/api/topology ${last.topologyBytes} bytes (${last.topologyWireBytes} gzip), script ${last.scriptWireBytes} bytes; load average ${summary.loadAverage.join(' ')} on ${summary.cpus} CPUs\n`,
);
if (values.out) writeFileSync(values.out, JSON.stringify(summary, null, 2) + '\n');
