// `ztpath report`: one self-contained HTML file. Everything is inline, the CSP allows exactly the
// two inline scripts (by hash) and no connection, and the data blocks cannot break out of their
// <script> elements.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonForScript, scriptSafe, sha256 } from '../../cli/web-report.ts';
import { run } from '../cli/helpers.ts';
import { SAMPLE, SAMPLE_TAGS } from './helpers.ts';

let html = '';
let file = '';

function answersOf(page: string): Record<string, unknown> {
  return JSON.parse(/<script type="application\/json" id="ztpath-answers">([\s\S]*?)<\/script>/.exec(page)![1]) as Record<string, unknown>;
}

/** One VNet with `n` /28 subnets and nothing in them, as an az CLI export. */
function vnetWithSubnets(n: number): string {
  const id = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/big';
  const subnets = Array.from({ length: n }, (_, i) => ({
    id: `${id}/subnets/s${i}`,
    name: `s${i}`,
    properties: { addressPrefix: `10.${(i >> 4) & 255}.${(i & 15) * 16}.0/28` },
  }));
  return JSON.stringify({ value: [{ id, name: 'big', type: 'Microsoft.Network/virtualNetworks', location: 'westeurope', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/8'] }, subnets } }] });
}

beforeAll(async () => {
  file = path.join(mkdtempSync(path.join(tmpdir(), 'ztpath-report-')), 'report.html');
  const r = await run(['report', SAMPLE, '--service-tags', SAMPLE_TAGS, '-o', file, '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('fetches nothing');
  html = readFileSync(file, 'utf8');
});

describe('the report file', () => {
  it('references nothing outside itself', () => {
    for (const m of html.matchAll(/<(?:script|link|img|iframe)\b[^>]*>/gi)) expect(m[0]).not.toMatch(/\s(src|href)="(?!data:)/);
    expect(html).not.toMatch(/<link[^>]+stylesheet/);
  });

  it('has a CSP that allows only its two inline scripts, by hash, and no connection', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).not.toContain('unsafe-inline\' \'sha');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const scripts = [...html.matchAll(/<script(?: type="module")?>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(scripts).toHaveLength(2);
    const hashes = /script-src ([^;]+)/.exec(csp)![1].trim().split(/\s+/);
    expect(hashes.sort()).toEqual(scripts.map(sha256).sort());
  });

  it('carries the answers and the engine input as JSON', () => {
    const answers = answersOf(html);
    expect(Object.keys(answers)).toEqual(expect.arrayContaining(['/api/meta', '/api/topology', '/api/matrix']));
    expect((answers['/api/meta'] as { mode: string }).mode).toBe('report');
    const inputs = JSON.parse(/<script type="application\/json" id="ztpath-inputs">([\s\S]*?)<\/script>/.exec(html)![1]) as { documents: { file: string }[]; serviceTags?: { file: string } };
    expect(inputs.documents.map((d) => d.file)).toContain('examples/hub-spoke/rg-hub.json');
    expect(inputs.serviceTags?.file).toContain('ServiceTags_Public_sample.json');
  });

  it('escapes what could end a <script> element early', () => {
    expect(jsonForScript({ name: '</script><img src=x onerror=alert(1)><!--' })).not.toMatch(/<\/script|<img|<!--/i);
    expect(JSON.parse(jsonForScript({ name: '</script>' }))).toEqual({ name: '</script>' });
    expect(scriptSafe('a = "</script>"; b = "<!--"')).toBe('a = "<\\/script>"; b = "<\\!--"');
  });

  it('needs -o', async () => {
    const r = await run(['report', SAMPLE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out');
  });
});

describe('a large estate', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ztpath-report-large-'));

  it('leaves the matrix of more than 300 subnets to the page (computed when it is opened)', async () => {
    writeFileSync(path.join(dir, 'vnet.json'), vnetWithSubnets(301));
    const out = path.join(dir, 'large.html');
    const r = await run(['report', path.join(dir, 'vnet.json'), '-o', out, '--json']);
    expect(r.code).toBe(0);
    const written = JSON.parse(r.stdout) as { precomputed: string[] };
    expect(written.precomputed).not.toContain('/api/matrix');
    expect(written.precomputed).toContain('/api/topology');
    expect(Object.keys(answersOf(readFileSync(out, 'utf8')))).not.toContain('/api/matrix');
  });

  it('is refused with exit 2 and a hint when its input is too long for one page', async () => {
    writeFileSync(path.join(dir, 'small.json'), vnetWithSubnets(3));
    const input = path.join(dir, 'small.json');
    const refused = path.join(dir, 'refused.html');
    const r = await run(['report', input, '-o', refused], { env: { ZTPATH_REPORT_MAX_INPUT_BYTES: '100' } });
    expect(r.code).toBe(2);
    const size = readFileSync(input).length.toLocaleString('en-US');
    expect(r.stderr).toMatch(new RegExp(`^ztpath: the estate is too large for a self-contained report: its input is ${size} bytes of JSON, more than the 100 one page can carry\n`));
    expect(existsSync(refused)).toBe(false);
    expect(r.stderr).toContain('ztpath serve');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('what-if in the report, and --max-pairs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ztpath-report-whatif-'));
  const change = 'examples/changes/remove-legacy-peering.json';

  it('the precomputed what-if honours --max-pairs as `ztpath whatif` does', async () => {
    const whatif = async (extra: string[]) => {
      const out = path.join(dir, `w${extra.length}.html`);
      const r = await run(['report', SAMPLE, '-o', out, '--change', change, '--quiet', ...extra]);
      expect(r.code).toBe(0);
      return answersOf(readFileSync(out, 'utf8'))['/api/whatif'] as { stats: { flowsCompared?: boolean }; newlyBlocked: unknown[] };
    };
    const compared = await whatif([]);
    expect(compared.stats.flowsCompared).toBeUndefined();
    expect(compared.newlyBlocked.length).toBeGreaterThan(0);
    // Its 249 candidate pairs count ten times each against the limit.
    const limited = await whatif(['--max-pairs', '10']);
    expect(limited.stats.flowsCompared).toBe(false);
    expect(limited.newlyBlocked).toEqual([]);
  }, 60_000);

  it('a bad --max-pairs is a usage error (exit 2) for report and serve, before anything is read', async () => {
    for (const verb of ['report', 'serve']) {
      const r = await run([verb, SAMPLE, '-o', path.join(dir, 'x.html'), '--change', change, '--max-pairs', 'many'].filter((a) => verb === 'report' || (a !== '-o' && !a.endsWith('x.html'))));
      expect(r.code, verb).toBe(2);
      expect(r.stderr, verb).toContain('--max-pairs many: expected a positive whole number');
    }
  });

  it("serve's question worker gets --max-pairs with the snapshot's flags", async () => {
    const { workerArgs } = await import('../../cli/commands/serve.ts');
    expect(workerArgs({ positionals: [SAMPLE], values: { change: change, 'max-pairs': '10', port: '0' } })).toEqual({ positionals: [SAMPLE], values: { change, 'max-pairs': '10' } });
  });
});
