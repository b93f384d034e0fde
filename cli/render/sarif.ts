// SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer): one run, the tool's rules with ids and
// help text, one result per finding or policy violation. Locations point at the input file and the
// resource's JSON path (the region is found by parsing the file), with the ARM id as a logical
// location. https://docs.oasis-open.org/sarif/sarif/v2.1.0/ and GitHub's "SARIF support for code
// scanning".

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { visit, type JSONPath } from 'jsonc-parser';
import type { Location, Log, ReportingDescriptor, Result, Region } from 'sarif';
import type { CatalogEntry, Finding, FindingLocation, FindingsAnswer, IntentResult, PolicyCheckAnswer, Severity } from '../../core/index.ts';
import { repoUrl } from '../paths.ts';
import { decodeText } from '../../importer/index.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** ztpath's version from package.json (the tool.driver.version of every log). */
export function toolVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(repoUrl('package.json'), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // fall through
  }
  return '0.0.0';
}
const INFORMATION_URI = 'https://github.com/ztpath/ztpath';

/**
 * file + JSON path -> region, for the locations of results. `prefetch` takes every location a
 * log will ask for, so that each file is read once for all of them.
 */
export interface RegionResolver {
  (loc: FindingLocation): Region | undefined;
  prefetch?(locs: Iterable<FindingLocation>): void;
}

