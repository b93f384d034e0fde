// The engine of the report page: core, the importer and the web view's answers (web-data.ts),
// bundled by Vite into one classic script that defines `ZtpathEngine` (cli/web-build.ts). The
// report embeds the input documents; the page imports and compiles them with this engine, so
// that a trace or a blast radius asked in the report is computed exactly as `ztpath serve` and
// the CLI compute it. Nothing here may use node:* (it runs in a browser).

import type { DataPlane, Diagnostic, Snapshot } from '../core/index.ts';
import * as core from '../core/index.ts';
import { compile, formatDiagnostic } from '../core/index.ts';
import * as importer from '../importer/index.ts';
import { importDocuments, readServiceTags } from '../importer/index.ts';
import { type ApiResult, WebData, type WebDataOptions } from './web-data.ts';

export interface EngineDocument {
  /** The path the CLI showed for the file (relative to where it ran). */
  file: string;
  text: string;
}

export interface EngineInput {
  title: string;
  version?: string;
  documents: EngineDocument[];
  serviceTags?: EngineDocument;
  /** A change file (what-if), applied with the importer's applyChange when it has one. */
  change?: EngineDocument;
  precomputed?: Record<string, unknown>;
}

/** The snapshot the CLI builds from the same documents (same order, same names). */
export function snapshotFromDocuments(documents: EngineDocument[], serviceTags?: EngineDocument): Snapshot {
  const snapshot = importDocuments(documents);
  if (serviceTags) {
    const r = readServiceTags(serviceTags.file, serviceTags.text);
    snapshot.diagnostics.push(...r.diagnostics);
    if (r.catalog) snapshot.serviceTags = r.catalog;
  }
  return snapshot;
}

type ApplyChange = (s: Snapshot, text: string, file: string) => { snapshot: Snapshot; failed: boolean; diagnostics: Diagnostic[] };

/** The importer's applyChange, when this version has it. */
export function changeApplier(): ApplyChange | undefined {
  const f = (importer as unknown as Record<string, unknown>).applyChange;
  return typeof f === 'function' ? (f as ApplyChange) : undefined;
}

/** The data plane after a change file, or why there is none. */
export function applyChangeFile(before: DataPlane, change: EngineDocument): { after?: DataPlane; error?: string; diagnostics?: string[] } {
  const apply = changeApplier();
  if (!apply) return { error: 'what-if is not available in this version of ztpath (the importer cannot read change files)' };
  const r = apply(before.snapshot, change.text, change.file);
  if (r.failed) {
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    return { error: `the change file ${change.file} cannot be applied: ${errors.map((e) => e.message).slice(0, 3).join('; ')}` };
  }
  // As `ztpath whatif`: what reading the change found (a change Azure would refuse) goes with the answer.
  const diagnostics = r.diagnostics.filter((d) => d.severity !== 'info').map(formatDiagnostic);
  // As `ztpath whatif`: the data plane after the change is derived from the one before (only what
  // the change touches is recompiled), when core offers it.
  const c = core as unknown as Record<string, unknown>;
  if (typeof c.deriveDataPlane === 'function' && typeof c.diffSnapshots === 'function') {
    const derive = c.deriveDataPlane as (b: DataPlane, after: Snapshot, diff: unknown) => { dp: DataPlane };
    const diff = c.diffSnapshots as (a: Snapshot, b: Snapshot) => unknown;
    return { after: derive(before, r.snapshot, diff(before.snapshot, r.snapshot)).dp, diagnostics };
  }
  return { after: compile(r.snapshot), diagnostics };
}

export interface Engine {
  answer(method: string, path: string, query: string, body?: unknown): ApiResult;
}

export function createEngine(input: EngineInput): Engine {
  const dp = compile(snapshotFromDocuments(input.documents, input.serviceTags));
  const options: WebDataOptions = { title: input.title, version: input.version, mode: 'report', precomputed: input.precomputed };
  if (input.change) {
    const r = applyChangeFile(dp, input.change);
    options.after = r.after;
    options.whatifNote = r.error;
    options.whatifDiagnostics = r.diagnostics;
  }
  const data = new WebData(dp, options);
  return { answer: (method, path, query, body) => data.answer(method, path, new URLSearchParams(query), body) };
}
