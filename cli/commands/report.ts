// `ztpath report PATHS -o report.html`: the web view as one self-contained HTML file, for CI
// artifacts and sharing. Scripts, styles and data are inlined; nothing is fetched. The page opens
// on answers computed here (topology, exposure, findings, matrix, blast radius of the exposed
// endpoints, what-if) and carries the engine (core, importer) and the input documents, so that
// any other trace or blast radius asked in the page is computed there, exactly as the CLI would.

import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Command, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG, boolFlag, requireFlag, stringFlag } from '../command.ts';
import { CliError, usageError } from '../io.ts';
import { displayPath, listInputFiles, readText } from '../load-snapshot.ts';
import { Progress } from '../progress.ts';
import { TextReader } from '../text-reader.ts';
import { ensureWebBuild, packageVersion } from '../web-build.ts';
import { WebData, canonicalKey } from '../web-data.ts';
import type { EngineDocument, EngineInput } from '../web-engine.ts';
import { buildReportHtml } from '../web-report.ts';
import { CHANGE_FLAG, loadForWeb } from './serve.ts';
import { MAX_PAIRS_FLAG, parseMaxPairs } from './whatif.ts';

/** Endpoints up to which the report precomputes blast radii by default. */
const BLAST_DEFAULT_ENDPOINTS = 400;

/**
 * Subnets up to which the report precomputes the subnet matrix (up to 90,000 pairs, tens of MB of
 * JSON). A larger estate's page computes it when the matrix is opened: tier M's 1,216 subnets gave
 * 268,000 pairs and most of a 210 MB file, and tier L's 10,000 subnets (8 million pairs) ran out of
 * memory while the answer was turned into JSON.
 */
const MATRIX_DEFAULT_SUBNETS = 300;

/**
 * Bytes of input documents a report can carry: the page is one string, and V8's longest is ~536
 * million characters, which the documents (escaped as JSON) and the answers must share. Tier L
 * (255 million) fits: a 330 MB file. ZTPATH_REPORT_MAX_INPUT_BYTES sets another limit.
 */
const MAX_INPUT_BYTES = 300_000_000;

function maxInputBytes(env: Record<string, string | undefined>): number {
  const n = Number(env.ZTPATH_REPORT_MAX_INPUT_BYTES);
  return env.ZTPATH_REPORT_MAX_INPUT_BYTES !== undefined && Number.isFinite(n) && n >= 0 ? n : MAX_INPUT_BYTES;
}