/** `$.value[0].properties['a b'][2]` -> ['value', 0, 'properties', 'a b', 2]. */
export function parseJsonPath(p: string): (string | number)[] | undefined {
  if (!p.startsWith('$')) return undefined;
  const out: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < p.length) {
    const m = re.exec(p);
    if (!m) return undefined;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(m[3].replace(/\\'/g, "'"));
  }
  return out;
}

/** Where each line of `text` starts: 0, then the offset after every `\n`. */
function lineStarts(text: string): Uint32Array {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  const starts = new Uint32Array(n);
  let k = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
  return starts;
}

/**
 * 1-based line and column of `offset`, by binary search over the line starts (a scan from the
 * start of the file for every location took minutes for the thousands of findings of a large estate).
 */
function lineCol(starts: Uint32Array, offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

/** A JSON path as a key: parseJsonPath's segments and jsonc-parser's paths give the same text. */
function pathKey(segments: readonly (string | number)[]): string {
  return JSON.stringify(segments);
}

/**
 * The regions of the JSON values at `wanted` (path keys) in `text`, in one pass of jsonc-parser's
 * scanner: a tree of a whole 12.5 MB export (parseTree) took ~0.7 s per file and, kept for every
 * file of a large estate, ~3 GB; the scan takes ~0.1 s and keeps only the regions asked for.
 */
function regionsIn(text: string, wanted: ReadonlySet<string>): Map<string, Region> {
  const starts = lineStarts(text);
  const found = new Map<string, Region>();
  const region = (offset: number, length: number): Region => {
    const start = lineCol(starts, offset);
    const end = lineCol(starts, offset + length);
    return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
  };
  // A key is made only for values as deep as a wanted path: making one for every value of the file
  // took most of the scan's time.
  const depths = new Set([...wanted].map((k) => (JSON.parse(k) as unknown[]).length));
  const wantedKey = (path: () => JSONPath): string | undefined => {
    const p = path();
    if (!depths.has(p.length)) return undefined;
    const key = pathKey(p);
    return wanted.has(key) ? key : undefined;
  };
  // Objects and arrays end later: the key and start of each one open, innermost last.
  const open: { key: string | undefined; offset: number }[] = [];
  const begin = (offset: number, path: () => JSONPath): void => {
    open.push({ key: wantedKey(path), offset });
  };
  const end = (offset: number, length: number): void => {
    const o = open.pop();
    if (o?.key !== undefined && !found.has(o.key)) found.set(o.key, region(o.offset, offset + length - o.offset));
  };
  visit(text, {
    onObjectBegin: (offset, _l, _sl, _sc, path) => begin(offset, path),
    onObjectEnd: (offset, length) => end(offset, length),
    onArrayBegin: (offset, _l, _sl, _sc, path) => begin(offset, path),
    onArrayEnd: (offset, length) => end(offset, length),
    onLiteralValue: (_v, offset, length, _sl, _sc, path) => {
      const key = wantedKey(path);
      if (key !== undefined && !found.has(key)) found.set(key, region(offset, length));
    },
  });
  return found;
}

/**
 * Reads each input file (relative to `cwd`) once per prefetch, or once per location asked for
 * without one, and finds the value at the location's JSON path.
 */
export function fileRegionResolver(cwd: string): RegionResolver {
  /** Per file, the region of each path looked for (null: not in the file); null for a file that cannot be read. */
  const files = new Map<string, Map<string, Region | null> | null>();
  const prefetch = (locs: Iterable<FindingLocation>): void => {
    const byFile = new Map<string, Set<string>>();
    for (const loc of locs) {
      const segs = parseJsonPath(loc.jsonPath);
      if (!segs) continue;
      const known = files.get(loc.file);
      const key = pathKey(segs);
      if (known === null || known?.has(key)) continue;
      let want = byFile.get(loc.file);
      if (!want) byFile.set(loc.file, (want = new Set()));
      want.add(key);
    }
    for (const [file, want] of byFile) {
      let text: string;
      try {
        text = decodeText(readFileSync(path.resolve(cwd, file)));
      } catch {
        files.set(file, null);
        continue;
      }
      const found = regionsIn(text, want);
      let known = files.get(file);
      if (!known) files.set(file, (known = new Map()));
      for (const key of want) known.set(key, found.get(key) ?? null);
    }
  };
  const resolve = (loc: FindingLocation): Region | undefined => {
    const segs = parseJsonPath(loc.jsonPath);
    if (!segs) return undefined;
    const key = pathKey(segs);
    const known = files.get(loc.file);
    if (known !== null && !known?.has(key)) prefetch([loc]);
    return files.get(loc.file)?.get(key) ?? undefined;
  };
  return Object.assign(resolve, { prefetch });
}

const LEVEL: Record<Severity, Result.level> = { high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub's security-severity scale: >= 7 high, >= 4 medium, > 0 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

/** A rule's SARIF `name`: its id in PascalCase without `ZT-` (SARIF1001 wants it to differ from the id). */
export function pascal(id: string): string {
  return id
    .replace(/^ZT-/, '')
    .split(/[-_/]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join('');
}

function uriOf(file: string): string {
  const f = file.split(path.sep).join('/');
  return path.isAbsolute(file) ? `file://${f.startsWith('/') ? '' : '/'}${encodeURI(f)}` : encodeURI(f);
}

function physical(loc: FindingLocation, regions: RegionResolver): Location['physicalLocation'] {
  const region = regions(loc);
  return { artifactLocation: { uri: uriOf(loc.file), ...(path.isAbsolute(loc.file) ? {} : { uriBaseId: '%SRCROOT%' }) }, ...(region ? { region } : {}) };
}

function location(loc: FindingLocation | undefined, resource: string, name: string, regions: RegionResolver, message?: string): Location {
  return {
    ...(loc ? { physicalLocation: physical(loc, regions) } : {}),
    logicalLocations: [{ name, fullyQualifiedName: resource, kind: 'resource' }],
    ...(message ? { message: { text: message } } : {}),
  };
}

function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

function descriptor(e: CatalogEntry): ReportingDescriptor {
  return {
    id: e.id,
    name: pascal(e.id),
    shortDescription: { text: e.title },
    fullDescription: { text: e.summary },
    help: { text: `${e.summary}\n\nHow it is checked: ${e.help}\n\nFix: ${e.fix}`, markdown: `${e.summary}\n\n**How it is checked.** ${e.help}\n\n**Fix.** ${e.fix}` },
    helpUri: `${INFORMATION_URI}#${e.id.toLowerCase()}`,
    defaultConfiguration: { level: LEVEL[e.severity] },
    properties: { tags: ['security', 'network', 'zero-trust'], precision: 'high', 'problem.severity': LEVEL[e.severity] === 'error' ? 'error' : LEVEL[e.severity] === 'warning' ? 'warning' : 'recommendation', 'security-severity': SECURITY_SEVERITY[e.severity] },
  };
}

function flowText(f: Finding['evidence']): string {
  if (!f.flow) return '';
  const fl = f.flow;
  return `\nExample flow: ${fl.src} -> ${fl.dst} ${fl.protocol}${fl.dstPort !== undefined ? `/${fl.dstPort}` : ''}: ${f.disposition ?? ''}${f.path?.length ? ` via ${f.path.join(' > ')}` : ''}.`;
}

function driver(version: string, rules: ReportingDescriptor[]): NonNullable<Log['runs'][number]['tool']>['driver'] {
  return { name: 'ztpath', version, semanticVersion: version, informationUri: INFORMATION_URI, rules };
}

function baseLog(version: string, rules: ReportingDescriptor[], results: Result[], properties: Record<string, unknown>): Log {
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: driver(version, rules) },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The directory ztpath ran in (the repository root in CI).' } } },
        invocations: [{ executionSuccessful: true }],
        columnKind: 'utf16CodeUnits',
        results,
        properties,
      },
    ],
  };
}

