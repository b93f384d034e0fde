// PATHS -> Snapshot: the CLI's only reader of input files. Folders are walked recursively and every
// `*.json` below them is read in sorted order (determinism); each file goes to the import session
// as (path relative to the working directory, text), one at a time, so memory holds one file's
// text at once. Fatal cases (nothing to read, nothing imported) are CliErrors naming the file.

import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Snapshot } from '../core/index.ts';
import { formatDiagnostic } from '../core/index.ts';
import { createImportSession, decodeText, importDocuments, readServiceTags } from '../importer/index.ts';
import { CliError, type CliIo } from './io.ts';
import { Progress } from './progress.ts';
import { TextReader } from './text-reader.ts';

export interface LoadOptions {
  /** `--service-tags FILE` (or a folder holding one). */
  serviceTags?: string;
  /** `--json` or `--quiet`: no progress on stderr. */
  silent?: boolean;
  /**
   * `--quiet`: not even the line that counts the input's errors. Under `--json` alone that line is
   * still written to stderr (stdout stays the answer): input that was dropped is never silent.
   */
  quiet?: boolean;
  /** Print the one-line diagnostics count after loading (summary lists them itself). */
  reportDiagnostics?: boolean;
  /** Filled with the files read and the names they were imported under (see SnapshotSource). */
  source?: SnapshotSource;
}

/**
 * Where a snapshot came from: every file read, in order, with the name the import session was
 * given, and the service tags file. Importing them again gives the same snapshot (a worker thread
 * of `ztpath matrix` compiles its own data plane from them).
 */
export interface SnapshotSource {
  documents: { file: string; name: string }[];
  serviceTags?: { file: string; name: string };
}

/** How a path is shown in messages: relative to the working directory when below it. */
export function displayPath(io: CliIo, abs: string): string {
  const rel = path.relative(io.cwd, abs);
  const shown = rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
  return shown.split(path.sep).join('/');
}

function errnoCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

function describeFsError(e: unknown): string {
  const code = errnoCode(e);
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  return e instanceof Error ? e.message : String(e);
}

async function walk(dir: string, out: string[], seen: Set<string>): Promise<void> {
  const real = await realpath(dir);
  if (seen.has(real)) return;
  seen.add(real);
  const entries = await readdir(dir, { withFileTypes: true });
  for (const ent of entries) {
    const full = path.join(dir, ent.name);
    let isDir = ent.isDirectory();
    let isFile = ent.isFile();
    if (ent.isSymbolicLink()) {
      const st = await stat(full).catch(() => undefined);
      isDir = st?.isDirectory() ?? false;
      isFile = st?.isFile() ?? false;
    }
    if (isDir) await walk(full, out, seen);
    else if (isFile && ent.name.toLowerCase().endsWith('.json')) out.push(full);
  }
}

function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The files named by PATHS: explicit files as given, folders walked; sorted, without repeats. */
export async function listInputFiles(paths: string[], io: CliIo): Promise<string[]> {
  const files: string[] = [];
  const seenFiles = new Set<string>();
  for (const p of paths) {
    const abs = path.resolve(io.cwd, p);
    const st = await stat(abs).catch((e: unknown) => {
      throw new CliError(`cannot read ${p}: ${describeFsError(e)}`, { hint: 'PATHS are files or folders of Azure JSON exports' });
    });
    let found: string[];
    if (st.isDirectory()) {
      found = [];
      await walk(abs, found, new Set());
      if (!found.length) throw new CliError(`folder ${p} holds no .json files`, { hint: 'PATHS are Azure JSON exports (az ... list -o json, REST responses, Resource Graph results)' });
      found.sort(byPath);
    } else {
      found = [abs];
    }
    for (const f of found) {
      if (seenFiles.has(f)) continue;
      seenFiles.add(f);
      files.push(f);
    }
  }
  return files;
}

export function countResources(s: Snapshot): number {
  const maps = [
    s.virtualNetworks, s.subnets, s.peerings, s.networkInterfaces, s.networkSecurityGroups, s.applicationSecurityGroups,
    s.routeTables, s.publicIpAddresses, s.natGateways, s.loadBalancers, s.applicationGateways, s.virtualNetworkGateways,
    s.localNetworkGateways, s.connections, s.azureFirewalls, s.firewallPolicies, s.firewallPolicyRuleCollectionGroups,
    s.ipGroups, s.privateEndpoints, s.storageAccounts, s.virtualMachines,
  ];
  return maps.reduce((n, m) => n + m.size, 0) + s.unsupported.length;
}

/**
 * A file's text. Synchronously, on purpose: on tier L (31 files, 255 MB) the promise form of
 * readFile with 'utf8' took 2.4-3.3 s, as it decodes chunks and joins them into a string that its
 * first reader then copies whole (`bench/read-text.ts`). The import that follows each read blocks
 * the event loop far longer anyway. Callers that read many files pass one TextReader, whose
 * buffer serves them all (cli/text-reader.ts says why).
 */
export function readText(file: string, shown: string, reader: TextReader = new TextReader()): string {
  return readOrFail(shown, () => reader.read(file));
}

/**
 * The text of a file a flag names (`--policy`, `--baseline`): UTF-8, or UTF-16 as Windows PowerShell
 * writes it (importer/text-encoding.ts); a read error is a CliError naming the flag and the file.
 */
