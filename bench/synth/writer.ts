// Streams an estate to a folder: one `{"value": [...]}` file per unit (global, hub, chunk of
// spokes), one resource per line, never holding more than one spoke in memory. Files roll over to
// a `-partN` file before they reach MAX_FILE_BYTES. MANIFEST.txt is written last.

import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ArmResource } from './build/resource.ts';
import { countResource, type Counts, normaliseCounts } from './counts.ts';
import { type ManifestFile, renderManifest } from './manifest.ts';
import { type EstatePlan, planEstate, type PlantedMistake } from './plan.ts';
import { type EstateCounts, expectedCounts, type TierDefinition, type TierName, TIERS } from './tiers.ts';
import { estateUnits } from './units.ts';

export const MAX_FILE_BYTES = 48 * 1024 * 1024;
const FLUSH_BYTES = 4 * 1024 * 1024;
export const MANIFEST_FILE = 'MANIFEST.txt';

export interface SynthProgress {
  /** The file just finished. */
  file: string;
  filesDone: number;
  vnetsDone: number;
  vnetsTotal: number;
  bytes: number;
}

export interface EstateSummary {
  tier: TierName;
  seed: number;
  dir: string;
  files: ManifestFile[];
  bytes: number;
  counts: EstateCounts;
  mistakes: PlantedMistake[];
}

/** A problem with the arguments or the output folder (the CLI maps it to exit code 2). */
export class SynthInputError extends Error {
  override name = 'SynthInputError';
}

export function resolveTier(tier: TierName | TierDefinition): TierDefinition {
  if (typeof tier !== 'string') return tier;
  const def = TIERS[tier];
  if (!def) throw new SynthInputError(`unknown tier ${String(tier)}`);
  return def;
}

export function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new SynthInputError(`seed must be an integer from 0 to 4294967295, got ${seed}`);
  }
}

function findJson(dir: string): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findJson(path);
      if (found) return found;
    } else if (entry.name.toLowerCase().endsWith('.json') || entry.name === MANIFEST_FILE) {
      return path;
    }
  }
  return undefined;
}

/** A `{"value":[...]}` file written in large synchronous chunks. */
class ListFileWriter {
  private fd: number;
  private parts: string[] = ['{"value":['];
  private pending = 10;
  private first = true;
  bytes = 10;
  resources = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  add(json: string): void {
    const chunk = this.first ? `\n${json}` : `,\n${json}`;
    this.first = false;
    this.parts.push(chunk);
    const n = Buffer.byteLength(chunk);
    this.pending += n;
    this.bytes += n;
    this.resources++;
    if (this.pending >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.parts.length > 0) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.pending = 0;
  }

  close(): void {
    const tail = '\n]}\n';
    this.parts.push(tail);
    this.bytes += tail.length;
    this.flush();
    closeSync(this.fd);
  }
}

function writeUnit(dir: string, stem: string, resources: Iterable<ArmResource>, counts: Counts): ManifestFile[] {
  const files: ManifestFile[] = [];
  let part = 1;
  let writer: ListFileWriter | undefined;
  const finish = (): void => {
    if (!writer) return;
    writer.close();
    files.push({ name: writer.path.slice(dir.length + 1), bytes: writer.bytes, resources: writer.resources });
    writer = undefined;
  };
  for (const r of resources) {
    const json = JSON.stringify(r);
    if (writer && writer.resources > 0 && writer.bytes + json.length > MAX_FILE_BYTES) {
      finish();
      part++;
    }
    writer ??= new ListFileWriter(join(dir, part === 1 ? `${stem}.json` : `${stem}-part${part}.json`));
    writer.add(json);
    countResource(counts, r);
  }
  writer ??= new ListFileWriter(join(dir, `${stem}.json`));
  finish();
  return files;
}

/**
 * Generates the estate of `tier` for `seed` into `dir` (created if needed; it must not already hold
 * *.json files or a manifest). Resolves to what was written; throws SynthInputError on bad input.
 */
export async function writeEstate(
  dir: string,
  tier: TierName | TierDefinition,
  seed: number,
  onProgress?: (p: SynthProgress) => void,
): Promise<EstateSummary> {
  const def = resolveTier(tier);
  checkSeed(seed);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new SynthInputError(`${dir} exists and is not a folder`);
    const clash = findJson(dir);
    if (clash) throw new SynthInputError(`${dir} already holds ${clash}; every *.json in it would be imported with the estate (use an empty folder)`);
  } else {
    mkdirSync(dir, { recursive: true });
  }
  let plan: EstatePlan;
  try {
    plan = planEstate(def, seed);
  } catch (e) {
    throw new SynthInputError((e as Error).message);
  }
  const units = estateUnits(plan);
  const vnetsTotal = units.reduce((n, u) => n + u.vnets, 0);
  const counts: Counts = {};
  const files: ManifestFile[] = [];
  let vnetsDone = 0;
  let bytes = 0;
  for (const unit of units) {
    const written = writeUnit(dir, unit.stem, unit.resources(), counts);
    files.push(...written);
    vnetsDone += unit.vnets;
    for (const f of written) {
      bytes += f.bytes;
      onProgress?.({ file: f.name, filesDone: files.length, vnetsDone, vnetsTotal, bytes });
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const expected = expectedCounts(def);
  const actual = normaliseCounts(counts, expected);
  const diff = (Object.keys(expected) as (keyof EstateCounts)[]).filter((k) => expected[k] !== actual[k]);
  if (diff.length > 0 || Object.keys(counts).some((k) => !(k in expected))) {
    throw new Error(`internal error: generated counts differ from tier ${def.tier}: ${diff.map((k) => `${k} ${actual[k]} != ${expected[k]}`).join(', ')}`);
  }
  writeFileSync(join(dir, MANIFEST_FILE), renderManifest(plan, actual, files));
  return { tier: def.tier, seed, dir, files, bytes, counts: actual, mistakes: plan.mistakes };
}
