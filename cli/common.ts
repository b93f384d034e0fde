// What every snapshot-reading verb does first: PATHS and the shared flags -> a compiled DataPlane.

import type { DataPlane, Snapshot } from '../core/index.ts';
import { compile } from '../core/index.ts';
import { type Command, type ParsedArgs, boolFlag, stringFlag } from './command.ts';
import { type CliIo, usageError } from './io.ts';
import { loadSnapshot, type SnapshotSource } from './load-snapshot.ts';
import { Progress } from './progress.ts';

export interface Loaded {
  snapshot: Snapshot;
  dp: DataPlane;
  json: boolean;
  /** Progress lines for the command's long work (off under --json, --quiet, CI or a piped stderr). */
  progress: Progress;
  /** The files read, to load the same snapshot again (a worker thread). */
  source: SnapshotSource;
}

export async function loadForCommand(c: Command, args: ParsedArgs, io: CliIo, opts: { reportDiagnostics?: boolean } = {}): Promise<Loaded> {
  if (!args.positionals.length) throw usageError(c.name, 'missing PATHS: name one or more files or folders of Azure JSON');
  const json = boolFlag(args, 'json');
  const silent = json || boolFlag(args, 'quiet');
  const source: SnapshotSource = { documents: [] };
  const snapshot = await loadSnapshot(
    args.positionals,
    { serviceTags: stringFlag(args, 'service-tags'), silent, quiet: boolFlag(args, 'quiet'), reportDiagnostics: opts.reportDiagnostics, source },
    io,
  );
  return { snapshot, dp: compile(snapshot), json, progress: Progress.for(io, silent), source };
}

/** The last segment of an id, for compact text output. */
export function shortName(id: string | undefined): string {
  if (!id) return '';
  const parts = id.replace(/\/+$/, '').split('/');
  return parts[parts.length - 1] ?? id;
}
