// `ztpath findings --baseline FILE`: the findings of an earlier run (its `--json` output), so that a
// CI gate fails on what is new rather than on everything an estate has carried for months. A
// finding is the same finding when its fingerprint is (catalog id, resource and what it is about:
// the key SARIF's partialFingerprints carry). States follow SARIF 2.1.0's result.baselineState
// (section 3.27.24): `new` when the baseline lacks it, `unchanged` when it holds it; findings of
// the baseline that no longer occur are counted as fixed (SARIF's `absent`).

import type { Finding } from '../core/index.ts';
import { CliError, type CliIo } from './io.ts';
import { readFlagFile } from './load-snapshot.ts';

export type BaselineState = 'new' | 'unchanged';

export interface Baseline {
  /** The file as the user named it (relative to the working directory when inside it). */
  file: string;
  /** Fingerprint -> what the baseline said of the finding. */
  findings: Map<string, { id: string; severity: string; name: string }>;
}

/** How the listed findings compare with a baseline (what JSON and SARIF report). */
export interface BaselineSummary {
  file: string;
  new: number;
  unchanged: number;
  /** Findings of the baseline that the estate no longer has. */
  fixed: { id: string; severity: string; name: string; fingerprint: string }[];
}

const SHAPE = 'expected the JSON of `ztpath findings --json`: {"findings": [{"fingerprint": ...}, ...]}';

export async function readBaseline(arg: string, io: CliIo): Promise<Baseline> {
  const { file, text } = await readFlagFile('baseline', arg, io);
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (e) {
    throw new CliError(`--baseline ${file} is not valid JSON (${e instanceof Error ? e.message : String(e)})`, { hint: SHAPE });
  }
  const list = typeof value === 'object' && value !== null && 'findings' in value ? (value as { findings: unknown }).findings : undefined;
  if (!Array.isArray(list)) throw new CliError(`--baseline ${file} has no "findings" list`, { hint: SHAPE });
  const findings: Baseline['findings'] = new Map();
  list.forEach((f: unknown, i) => {
    const o = typeof f === 'object' && f !== null ? (f as Record<string, unknown>) : {};
    if (typeof o.fingerprint !== 'string' || o.fingerprint === '') throw new CliError(`--baseline ${file}: findings[${i}] has no "fingerprint"`, { hint: SHAPE });
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    findings.set(o.fingerprint, { id: text(o.id), severity: text(o.severity), name: text(o.name) });
  });
  return { file, findings };
}

/**
 * The state of each listed finding against the baseline, and the baseline's findings that `all`
 * (every finding of this run, listed or not) no longer has, among the catalog ids this run judged
 * (`judged`: an id left out by --only, or a skipped check, fixes nothing).
 */
export function compareWithBaseline(listed: readonly Finding[], all: readonly Finding[], baseline: Baseline, judged?: readonly string[]): { state: (f: Finding) => BaselineState; summary: BaselineSummary } {
  const state = (f: Finding): BaselineState => (baseline.findings.has(f.fingerprint) ? 'unchanged' : 'new');
  const current = new Set(all.map((f) => f.fingerprint));
  const ran = judged ? new Set(judged) : undefined;
  const fixed = [...baseline.findings].filter(([fp, f]) => !current.has(fp) && (!ran || ran.has(f.id))).map(([fingerprint, f]) => ({ ...f, fingerprint }));
  const fresh = listed.filter((f) => state(f) === 'new').length;
  return { state, summary: { file: baseline.file, new: fresh, unchanged: listed.length - fresh, fixed } };
}