async function serviceTagsDocument(arg: string, cwd: string): Promise<string> {
  const abs = path.resolve(cwd, arg);
  const st = await stat(abs);
  if (!st.isDirectory()) return abs;
  const found = (await readdir(abs, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.json'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (!found.length) throw new CliError(`--service-tags folder ${arg} holds no .json file`);
  return found[found.length - 1];
}

function tooLarge(why: string): CliError {
  return new CliError(`the estate is too large for a self-contained report: ${why}`, {
    hint: 'open it with ztpath serve, or write a report of a part of the estate (fewer PATHS)',
  });
}

function humanSize(n: number): string {
  return n < 1024 * 1024 ? `${Math.round(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'the web view as one self-contained HTML file (no network), for CI artifacts and sharing',
  usage: ['report PATHS... -o FILE [--blast REF]... [--blast-top N] [--change FILE [--max-pairs N]] [--service-tags FILE]'],
  description: [
    'Writes one HTML file with the page, its data and the engine inlined: it opens from disk with no',
    'server and fetches nothing (a Content-Security-Policy forbids it). It opens on answers computed',
    `now (topology, exposure, findings, the matrix up to ${MATRIX_DEFAULT_SUBNETS} subnets, the blast radius of the first`,
    'exposed endpoints, what-if with --change); any other question (a trace, another blast radius, a',
    "larger estate's matrix) is computed in the page by the same engine, from the input documents the",
    'file carries. The file therefore holds your estate: share it as you would share the export itself.',
    `An estate of more than ${MAX_INPUT_BYTES / 1e6} MB of JSON is too large for one file: use ztpath serve instead.`,
    '',
    'Exit codes: 0 written; 2 usage or input error.',
  ],
  flags: [
    { name: 'out', short: 'o', type: 'string', value: 'FILE', description: 'the HTML file to write' },
    { name: 'title', type: 'string', value: 'TEXT', description: 'the title shown in the page (default: PATHS)' },
    { name: 'blast', type: 'string', value: 'REF', multiple: true, description: 'also precompute the blast radius from REF (repeatable)' },
    { name: 'blast-top', type: 'string', value: 'N', description: `precompute the blast radius of the first N internet-exposed NICs (default 3 up to ${BLAST_DEFAULT_ENDPOINTS} endpoints, else 0)` },
    CHANGE_FLAG,
    MAX_PAIRS_FLAG,
    SERVICE_TAGS_FLAG,
    { ...JSON_FLAG, description: 'print {"file", "bytes", "precomputed"} instead of a sentence' },
    QUIET_FLAG,
  ],
  examples: ['report examples/hub-spoke --service-tags examples/service-tags -o report.html', 'report estate/ -o artifacts/network.html --blast vm-web01 --blast-top 0'],
  async run(args, io) {
    const out = requireFlag(this, args, 'out');
    const quiet = boolFlag(args, 'quiet') || boolFlag(args, 'json');
    const topText = stringFlag(args, 'blast-top');
    const top = topText === undefined ? undefined : Number(topText);
    if (top !== undefined && !(Number.isInteger(top) && top >= 0)) throw usageError(this.name, `--blast-top ${topText}: expected a whole number`);
    // Progress only on a terminal and outside CI, as every other verb (cli/progress.ts).
    const progress = Progress.for(io, quiet);
    const log = (line: string) => progress.show(`ztpath: ${line}`);

    // Before any work: an estate too large for one page is refused at once.
    const maxBytes = maxInputBytes(io.env);
    const files = await listInputFiles(args.positionals, io);
    let bytes = 0;
    for (const f of files) bytes += (await stat(f)).size;
    if (bytes > maxBytes) throw tooLarge(`its input is ${bytes.toLocaleString('en-US')} bytes of JSON, more than the ${maxBytes.toLocaleString('en-US')} one page can carry`);
    const maxWhatIfPairs = parseMaxPairs(args, this.name);
    const loaded = await loadForWeb(this, args, io, quiet);
    const title = stringFlag(args, 'title') ?? args.positionals.join(' ');
    const version = packageVersion();
    const data = new WebData(loaded.dp, { title, version, mode: 'report', after: loaded.after, whatifNote: loaded.whatifNote, whatifDiagnostics: loaded.whatifDiagnostics, maxWhatIfPairs });

    // ---- what the page opens on ----
    const answers: Record<string, unknown> = {};
    const ask = (p: string, params: Record<string, string> = {}) => {
      const q = new URLSearchParams(params);
      const r = data.answer('GET', p, q);
      if (r.status === 200) answers[canonicalKey(p, q)] = r.body;
      return r;
    };
    ask('/api/meta');
    const topo = ask('/api/topology').body as { collapsed: boolean; nodes: { id: string; kind: string }[]; counts: { endpoints: number } };
    if (topo.collapsed) for (const n of topo.nodes) if (n.kind === 'vnet') ask('/api/topology', { vnet: n.id });
    const features = data.meta().features;
    if (features.exposure) {
      log('computing the exposure...');
      ask('/api/exposure');
    }
    if (features.findings) {
      log('computing the findings...');
      ask('/api/findings');
    }
    if (features.matrix && loaded.dp.snapshot.subnets.size <= MATRIX_DEFAULT_SUBNETS) {
      log('computing the matrix...');
      ask('/api/matrix');
    }
    if (features.whatif) ask('/api/whatif');
    if (features.blast) {
      const froms: string[] = [];
      const labels = new Map<string, string>();
      const n = top ?? (topo.counts.endpoints <= BLAST_DEFAULT_ENDPOINTS ? 3 : 0);
      const exposure = answers['/api/exposure'] as { exposed?: { kind: string; resource: string; ip?: string }[] } | undefined;
      for (const x of exposure?.exposed ?? []) {
        if (froms.length >= n) break;
        if (x.kind !== 'nic') continue;
        const node = data.locate({ resource: x.resource, ip: x.ip });
        if (node && !froms.includes(`@${node}`)) {
          froms.push(`@${node}`);
          labels.set(`@${node}`, x.resource.slice(x.resource.lastIndexOf('/') + 1));
        }
      }
      for (const ref of (args.values.blast as string[] | undefined) ?? []) froms.push(ref);
      for (const from of froms) {
        // The page's node names (`@v2.s7.n9`) are internal: the foothold's resource name instead.
        log(`computing the blast radius from ${labels.get(from) ?? from}...`);
        // As the page asks (summed up by VNet), so that it opens on this answer.
        const r = ask('/api/blast', { from, by: 'vnet' });
        if (r.status !== 200 && !from.startsWith('@')) throw new CliError(`--blast ${from}: ${(r.body as { error?: string }).error ?? 'failed'}`);
      }
    }
    // The meta answer lists what the page has in hand.
    answers['/api/meta'] = { ...data.meta(), precomputed: Object.keys(answers) };

    // ---- what the page's engine needs for anything else ----
    const documents: EngineDocument[] = [];
    const reader = new TextReader();
    for (const f of files) {
      const shown = displayPath(io, f);
      documents.push({ file: shown, text: readText(f, shown, reader) });
    }
    reader.release();
    const input: EngineInput = { title, version, documents };
    const tags = stringFlag(args, 'service-tags');
    if (tags) {
      const file = await serviceTagsDocument(tags, io.cwd);
      const shown = displayPath(io, file);
      input.serviceTags = { file: shown, text: readText(file, shown) };
    }
    if (loaded.changeFile) input.change = loaded.changeFile;

    const build = await ensureWebBuild(log);
    progress.clear();
    let html: string;
    try {
      html = await buildReportHtml(build, answers, input);
    } catch (e) {
      // V8's longest string: the documents and the answers together did not fit in one page.
      if (e instanceof RangeError) throw tooLarge(`its documents and answers are longer than one page can hold (${e.message})`);
      throw e;
    }
    const abs = path.resolve(io.cwd, out);
    try {
      await writeFile(abs, html);
    } catch (e) {
      throw new CliError(`cannot write ${out}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (boolFlag(args, 'json')) {
      io.stdout(JSON.stringify({ file: displayPath(io, abs), bytes: Buffer.byteLength(html), precomputed: Object.keys(answers) }, null, 2) + '\n');
      return 0;
    }
    io.stdout(`Wrote ${displayPath(io, abs)} (${humanSize(Buffer.byteLength(html))}): open it in a browser; it needs no server and fetches nothing.\n`);
    return 0;
  },
};