/** Findings left out of a report at the user's request (--min-severity): below which severity, and how many. */
export interface OmittedFindings {
  belowSeverity: Severity;
  count: number;
}

/**
 * GitHub code scanning rejects a run of more than 25,000 results, and shows the top 5,000 by
 * severity (docs.github.com, code scanning, "SARIF results exceed limit"; 10 MB gzip-compressed is
 * the other hard limit).
 */
export const GITHUB_MAX_RESULTS = 25_000;

/** The warning for a SARIF run GitHub would reject, if it is one. */
export function githubLimitWarning(results: number): string | undefined {
  if (results <= GITHUB_MAX_RESULTS) return undefined;
  return `the SARIF holds ${results.toLocaleString('en-US')} results; GitHub code scanning rejects a run of more than ${GITHUB_MAX_RESULTS.toLocaleString('en-US')} (and shows the top 5,000): list fewer with --min-severity or --only`;
}

/** Findings against a baseline (ztpath findings --baseline): each result's SARIF baselineState, and the totals. */
export interface SarifBaseline {
  state: (f: Finding) => 'new' | 'unchanged';
  summary: unknown;
}

export function renderFindingsSarif(answer: FindingsAnswer, catalog: readonly CatalogEntry[], version: string, regions: RegionResolver, omitted?: OmittedFindings, baseline?: SarifBaseline): string {
  regions.prefetch?.(
    answer.findings.flatMap((f) => [f.location, ...f.related.map((r) => r.location)].filter((l): l is FindingLocation => l !== undefined)),
  );
  const rules = catalog.map(descriptor);
  const index = new Map(catalog.map((c, i) => [c.id, i]));
  const results: Result[] = answer.findings.map((f) => ({
    ruleId: f.id,
    ruleIndex: index.get(f.id),
    level: LEVEL[f.severity],
    message: { text: `${f.message}${flowText(f.evidence)}\nFix: ${f.fix}` },
    locations: [location(f.location, f.resource, f.name, regions)],
    ...(f.related.length ? { relatedLocations: f.related.map((r, i) => ({ id: i + 1, ...location(r.location, r.resource, r.name, regions, `${r.role}: ${r.name}`) })) } : {}),
    partialFingerprints: { 'ztpathFinding/v1': fingerprint(f.fingerprint) },
    // SARIF 2.1.0, section 3.27.24.
    ...(baseline ? { baselineState: baseline.state(f) } : {}),
    properties: { severity: f.severity, 'security-severity': SECURITY_SEVERITY[f.severity], resource: f.resource, ...(f.location ? { jsonPath: f.location.jsonPath } : {}), fix: f.fix, evidence: f.evidence },
  }));
  return JSON.stringify(baseLog(version, rules, results, { counts: answer.counts, ...(omitted ? { omitted } : {}), ...(baseline ? { baseline: baseline.summary } : {}), notes: answer.notes, caveats: answer.caveats }), null, 2) + '\n';
}

