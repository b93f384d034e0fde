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
  notImplemented?: true;
}

export interface TierResult {
  tier: TierName;
  seed: number;
  date: string;
  /** Every measurement ran (false: the worker failed; the figures it sent before are kept). */
  completed: boolean;
  error?: string;
  maxOldSpaceMb: number;
  wallMs?: number;
  files?: number;
  inputBytes?: number;
  /** readFileSync of every file (utf8), kept apart from the parse floor. */
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
  findingsMs?: number | null;
  whatif?: WhatIfFigures;
  /** Measurements whose core function is not exported yet (they report null). */
  notImplemented?: string[];
  /** Measurements that threw, by name. */
  errors?: Record<string, string>;
  /** Wall time of each measurement (including the untimed setup around the figure). */
  phaseMs?: Record<string, number>;
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
  maxOldSpaceMb: number;
  progress: boolean;
  /** Write a CPU profile of each measurement here (bench/profile.ts). */
  profileDir?: string;
}

export type WorkerMessage =
  | { type: 'progress'; line: string }
  | { type: 'partial'; result: TierResult }
  | { type: 'done'; result: TierResult };
