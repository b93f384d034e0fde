// `ztpath serve PATHS [--port N] [--host H] [--open] [--change FILE]`: the web view on
// 127.0.0.1. The snapshot is loaded and compiled once; the page asks the same core as the CLI
// through a small JSON API (cli/web-data.ts). The assets are built with Vite on first use.

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataPlane } from '../../core/index.ts';
import { compile } from '../../core/index.ts';
import { decodeText } from '../../importer/index.ts';
import { type Command, JSON_FLAG, type ParsedArgs, QUIET_FLAG, SERVICE_TAGS_FLAG, boolFlag, stringFlag } from '../command.ts';
import { CliError, type CliIo, usageError } from '../io.ts';
import { displayPath, loadSnapshot } from '../load-snapshot.ts';
import { ensureWebBuild, packageVersion, readAppAssets, VITE_CONFIG, WEB_ROOT } from '../web-build.ts';
import { WebData } from '../web-data.ts';
import { applyChangeFile } from '../web-engine.ts';
import { DEFAULT_QUESTION_TIMEOUT_S, QuestionWorker } from '../web-questions.ts';
import { isLoopback, startWebServer, type RunningServer } from '../web-server.ts';
import { MAX_PAIRS_FLAG, parseMaxPairs } from './whatif.ts';

export const DEFAULT_PORT = 7878;

/** Vite's dependency cache for --dev: beside the builds (git-ignored), not in node_modules (which may be shared). */
const DEV_CACHE = path.join(WEB_ROOT, 'dist', '.vite');

export const CHANGE_FLAG = { name: 'change', type: 'string' as const, value: 'FILE', description: 'a change file (as for `ztpath whatif`): the What-if view shows the flows it opens and closes' };

/** PATHS, --service-tags and --change -> the compiled snapshot (and the one after the change). */
export async function loadForWeb(c: Command, args: ParsedArgs, io: CliIo, silent: boolean): Promise<{ dp: DataPlane; after?: DataPlane; whatifNote?: string; whatifDiagnostics?: string[]; changeFile?: { file: string; text: string } }> {
  if (!args.positionals.length) throw usageError(c.name, 'missing PATHS: name one or more files or folders of Azure JSON');
  const snapshot = await loadSnapshot(args.positionals, { serviceTags: stringFlag(args, 'service-tags'), silent }, io);
  const dp = compile(snapshot);
  const change = stringFlag(args, 'change');
  if (!change) return { dp };
  const abs = path.resolve(io.cwd, change);
  const shown = displayPath(io, abs);
  const bytes = await readFile(abs).catch((e: unknown) => {
    throw new CliError(`cannot read --change ${change}: ${e instanceof Error && 'code' in e && e.code === 'ENOENT' ? 'no such file' : String(e)}`);
  });
  const text = decodeText(bytes);
  const r = applyChangeFile(dp, { file: shown, text });
  if (r.error && !r.after) {
    if (/not available/.test(r.error)) return { dp, whatifNote: r.error, changeFile: { file: shown, text } };
    throw new CliError(r.error, { hint: 'see `ztpath whatif --help` for the change file format' });
  }
  return { dp, after: r.after, whatifDiagnostics: r.diagnostics, changeFile: { file: shown, text } };
}

/** What the question worker needs to load the same snapshot: PATHS, --service-tags, --change (and --max-pairs for its what-if). */
export function workerArgs(args: ParsedArgs): ParsedArgs {
  const values: ParsedArgs['values'] = {};
  for (const k of ['service-tags', 'change', 'max-pairs']) if (args.values[k] !== undefined) values[k] = args.values[k];
  return { positionals: [...args.positionals], values };
}

