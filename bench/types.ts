// The figures the bench records: one TierResult per tier, the machine it ran on, and the file
// (`bench/results.json`) that keeps the latest figures of every tier.

import type { TierName } from './synth/tiers.ts';

export interface Machine {
  cores: number;
  cpuModel: string;
  totalMemoryMb: number;
  node: string;
  platform: string;
  arch: string;
  date: string;
  /** ms per MB to touch freshly allocated memory once (bench/measure.ts freshMemoryMsPerMb). */
  freshMemoryMsPerMb?: number;
}

export interface Percentiles {
  samples: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  meanMs: number | null;
}

export interface TraceFigures extends Percentiles {
  /** How many traced flows ended in each disposition (the bench must not trace only failures). */
  dispositions: Record<string, number>;
  reachable: number;
  /** traceFlow answered `{ok: false}` (a question that cannot be asked). */
  errors: number;
  /** Latency per disposition: which kind of path is slow. */
  byDisposition: Record<string, { count: number; p50Ms: number; p99Ms: number; maxMs: number }>;
}

export interface ReachFigures extends Percentiles {
  /** Pairs with at least one allowed part. */
  withTraffic: number;
  errors: number;
}

export interface BlastFigures {
  samples: number;
  p50Ms: number | null;
  maxMs: number | null;
  notImplemented?: true;
}

export interface WhatIfFigures {
  incrementalMs: number | null;
  fullMs: number | null;
  /** fullMs / incrementalMs. */
  speedup: number | null;
  /** false: the full recompute stopped at its time budget: fullMs is the time spent (so speedup is
   * a lower bound) and fullEstimatedMs core's extrapolation of the whole run. */
  fullComplete?: boolean;
  fullEstimatedMs?: number;
  /** Source x destination pairs each mode recomputed (from the answer's stats). */
  incrementalPairs?: number;
  fullPairs?: number;
  notImplemented?: true;
}

export interface TierResult {
  tier: TierName;
  seed: number;
  date: string;
  /** The worker got to the end (false: it crashed, e.g. out of memory; `error` says how, and the
   * figures it sent before are kept). Measurements that failed or timed out are in `errors`. */
  completed: boolean;
  error?: string;
  /** Measurements that ran past the time limit (--timeout); their worker was killed. */
  timedOut?: string[];
  /** The time limit of one measurement (--timeout), seconds. */
  timeoutS?: number;
  maxOldSpaceMb: number;
  /** Extra node/V8 flags the worker ran with (--node-flag), when any. */
  nodeFlags?: string[];
  wallMs?: number;
  files?: number;
  inputBytes?: number;
  /** Reading every file as text, as the CLI reads them (cli/text-reader.ts; readFileSync with utf8 before 2026-11-29 10:00), kept apart from the parse floor. */
  readMs?: number;
  /** JSON.parse of every file's text: the floor every tool pays. */
  parseMs?: number;
  /** createImportSession fed file by file + finish(). */
  importMs?: number;
  /** compile(snapshot) + dp.compileAll(). */
  compileMs?: number;
  compileParts?: { compileMs: number; compileAllMs: number };
  /** importMs + compileMs: what a question pays before it can be asked. */
  importCompileMs?: number;
  /** (importMs + compileMs) / parseMs. */
  ratio?: number;
  counts?: Record<string, number>;
  diagnostics?: Record<string, number>;
  /** Heap in use (after a full GC) holding the Snapshot, and then the Snapshot + DataPlane. */
  heapAfterImportMb?: number;
  rssAfterCompileMb?: number;
  heapAfterCompileMb?: number;
  /** process.resourceUsage().maxRSS of the worker, at the end. */
  peakRssMb?: number;
  trace?: TraceFigures;
  /** Not in the issue: flows between two NICs of one VNet (decided by NSGs, not the firewall). */
  traceSameVnet?: TraceFigures;
  reach?: ReachFigures;
  exposureMs?: number | null;
  blast?: BlastFigures;
  matrixMs?: number | null;
  /** Threads the matrix used (2: with a worker thread that imports and compiles the estate again, inside matrixMs). */
  matrixThreads?: number;
  /** CPU time of the process during the matrix (every thread, the garbage collector's included): on a shared machine the figure to compare. */
  matrixCpuMs?: number;
  findingsMs?: number | null;
  whatif?: WhatIfFigures;
  /** Sizes of the answers' top-level lists (`computeFindings.findings`: 12), to show work was done. */
  answers?: Record<string, number>;
  /** Measurements whose core function is not exported yet (they report null). */
  notImplemented?: string[];
  /** Measurements that threw, by name. */
  errors?: Record<string, string>;
  /** Wall time of each measurement (including the untimed setup around the figure). */
  phaseMs?: Record<string, number>;
  /** Garbage-collection pauses during each measurement (perf_hooks 'gc' entries). */
  gc?: Record<string, { ms: number; count: number; maxPauseMs: number; /** Mark-compact (full) collections. */ majorMs: number; majorCount: number; /** Fresh memory the measurement touched: minor page faults x 4 KiB (Linux only). */ freshMb?: number }>;
  /** The machine's 1-minute load average when the worker started and ended (noise indicator). */
  loadAvg?: { start: number; end: number };
}

export interface ResultsFile {
  machine: Machine;
  tiers: Partial<Record<TierName, TierResult>>;
}

/** What the parent asks a worker to do. */
export interface WorkerJob {
  tier: TierName;
  seed: number;
  dir: string;
  flows: number;
  pairs: number;
  blastSources: number;
  /** Time budget of the full what-if recompute (core extrapolates past it); undefined: core's default. */
  whatIfBudgetMs?: number;
  maxOldSpaceMb: number;
  timeoutS: number;
  /** More node/V8 flags for the worker (experiments: `--max-semi-space-size=64`). */
  nodeFlags: string[];
  progress: boolean;
  /** Measurements not to run (done or timed out in an earlier worker of this tier). */
  skip?: string[];
  /** Write a CPU profile of each measurement here (bench/profile.ts). */
  profileDir?: string;
}

export type WorkerMessage =
  | { type: 'progress'; line: string }
  | { type: 'start'; name: string }
  | { type: 'partial'; result: TierResult }
  | { type: 'done'; result: TierResult };