const POLICY_RULES: CatalogEntry[] = [
  { id: 'ZT-POLICY-DENY', title: 'Traffic that a deny intent forbids flows', severity: 'high', summary: 'A deny intent of the policy file says this traffic must not flow, and it does.', help: 'Every source and destination of the intent is followed end to end (NSGs, routes, peerings, firewalls, entry points); any packet that gets through is a violation.', fix: 'Block the traffic where the example trace shows it allowed (NSG rule, firewall rule, route or peering), or change the intent.' },
  { id: 'ZT-POLICY-ALLOW', title: 'An allow intent is not met exactly', severity: 'high', summary: 'An allow intent says this traffic must flow (and, with exactly, nothing else): some of it is blocked, or more flows.', help: 'For every source/destination pair the traffic that gets through is compared with the intent: missing traffic (the trace shows where it stops) and, unless exactly is false, extra traffic are violations.', fix: 'Open the missing flow where the trace stops, or remove the rules that let the extra traffic through.' },
  { id: 'ZT-POLICY-VIA', title: 'Traffic bypasses the required firewall or appliance', severity: 'high', summary: 'A via intent says this traffic must pass a firewall or appliance, and some of it gets through without it.', help: 'Every flow of the intent that gets through is followed hop by hop; one without a hop at the named firewall or appliance is a violation.', fix: 'Route the traffic to the firewall (user route 0.0.0.0/0 or the destination prefix -> its private IP), or remove the path that bypasses it (a direct peering, a missing route table).' },
];

export interface PolicyLocation {
  file: string;
  line?: number;
  column?: number;
}

export function renderCheckSarif(answer: PolicyCheckAnswer, version: string, regions: RegionResolver, policyLocation: (r: IntentResult) => PolicyLocation): string {
  regions.prefetch?.(answer.results.flatMap((r) => r.violations.flatMap((v) => (v.location ? [v.location] : []))));
  const rules = POLICY_RULES.map(descriptor);
  const index = new Map(POLICY_RULES.map((c, i) => [c.id, i]));
  const results: Result[] = [];
  for (const r of answer.results) {
    if (r.status === 'pass') continue;
    const ruleId = `ZT-POLICY-${r.verb.toUpperCase()}`;
    const pl = policyLocation(r);
    const intentLoc: Location = {
      physicalLocation: { artifactLocation: { uri: uriOf(pl.file), ...(path.isAbsolute(pl.file) ? {} : { uriBaseId: '%SRCROOT%' }) }, ...(pl.line ? { region: { startLine: pl.line, ...(pl.column ? { startColumn: pl.column } : {}) } } : {}) },
      message: { text: `intent ${r.name}` },
    };
    for (const v of r.violations) {
      results.push({
        ruleId,
        ruleIndex: index.get(ruleId),
        level: 'error',
        message: { text: `Intent '${r.name}' (${r.verb}): ${v.message}.${flowText(v.evidence)}` },
        locations: [v.location ? location(v.location, v.resource, v.name, regions) : intentLoc],
        relatedLocations: [{ id: 1, ...intentLoc }],
        partialFingerprints: { 'ztpathPolicy/v1': fingerprint(`${r.name}|${v.kind}|${v.from}|${v.to}`) },
        properties: { intent: r.name, verb: r.verb, kind: v.kind, from: v.from, to: v.to, traffic: v.traffic, evidence: v.evidence },
      });
    }
  }
  return JSON.stringify(baseLog(version, rules, results, { passed: answer.passed, failed: answer.failed, caveats: answer.caveats }), null, 2) + '\n';
}