function openBrowser(url: string, io: CliIo): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const argv = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(cmd, argv, { detached: true, stdio: 'ignore' });
    child.on('error', () => io.stderr(`ztpath: could not open a browser (${cmd}); open ${url} yourself\n`));
    child.unref();
  } catch {
    io.stderr(`ztpath: could not open a browser; open ${url} yourself\n`);
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'the web view (topology, trace, blast radius, exposure, findings, matrix) on 127.0.0.1',
  usage: ['serve PATHS... [--port N] [--host ADDRESS] [--open] [--change FILE [--max-pairs N]] [--service-tags FILE]'],
  description: [
    'Loads and compiles the snapshot once, then serves an interactive view of it on the loopback',
    'address only (other machines cannot connect). Every answer in the page comes from the same',
    'engine as the CLI, through a JSON API (/api/topology, /api/trace, /api/blast, /api/exposure,',
    '/api/findings, /api/matrix, /api/whatif...). --port 0 picks a free port. The first run builds',
    'the page with Vite (a few seconds). Stop with Ctrl+C.',
    '',
    'Exit codes: 0 stopped with Ctrl+C; 2 usage or input error (or the port is taken).',
  ],
  flags: [
    { name: 'port', type: 'string', value: 'N', description: `TCP port (default ${DEFAULT_PORT}; 0 picks a free one)` },
    { name: 'host', type: 'string', value: 'ADDRESS', description: 'address to listen on (default 127.0.0.1); anything but loopback exposes your topology to the network' },
    { name: 'open', type: 'boolean', description: 'open the page in the default browser' },
    { name: 'timeout', type: 'string', value: 'SECONDS', description: `stop a question (blast, matrix, findings, exposure, what-if, reach) that runs longer (default ${DEFAULT_QUESTION_TIMEOUT_S})` },
    CHANGE_FLAG,
    MAX_PAIRS_FLAG,
    SERVICE_TAGS_FLAG,
    { name: 'dev', type: 'boolean', description: 'development of the web view: Vite dev server with hot reload (npm run web)' },
    { ...JSON_FLAG, description: 'print {"url", "host", "port"} as one JSON line once listening (for scripts)' },
    QUIET_FLAG,
  ],
  examples: ['serve examples/hub-spoke --service-tags examples/service-tags --open', 'serve estate/ --port 0'],
  async run(args, io) {
    const portText = stringFlag(args, 'port');
    const port = portText === undefined ? DEFAULT_PORT : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(this.name, `--port ${portText}: expected 0-65535`);
    const host = stringFlag(args, 'host') ?? '127.0.0.1';
    const timeoutText = stringFlag(args, 'timeout');
    const timeoutS = timeoutText === undefined ? DEFAULT_QUESTION_TIMEOUT_S : Number(timeoutText);
    if (!(Number.isFinite(timeoutS) && timeoutS > 0)) throw usageError(this.name, `--timeout ${timeoutText}: expected a number of seconds`);
    const quiet = boolFlag(args, 'quiet') || boolFlag(args, 'json');
    const dev = boolFlag(args, 'dev');
    const maxWhatIfPairs = parseMaxPairs(args, this.name);
    if (!isLoopback(host))
      io.stderr(`ztpath: warning: --host ${host} serves your network's topology, rules and weaknesses to anyone who can reach this machine, without authentication. Use the default (127.0.0.1) unless you mean it.\n`);

    const loaded = await loadForWeb(this, args, io, quiet);
    const title = args.positionals.join(' ');
    const data = new WebData(loaded.dp, { title, version: packageVersion(), mode: dev ? 'dev' : 'serve', after: loaded.after, whatifNote: loaded.whatifNote, whatifDiagnostics: loaded.whatifDiagnostics, maxWhatIfPairs });
    // The long questions run in a worker thread with its own copy of the compiled snapshot.
    const questions = new QuestionWorker({ args: workerArgs(args), cwd: io.cwd, title, version: packageVersion() }, timeoutS * 1000);

    let running: RunningServer;
    let closeDev: (() => Promise<void>) | undefined;
    try {
      if (dev) {
        const vite = await import('vite').catch(() => {
          throw new CliError('--dev needs Vite (a dev dependency): run `npm ci`');
        });
        running = await startWebServer({
          data,
          questions,
          host,
          port,
          dev: async (server) => {
            const devServer = await vite.createServer({ configFile: VITE_CONFIG, root: WEB_ROOT, cacheDir: DEV_CACHE, server: { middlewareMode: true, ws: { server } }, appType: 'spa', logLevel: quiet ? 'warn' : 'info' });
            closeDev = () => devServer.close();
            return (req, res, next) => devServer.middlewares(req, res, next);
          },
        });
      } else {
        const build = await ensureWebBuild((line) => (quiet ? undefined : io.stderr(`ztpath: ${line}\n`)));
        running = await startWebServer({ data, questions, host, port, assets: await readAppAssets(build) });
      }
    } catch (e) {
      const code = e instanceof Error && 'code' in e ? String(e.code) : '';
      await questions.close();
      if (code === 'EADDRINUSE') throw new CliError(`port ${port} on ${host} is already in use`, { hint: 'pick another with --port N, or --port 0 for a free one' });
      if (code === 'EADDRNOTAVAIL') throw new CliError(`cannot listen on ${host}: no such address on this machine`);
      throw e;
    }
    // Ctrl+C stops the server; listen for it before telling anyone the URL.
    const stopped = new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        if (!quiet) io.stderr('\nztpath: stopping\n');
        void Promise.all([running.close(), closeDev?.()]).then(() => resolve());
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    const counts = data.meta().counts;
    if (boolFlag(args, 'json')) {
      io.stdout(JSON.stringify({ url: running.url, host, port: running.port, loopback: isLoopback(host) }) + '\n');
    } else {
      io.stdout(`ztpath serve: ${args.positionals.join(' ')} (${counts.vnets} VNets, ${counts.subnets} subnets, ${counts.endpoints} endpoints)\n`);
      io.stdout(isLoopback(host) ? `Serving on ${running.url} (loopback only: other machines cannot connect)\n` : `Serving on http://${host.includes(':') ? `[${host}]` : host}:${running.port}/ (reachable from the network)\n`);
      io.stdout('Press Ctrl+C to stop.\n');
    }
    if (boolFlag(args, 'open')) openBrowser(running.url, io);

    await stopped;
    return 0;
  },
};