export async function readFlagFile(flag: string, arg: string, io: CliIo): Promise<{ file: string; text: string }> {
  const abs = path.resolve(io.cwd, arg);
  const bytes = await readFile(abs).catch((e: unknown) => {
    const code = errnoCode(e);
    throw new CliError(`cannot read --${flag} ${arg}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : e instanceof Error ? e.message : String(e)}`);
  });
  return { file: displayPath(io, abs), text: decodeText(bytes) };
}

/** A file's bytes, for the importer (a view of the reader's buffer, valid until its next read). */
function readBytes(file: string, shown: string, reader: TextReader): Uint8Array {
  return readOrFail(shown, () => reader.readBytes(file));
}

/** `read()`, its file-system errors turned into a CliError naming the file as the user gave it. */
function readOrFail<T>(shown: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw new CliError(`cannot read ${shown}: ${describeFsError(e)}`);
  }
}

/** `--service-tags` may name the file or a folder holding it (the newest by sorted name wins). */
async function loadServiceTags(arg: string, io: CliIo, snapshot: Snapshot, source?: SnapshotSource): Promise<void> {
  const abs = path.resolve(io.cwd, arg);
  const st = await stat(abs).catch((e: unknown) => {
    throw new CliError(`cannot read --service-tags ${arg}: ${describeFsError(e)}`, { hint: 'download ServiceTags_Public_*.json from the Microsoft Download Center' });
  });
  let file = abs;
  if (st.isDirectory()) {
    const found: string[] = [];
    await walk(abs, found, new Set());
    if (!found.length) throw new CliError(`--service-tags folder ${arg} holds no .json file`);
    file = found.sort(byPath)[found.length - 1];
  }
  const shown = displayPath(io, file);
  const r = readServiceTags(shown, readText(file, shown));
  snapshot.diagnostics.push(...r.diagnostics);
  if (!r.catalog) {
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    throw new CliError(`--service-tags ${shown} is not a Service Tags file`, { details: errors.map(formatDiagnostic) });
  }
  snapshot.serviceTags = r.catalog;
  if (source) source.serviceTags = { file, name: shown };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function diagnosticsCountLine(diags: Diagnostic[]): string {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.filter((d) => d.severity === 'warning').length;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in the input; see \`ztpath summary\``;
}

export async function loadSnapshot(paths: string[], opts: LoadOptions, io: CliIo): Promise<Snapshot> {
  if (!paths.length) throw new CliError('no PATHS given: name the files or folders of Azure JSON to read');
  const files = await listInputFiles(paths, io);
  const reporter = Progress.for(io, Boolean(opts.silent));
  const progress = reporter.counter(`reading ${plural(files.length, 'file')}`, files.length);
  const session = createImportSession();
  const reader = new TextReader();
  let done = 0;
  try {
    for (const f of files) {
      const shown = displayPath(io, f);
      const bytes = readBytes(f, shown, reader);
      opts.source?.documents.push({ file: f, name: shown });
      try {
        session.addDocument(shown, bytes);
      } catch (e) {
        if (e instanceof CliError) throw e;
        const msg = e instanceof Error ? e.message : String(e);
        throw new Error(`importer failed on ${shown}: ${msg}`, { cause: e });
      }
      progress.update(++done);
    }
  } finally {
    reader.release();
    progress.done();
  }
  const snapshot = reporter.step('linking resources', () => session.finish());
  if (opts.serviceTags) await loadServiceTags(opts.serviceTags, io, snapshot, opts.source);

  if (countResources(snapshot) === 0) {
    // The importer's own `input.empty` says what this message says; show the reasons instead.
    const errors = snapshot.diagnostics.filter((d) => d.severity !== 'info' && d.code !== 'input.empty');
    const where = files.length === 1 ? displayPath(io, files[0]) : `${files.length} files (${paths.join(', ')})`;
    throw new CliError(`no Azure resources found in ${where}`, {
      details: errors.slice(0, 20).map(formatDiagnostic).concat(errors.length > 20 ? [`... and ${errors.length - 20} more`] : []),
      hint: errors.length ? undefined : 'accepted: ARM resources (REST or az CLI shape), {"value": [...]}, {"data": [...]}, ARM templates, REST example files',
    });
  }
  if (opts.reportDiagnostics !== false && !(opts.quiet ?? opts.silent) && snapshot.diagnostics.some((d) => d.severity === 'error')) {
    io.stderr(`ztpath: ${diagnosticsCountLine(snapshot.diagnostics)}\n`);
  }
  return snapshot;
}

/**
 * The snapshot `source` describes, imported again (synchronously, in a worker thread): the same
 * documents under the same names and the same service tags give the same snapshot. Throws when a
 * file can no longer be read or is no longer a Service Tags file.
 */
export function importSource(source: SnapshotSource): Snapshot {
  // One file's bytes at a time, as loadSnapshot reads them.
  const reader = new TextReader();
  const snapshot = importDocuments((function* () {
    for (const d of source.documents) yield { file: d.name, text: reader.readBytes(d.file) };
  })());
  if (source.serviceTags) {
    const r = readServiceTags(source.serviceTags.name, reader.read(source.serviceTags.file));
    snapshot.diagnostics.push(...r.diagnostics);
    if (!r.catalog) throw new Error(`${source.serviceTags.name} is no longer a Service Tags file`);
    snapshot.serviceTags = r.catalog;
  }
  reader.release();
  return snapshot;
}
