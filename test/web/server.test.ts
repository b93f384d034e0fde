// `ztpath serve`: loopback only (and a warning otherwise), a CSP on every HTML response, the JSON
// API over HTTP, nothing served but the built assets, clean stop on Ctrl+C.

import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVE_CSP } from '../../cli/web-server.ts';
import { REPO, run } from '../cli/helpers.ts';
import { SAMPLE, SAMPLE_TAGS, type Served, serveEstate } from './helpers.ts';

let served: Served;

beforeAll(async () => {
  served = await serveEstate([SAMPLE], { serviceTags: SAMPLE_TAGS });
});

afterAll(async () => {
  await served?.close();
});

describe('the server', () => {
  it('listens on 127.0.0.1', () => {
    const a = served.server.address();
    expect(typeof a === 'object' && a?.address).toBe('127.0.0.1');
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the page with a Content-Security-Policy that forbids remote scripts', async () => {
    const r = await fetch(served.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(SERVE_CSP);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:|\*/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await r.text();
    // only relative assets, never a remote one
    for (const m of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(m[1]).toMatch(/^(\.\/assets\/|data:)/);
    const js = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1];
    const asset = await fetch(served.url + js);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
  });

  it('answers the JSON API (GET, and POST for locate)', async () => {
    const t = await fetch(`${served.url}api/trace?from=vm-web01&to=10.2.1.100&protocol=Tcp&port=8443`);
    expect(t.status).toBe(200);
    expect(t.headers.get('cache-control')).toBe('no-store');
    const trace = (await t.json()) as { disposition: string; hops: { resource: string }[] };
    expect(trace.disposition).toBe('ACCEPTED');
    const l = await fetch(`${served.url}api/locate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: [{ resource: 'internet' }] }) });
    expect(await l.json()).toEqual({ nodes: ['internet'] });
    const bad = await fetch(`${served.url}api/trace?from=nope&to=vm-web01&protocol=Tcp&port=1`);
    expect(bad.status).toBe(400);
  });

  it('serves nothing but its assets (no path traversal, no directory listing)', async () => {
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/assets/', '/cli/main.ts', '/web/index.html', '/etc/passwd']) {
      const r = await fetch(served.url.replace(/\/$/, '') + p);
      expect([404, 400]).toContain(r.status);
    }
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${served.url}api/meta`, { headers: { host: 'attacker.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });
});

/** `ztpath serve ...` as a user runs it; resolves with its first lines once it prints the URL. */
function startCli(args: string[]): Promise<{ child: ChildProcess; out: string[]; err: string[]; url: string }> {
  const child = spawn(process.execPath, ['bin/ztpath.js', 'serve', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL after 90 s: ${out.join('')} ${err.join('')}`)), 90_000);
    child.stderr!.on('data', (d: Buffer) => err.push(d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out.push(d.toString());
      const m = /Serving on (http:\/\/\S+)/.exec(out.join(''));
      if (m) {
        clearTimeout(timer);
        resolve({ child, out, err, url: m[1] });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${err.join('')}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

describe('ztpath serve (the command)', () => {
  it('--port 0: prints the loopback URL, serves, and stops cleanly on Ctrl+C', async () => {
    const s = await startCli([SAMPLE, '--port', '0', '--quiet']);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(s.out.join('')).toContain('loopback only');
    const meta = (await (await fetch(`${s.url}api/meta`)).json()) as { counts: { vnets: number } };
    expect(meta.counts.vnets).toBe(5);
    expect(await stop(s.child)).toBe(0);
  });

  it('--host other than loopback warns on stderr', async () => {
    const s = await startCli([SAMPLE, '--port', '0', '--quiet', '--host', '0.0.0.0']);
    expect(s.err.join('')).toMatch(/warning: --host 0\.0\.0\.0/);
    expect(s.out.join('')).toContain('reachable from the network');
    expect(await stop(s.child)).toBe(0);
  });

  it('a bad --port is a usage error (exit 2)', async () => {
    const r = await run(['serve', SAMPLE, '--port', '70000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port 70000');
  });
});
