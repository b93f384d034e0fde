// The HTTP side of `ztpath serve` (node:http, no framework): the built assets of web/ from memory,
// and /api/* answered by WebData (one compiled snapshot). Loopback by default; requests whose Host
// header is not the address we listen on are refused when bound to loopback (DNS rebinding). Every
// HTML response carries a Content-Security-Policy that allows no script but our own.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzip, gzipSync } from 'node:zlib';
import { canonicalKey } from './web-data.ts';
import type { Asset } from './web-build.ts';
import type { WebData } from './web-data.ts';
import { type QuestionWorker, SLOW_PATHS } from './web-questions.ts';

/** What the served page may load: only its own scripts and styles, and talk only to this server. */
export const SERVE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // cytoscape sets inline styles on its canvas containers
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export interface WebServerOptions {
  data: WebData;
  /** The app build, by URL path; or a Vite dev server's middlewares (`npm run web`). */
  assets?: Map<string, Asset>;
  /** Made once the HTTP server exists (Vite's HMR websocket shares it). */
  dev?: (server: http.Server) => Promise<DevHandler>;
  /** Answers the long questions off the main thread; without it, everything is answered inline. */
  questions?: QuestionWorker;
  host: string;
  port: number;
  /** Called for each request (tests, logs). */
  onRequest?: (method: string, url: string, status: number) => void;
}

export type DevHandler = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;

export interface RunningServer {
  server: http.Server;
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The assets never change while serving: each is compressed once (the app's script is 600 KB). */
const gzipped = new WeakMap<Buffer, Buffer>();

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, type: string, body: Buffer, extra: Record<string, string> = {}, immutable = false): void {
  const headers: Record<string, string> = { ...COMMON_HEADERS, 'content-type': type, ...extra };
  let out = body;
  if (body.length > 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    out = (immutable ? gzipped.get(body) : undefined) ?? gzipSync(body);
    if (immutable) gzipped.set(body, out);
    headers['content-encoding'] = 'gzip';
    headers['vary'] = 'Accept-Encoding';
  }
  headers['content-length'] = String(out.length);
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : out);
}

function sendJson(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown): void {
  send(req, res, status, 'application/json; charset=utf-8', Buffer.from(JSON.stringify(body)), { 'cache-control': 'no-store' });
}

/** JSON text (a worker's answer, possibly 100+ MB), compressed off the main thread. */
async function sendJsonText(req: http.IncomingMessage, res: http.ServerResponse, status: number, json: string): Promise<void> {
  const body = Buffer.from(json);
  if (body.length < 1024 * 1024 || !/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    send(req, res, status, 'application/json; charset=utf-8', body, { 'cache-control': 'no-store' });
    return;
  }
  const out = await new Promise<Buffer>((resolve, reject) => gzip(body, (e, z) => (e ? reject(e) : resolve(z))));
  if (res.destroyed) return;
  res.writeHead(status, { ...COMMON_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-encoding': 'gzip', vary: 'Accept-Encoding', 'content-length': String(out.length) });
  res.end(req.method === 'HEAD' ? undefined : out);
}

export async function startWebServer(opts: WebServerOptions): Promise<RunningServer> {
  const loopback = isLoopback(opts.host);
  let port = opts.port;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${opts.host}:${port}`]);

  let dev: DevHandler | undefined;
  /** The worker's answers, by canonical request key: the same question again is answered at once. */
  const answered = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const done = (status: number) => opts.onRequest?.(req.method ?? 'GET', url.pathname + url.search, status);
    res.on('finish', () => done(res.statusCode));
    try {
      if (loopback && !allowedHosts().has(String(req.headers.host ?? '').toLowerCase())) {
        sendJson(req, res, 421, { error: 'this server answers only requests addressed to the loopback address it listens on' });
        return;
      }
      if (url.pathname.startsWith('/api/')) {
        handleApi(req, res, url).catch((e: unknown) => {
          if (!res.headersSent) sendJson(req, res, 500, { error: e instanceof Error ? e.message : String(e) });
        });
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(req, res, 405, { error: `${req.method} is not allowed` });
        return;
      }
      if (dev) {
        // Vite's client talks to the dev server over a websocket.
        res.setHeader('content-security-policy', SERVE_CSP.replace("connect-src 'self'", "connect-src 'self' ws: wss:"));
        for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
        dev(req, res, () => sendJson(req, res, 404, { error: `no such file: ${url.pathname}` }));
        return;
      }
      const key = url.pathname === '/' ? '/index.html' : url.pathname;
      const asset = opts.assets?.get(key);
      if (!asset) {
        send(req, res, 404, 'text/plain; charset=utf-8', Buffer.from('not found\n'));
        return;
      }
      const html = asset.type.startsWith('text/html');
      send(req, res, 200, asset.type, asset.body, html ? { 'content-security-policy': SERVE_CSP, 'cache-control': 'no-store' } : { 'cache-control': 'public, max-age=31536000, immutable' }, true);
    } catch (e) {
      sendJson(req, res, 500, { error: e instanceof Error ? e.message : String(e) });
    }
  });

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    let body: unknown;
    if (req.method === 'POST') {
      if (!String(req.headers['content-type'] ?? '').includes('application/json')) {
        sendJson(req, res, 415, { error: 'POST JSON (content-type: application/json)' });
        return;
      }
      try {
        body = JSON.parse(await readBody(req));
      } catch (e) {
        sendJson(req, res, 400, { error: `the request body is not JSON: ${e instanceof Error ? e.message : String(e)}` });
        return;
      }
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(req, res, 405, { error: `${req.method} is not allowed` });
      return;
    }
    const method = req.method === 'HEAD' ? 'GET' : req.method ?? 'GET';
    if (opts.questions && method === 'GET' && SLOW_PATHS.has(url.pathname)) {
      const key = canonicalKey(url.pathname, url.searchParams);
      const known = answered.get(key);
      if (known !== undefined) {
        await sendJsonText(req, res, 200, known);
        return;
      }
      const r = await opts.questions.ask(method, url.pathname, url.searchParams);
      if (r.status === 200) {
        answered.set(key, r.json);
        // Node details list the findings of a node: the main thread keeps them.
        if (url.pathname === '/api/findings') opts.data.remember(url.pathname, url.searchParams, JSON.parse(r.json));
      }
      if (!res.destroyed) await sendJsonText(req, res, r.status, r.json);
      return;
    }
    const r = opts.data.answer(method, url.pathname, url.searchParams, body);
    sendJson(req, res, r.status, r.body);
  }

  if (opts.dev) dev = await opts.dev(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  return {
    server,
    url: `http://${shownHost}:${port}/`,
    host: opts.host,
    port,
    close: () =>
      Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
        opts.questions?.close(),
      ]).then(() => undefined),
  };
}
