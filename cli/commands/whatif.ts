// `ztpath whatif PATHS... --change FILE`: applies a change file to the snapshot and says which flows
// the change opens and which it closes, the change in internet exposure, the findings it adds and
// resolves, and the effective routes and rules it changes. Also the renderers and CI gates that
// `ztpath diff` shares.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AZURE_HOST_VIP, CATALOG, INTERNET_SET, MAX_EVERY_PAIR, cidrsToSet, compile, computeFindings, computeWhatIf, deriveDataPlane, diffSnapshots, formatDiagnostic, setToCidrStrings } from '../../core/index.ts';
import type { DataPlane, Diagnostic, ExposureChange, FindingLike, FindingsOptions, FlowChange, ResourceId, Trace, WhatIfAnswer, WhatIfOptions } from '../../core/index.ts';
import { applyChange, decodeText, EDIT_OPS } from '../../importer/index.ts';
import { type Command, type FlagSpec, type ParsedArgs, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG, boolFlag, requireFlag, stringFlag } from '../command.ts';
import { shortName } from '../common.ts';
import { CliError, type CliIo, usageError } from '../io.ts';
import { displayPath, loadSnapshot } from '../load-snapshot.ts';
import { Progress } from '../progress.ts';
import { renderJson } from '../render/json.ts';
import { listCell, paint, renderCaveats, renderTable, useColor } from '../render/table.ts';
import { escapeXml } from '../render/junit.ts';
import { SARIF_SCHEMA, fileRegionResolver, pascal, toolVersion } from '../render/sarif.ts';

// ---- flags shared with diff ----------------------------------------------------------------------

export const FAIL_ON_FLAG: FlagSpec = {
  name: 'fail-on',
  type: 'string',
  value: 'GATE',
  multiple: true,
  description: 'exit 1 when the change trips a gate: new-exposure, newly-allowed, newly-blocked, new-findings:SEVERITY (high|medium|low|info); repeat or comma-separate',
};
export const FORMAT_FLAG: FlagSpec = { name: 'format', type: 'string', value: 'FMT', description: 'text (default), json (= --json), sarif (GitHub code scanning) or junit (Azure DevOps, GitLab)' };
export const FULL_FLAG: FlagSpec = { name: 'full', type: 'boolean', description: 'compare every pair of endpoints instead of only those the change can affect (slow; a cross-check)' };
export const NO_TRACES_FLAG: FlagSpec = { name: 'no-traces', type: 'boolean', description: 'do not trace the example flows before and after (smaller JSON)' };
export const NO_FINDINGS_FLAG: FlagSpec = { name: 'no-findings', type: 'boolean', description: 'do not compare findings (faster on large estates; new-findings gates then never trip)' };

/** The flags of the answer, shared by whatif and diff. */
export const MAX_PAIRS_FLAG: FlagSpec = { name: 'max-pairs', type: 'string', value: 'N', description: `compare flows only up to N source/destination pairs (default ${MAX_EVERY_PAIR.toLocaleString('en-US')}; more takes more time and memory)` };

export const WHATIF_ANSWER_FLAGS: FlagSpec[] = [FAIL_ON_FLAG, FORMAT_FLAG, FULL_FLAG, MAX_PAIRS_FLAG, NO_TRACES_FLAG, NO_FINDINGS_FLAG, SERVICE_TAGS_FLAG, JSON_FLAG, QUIET_FLAG];

export const WHATIF_EXIT_CODES = [
  'A change no rule bounds to some pairs (address spaces; subnets with appliances, firewalls or',
  'gateways; service tags) is compared on every pair, other changes on the pairs they can affect;',
  'beyond 25 million pairs (--max-pairs), or once more than 2 million pairs are found to change, flows',
  'and exposure are not compared (the answer says so; findings, routes and rules are), and a gate on',
  'them is not judged.',
  '',
  'Exit codes: 0 ok (or no gate tripped); 1 a --fail-on gate tripped; 2 usage or input error (a bad',
  'change file names the file, the JSON path and what is wrong), or a gate on flows or exposure that',
  'could not be judged.',
];

const SEVERITIES = ['high', 'medium', 'low', 'info'];

export type Gate = { kind: 'new-exposure' | 'newly-allowed' | 'newly-blocked' } | { kind: 'new-findings'; severity: string };

export function parseGates(verb: string, args: ParsedArgs): Gate[] {
  const raw = args.values['fail-on'];
  const list = (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
  return list.map((g) => {
    const t = g.toLowerCase();
    if (t === 'new-exposure' || t === 'newly-allowed' || t === 'newly-blocked') return { kind: t };
    const m = /^new-findings(?::(\w+))?$/.exec(t);
    if (m) {
      const severity = m[1] ?? 'info';
      if (!SEVERITIES.includes(severity)) throw usageError(verb, `--fail-on ${g}: unknown severity '${m[1]}' (expected ${SEVERITIES.join(', ')})`);
      return { kind: 'new-findings', severity };
    }
    throw usageError(verb, `--fail-on ${g}: expected new-exposure, newly-allowed, newly-blocked or new-findings:SEVERITY`);
  });
}

export function evaluateGates(a: WhatIfAnswer, gates: Gate[]): string[] {
  const tripped: string[] = [];
  for (const g of gates) {
    if (g.kind === 'new-exposure' && a.exposure.added.length) tripped.push(`new-exposure: ${a.exposure.added.length} new internet exposure${a.exposure.added.length === 1 ? '' : 's'}`);
    if (g.kind === 'newly-allowed' && a.newlyAllowed.length) tripped.push(`newly-allowed: ${a.newlyAllowed.length} flow${a.newlyAllowed.length === 1 ? '' : 's'} newly allowed`);
    if (g.kind === 'newly-blocked' && a.newlyBlocked.length) tripped.push(`newly-blocked: ${a.newlyBlocked.length} flow${a.newlyBlocked.length === 1 ? '' : 's'} newly blocked`);
    if (g.kind === 'new-findings') {
      const rank = SEVERITIES.indexOf(g.severity);
      const hits = a.findings.added.filter((f) => SEVERITIES.indexOf(f.severity) >= 0 && SEVERITIES.indexOf(f.severity) <= rank);
      if (hits.length) tripped.push(`new-findings:${g.severity}: ${hits.length} new finding${hits.length === 1 ? '' : 's'} at ${g.severity} or above (${[...new Set(hits.map((f) => f.id))].join(', ')})`);
    }
  }
  return tripped;
}

/**
 * The gates on flows and exposure when those were not compared (stats.flowsCompared false: too
 * many pairs to compare every one): they can neither pass nor trip, so the run cannot say the
 * change is clean.
 */
export function unjudgedGates(a: WhatIfAnswer, gates: Gate[]): string[] {
  if (a.stats.flowsCompared !== false) return [];
  return gates.filter((g) => g.kind !== 'new-findings').map(gateName);
}

export type OutputFormat = 'text' | 'json' | 'sarif' | 'junit';

export function outputFormat(verb: string, args: ParsedArgs): OutputFormat {
  const f = stringFlag(args, 'format')?.trim().toLowerCase();
  if (boolFlag(args, 'json')) return 'json';
  if (f === undefined || f === 'text') return 'text';
  if (f === 'json') return 'json';
  if (f === 'sarif' || f === 'junit') return f;
  throw usageError(verb, `--format ${f}: expected text, json, sarif or junit`);
}

// ---- findings -----------------------------------------------------------------------------------

/**
 * Findings before and after, without the blast-radius ranking (the slowest check, and a ranking);
 * the per-NSG checks judge only the NSGs a rules-only change edits (FindingsOptions.nsgScope).
 */
export function findingsEngine(): WhatIfOptions['findings'] {
  return (dp, nsgScope) => computeFindings(dp, whatIfFindingsOptions(nsgScope));
}

/** The options of those findings (`ztpath serve`'s what-if computes them the same way). */
export function whatIfFindingsOptions(nsgScope?: ReadonlySet<ResourceId>): FindingsOptions {
  return { skipBlast: true, ...(nsgScope ? { nsgScope } : {}) };
}

// ---- text ---------------------------------------------------------------------------------------

function outcome(t: Trace | undefined): string {
  if (!t) return 'absent';
  if (t.reachable) {
    const last = [...t.allowedBy].reverse().find((a) => 'nsg' in a || 'firewall' in a || 'paasFirewall' in a);
    if (!last) return t.disposition;
    const by = 'nsg' in last ? `${shortName(last.nsg)} ${last.rule}` : 'firewall' in last ? `${shortName(last.firewall)} ${last.rule}` : `${shortName(last.paasFirewall)} ${last.rule}`;
    return `${t.disposition} (${by})`;
  }
  const s = t.stoppedBy;
  if (!s) return t.disposition;
  const by = s.rule ? `${s.nsg ? shortName(s.nsg) + ' ' : s.resource ? shortName(s.resource) + ' ' : ''}${s.rule}` : s.route ? `route ${s.route}` : s.resource ? shortName(s.resource) : s.stage;
  return `${t.disposition} (${by})`;
}

function exampleText(x: FlowChange): string {
  const e = x.example;
  const flow = `${e.src} -> ${e.dst} ${e.protocol}${e.dstPort !== undefined ? `/${e.dstPort}` : ''}`;
  if (!e.before && !e.after) return flow;
  return `${flow}: ${outcome(e.before)} -> ${outcome(e.after)}`;
}

const INTERNET_CIDRS = setToCidrStrings(INTERNET_SET.subtract(cidrsToSet([`${AZURE_HOST_VIP}/32`]).set)).join(',');

/** Source prefixes for text: the whole public address space reads as `Internet`. */
function sourcesText(sources: string[], max = 3): string {
  return sources.join(',') === INTERNET_CIDRS ? 'Internet (all public addresses)' : listCell(sources, max);
}

/** Rows shown per section in text; --json has them all. */
const MAX_ROWS = 40;

function flowTable(items: FlowChange[], color: boolean): string {
  const rows = items.slice(0, MAX_ROWS).map((x) => [x.from, x.to, x.protocol, x.protocol === 'Any' ? 'all' : x.ports.length ? listCell(x.ports, 4) : '-', sourcesText(x.sources), x.via ?? '', exampleText(x)]);
  const table = renderTable([{ header: 'From' }, { header: 'To' }, { header: 'Protocol' }, { header: 'Ports' }, { header: 'Sources' }, { header: 'Via' }, { header: 'Example: before -> after' }], rows, { color, indent: '  ' });
  return items.length > MAX_ROWS ? `${table}  ... and ${items.length - MAX_ROWS} more (see --json)\n` : table;
}

export function renderWhatIfText(a: WhatIfAnswer, title: string, color: boolean, tripped: string[] = [], unjudged: string[] = []): string {
  const out: string[] = [paint(title, 'bold', color), ''];
  out.push(`Changed resources: ${a.changes.length || 'none'}`);
  for (const c of a.changes.slice(0, 12)) out.push(`  ${c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~'} ${c.name} (${c.collection})${c.details.length ? ': ' + listCell(c.details, 4) : ''}`);
  if (a.changes.length > 12) out.push(`  ... and ${a.changes.length - 12} more (see --json)`);
  out.push('');
  const compared = a.stats.flowsCompared !== false;
  const section = (label: string, items: FlowChange[], tone: 'bad' | 'good') => {
    if (!compared) {
      out.push(paint(`${label}: not compared (too many pairs; see the caveats)`, 'warn', color), '');
      return;
    }
    if (!items.length) {
      out.push(`${label}: none`, '');
      return;
    }
    out.push(paint(`${label}: ${items.length}`, tone, color));
    out.push(flowTable(items, color));
  };
  section('Newly allowed', a.newlyAllowed, 'bad');
  section('Newly blocked', a.newlyBlocked, 'good');
  const ex = a.exposure;
  if (!compared) out.push(paint('Internet exposure: not compared', 'warn', color));
  else if (!ex.added.length && !ex.removed.length) out.push('Internet exposure: unchanged');
  else {
    out.push('Internet exposure:');
    for (const e of ex.added) out.push(paint(`  + ${exposureLine(e)}`, 'bad', color));
    for (const e of ex.removed) out.push(paint(`  - ${exposureLine(e)}`, 'good', color));
  }
  const fnd = a.findings;
  if (a.caveats.some((c) => c.code === 'whatif.partial' && c.message.startsWith('Findings'))) out.push('Findings: not compared');
  else if (!fnd.added.length && !fnd.resolved.length) out.push('Findings: unchanged');
  else {
    out.push('Findings:');
    for (const f of fnd.added) out.push(paint(`  + [${f.severity}] ${f.id} ${f.name ?? shortName(f.resource)}: ${f.message}`, 'bad', color));
    for (const f of fnd.resolved) out.push(paint(`  - [${f.severity}] ${f.id} ${f.name ?? shortName(f.resource)}: ${f.message}`, 'good', color));
  }
  if (!a.rules.length) out.push('Effective security rules: unchanged');
  else {
    out.push('Effective security rules:');
    for (const r of a.rules) {
      out.push(`  ${listCell(r.endpoints, 4)}${r.subnet ? ` (${r.subnet})` : ''}`);
      type View = (typeof r.added)[number];
      const shown = (x: View) =>
        `${shortName(x.nsg)} ${x.name} [${x.priority}] ${x.direction} ${x.access} ${x.protocol} ${x.sourceAddressPrefix ?? (x.sourceAddressPrefixes ?? []).join(',')} -> ${x.destinationAddressPrefix ?? (x.destinationAddressPrefixes ?? []).join(',')} ports ${x.destinationPortRange ?? (x.destinationPortRanges ?? []).join(',')}`;
      const key = (x: View) => `${x.nsg.toLowerCase()}|${x.name}|${x.direction}`;
      const was = new Map(r.removed.map((x) => [key(x), x]));
      const paired = new Set<string>();
      for (const x of r.added) {
        const old = was.get(key(x));
        if (old && shown(old) === shown(x)) {
          // Same rule as written; what it expands to changed (VirtualNetwork, ASG members, tags).
          paired.add(key(x));
          const exp = (v: View) => [...(v.expandedSourceAddressPrefix ?? []), '->', ...(v.expandedDestinationAddressPrefix ?? [])];
          const now = exp(x).join(' ');
          const before = exp(old).join(' ');
          out.push(`    ~ ${shown(x)}: now expands to ${listCell(now.split(' '), 6)} (was ${listCell(before.split(' '), 6)})`);
          continue;
        }
        out.push(`    + ${shown(x)}`);
      }
      for (const x of r.removed) if (!paired.has(key(x))) out.push(`    - ${shown(x)}`);
    }
  }
  if (!a.routes.length) out.push('Effective routes: unchanged');
  else {
    out.push('Effective routes:');
    for (const r of a.routes) {
      out.push(`  ${r.name}`);
      const line = (sign: string, x: (typeof r.added)[number]) => `    ${sign} ${x.addressPrefix.join(',')} -> ${x.nextHopType}${x.nextHopIpAddress.length ? ' ' + x.nextHopIpAddress.join(',') : ''} (${x.source}${x.name ? ` ${x.name}` : ''}, ${x.state})`;
      for (const x of r.added) out.push(line('+', x));
      for (const x of r.removed) out.push(line('-', x));
    }
  }
  const s = a.stats;
  const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);
  const stopped = s.complete ? '' : compared ? ' (stopped by the time budget)' : ' (flows not compared: too many pairs)';
  out.push('', paint(`(${s.mode}: ${s.pairsConsidered} of ${s.sources * s.destinations} source/destination pairs rechecked${stopped}; ${ms(s.elapsedMs)}${s.findingsMs !== undefined ? `, of which findings ${ms(s.findingsMs)}` : ''})`, 'dim', color));
  for (const t of tripped) out.push(paint(`Gate tripped: ${t}`, 'bad', color));
  for (const g of unjudged) out.push(paint(`Gate not judged: ${g} (flows were not compared)`, 'bad', color));
  return out.join('\n') + '\n' + renderCaveats(a.caveats.filter((c) => c.code !== 'whatif.partial' || !c.message.startsWith('Findings')), color);
}

function gateName(g: Gate): string {
  return g.kind === 'new-findings' ? `new-findings:${g.severity}` : g.kind;
}

function flowLine(x: FlowChange): string {
  return `${x.from} -> ${x.to} ${x.protocol}${x.ports.length ? ' ' + x.ports.join(',') : ''} from ${sourcesText(x.sources)}${x.via ? ` via ${x.via}` : ''}; e.g. ${exampleText(x)}`;
}

function exposureLine(e: ExposureChange): string {
  return `${e.name}${e.ip ? ` (${e.ip})` : ''} ${e.protocol}${e.ports.length ? ' ' + e.ports.join(',') : ''} from ${sourcesText(e.sources)}${e.via ? ` via ${e.via}` : ''}`;
}

const WHATIF_RULES = [
  { id: 'ZT-WHATIF-NEW-EXPOSURE', title: 'The change exposes an endpoint to the internet', level: 'error' as const, text: 'After the change, the internet can open connections that it cannot open before it.', help: 'Check that the endpoint is meant to be public; if not, narrow the NSG rule, the load balancer or NAT rule, or the public IP the change adds. `ztpath trace` with the example flow shows the path.' },
  { id: 'ZT-WHATIF-NEWLY-ALLOWED', title: 'The change allows a flow that was blocked', level: 'warning' as const, text: 'After the change, traffic gets from the source to the destination that does not get through before it.', help: 'Check that the flow is meant to be opened; `ztpath trace` with the example flow on the snapshot after the change names the rule or route that lets it through.' },
  { id: 'ZT-WHATIF-NEWLY-BLOCKED', title: 'The change blocks a flow that was allowed', level: 'note' as const, text: 'After the change, traffic that gets through before it is blocked.', help: 'Check that nothing depends on the flow (an outage otherwise); `ztpath trace` with the example flow names what now stops it.' },
];

const SARIF_LEVEL: Record<string, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** SARIF 2.1.0: one result per new exposure, changed flow and new finding (same conventions as `check`). */
export function renderWhatIfSarif(a: WhatIfAnswer, io: CliIo, changeFile?: string, diagnostics: Diagnostic[] = []): string {
  const regions = fileRegionResolver(io.cwd);
  regions.prefetch?.(a.findings.added.flatMap((f) => (f.location ? [f.location] : [])));
  const findingRules = CATALOG.filter((c) => a.findings.added.some((f) => f.id === c.id));
  const rules = [
    ...WHATIF_RULES.map((r) => ({ id: r.id, name: pascal(r.id), shortDescription: { text: r.title }, fullDescription: { text: r.text }, help: { text: `${r.text}\n\n${r.help}` }, defaultConfiguration: { level: r.level } })),
    ...findingRules.map((c) => ({ id: c.id, name: pascal(c.id), shortDescription: { text: c.title }, fullDescription: { text: c.summary }, help: { text: `${c.summary}\n\nFix: ${c.fix}` }, defaultConfiguration: { level: SARIF_LEVEL[c.severity] } })),
  ];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  // The change file as a whole: its first line (a region, which GitHub code scanning wants).
  const changeLocation = changeFile ? [{ physicalLocation: { artifactLocation: { uri: changeFile.split(path.sep).join('/'), uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } } }] : [];
  const logical = (name: string, id?: string) => ({ logicalLocations: [{ name, ...(id ? { fullyQualifiedName: id } : {}), kind: 'resource' }] });
  const results: unknown[] = [];
  for (const e of a.exposure.added) results.push({ ruleId: 'ZT-WHATIF-NEW-EXPOSURE', ruleIndex: index.get('ZT-WHATIF-NEW-EXPOSURE'), level: 'error', message: { text: `Newly exposed to the internet: ${exposureLine(e)}` }, locations: [...changeLocation, logical(e.name, e.resource)], properties: { exposure: e } });
  for (const [list, id] of [[a.newlyAllowed, 'ZT-WHATIF-NEWLY-ALLOWED'], [a.newlyBlocked, 'ZT-WHATIF-NEWLY-BLOCKED']] as const) {
    for (const x of list) {
      const { before, after, ...example } = x.example;
      results.push({ ruleId: id, ruleIndex: index.get(id), level: id === 'ZT-WHATIF-NEWLY-ALLOWED' ? 'warning' : 'note', message: { text: `${id === 'ZT-WHATIF-NEWLY-ALLOWED' ? 'Newly allowed' : 'Newly blocked'}: ${flowLine(x)}` }, locations: [...changeLocation, logical(x.to, x.toRef.id)], properties: { from: x.fromRef, to: x.toRef, protocol: x.protocol, ports: x.ports, sources: x.sources, example, before: before?.disposition, after: after?.disposition } });
    }
  }
  for (const f of a.findings.added) {
    const region = f.location ? regions(f.location) : undefined;
    results.push({
      ruleId: f.id,
      ruleIndex: index.get(f.id),
      level: SARIF_LEVEL[f.severity] ?? 'note',
      message: { text: `New finding: ${f.message}${f.fix ? `\nFix: ${f.fix}` : ''}` },
      locations: [{ ...(f.location ? { physicalLocation: { artifactLocation: { uri: f.location.file.split(path.sep).join('/'), uriBaseId: '%SRCROOT%' }, ...(region ? { region } : {}) } } : {}), ...logical(f.name ?? f.resource, f.resource) }],
      partialFingerprints: { 'ztpathFinding/v1': f.fingerprint },
    });
  }
  const version = toolVersion();
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'ztpath', version, semanticVersion: version, informationUri: 'https://github.com/ztpath/ztpath', rules } }, invocations: [invocationOf(a, diagnostics)], columnKind: 'utf16CodeUnits', results, properties: { resolvedFindings: a.findings.resolved.map((f) => f.fingerprint), stats: a.stats, caveats: a.caveats } }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/**
 * The SARIF invocation: when flows and exposure were not compared (too many pairs), the run did
 * not do its analysis, and an empty result list must not read as a clean change: the execution is
 * unsuccessful, with the reason as an error notification (SARIF 2.1.0, sections 3.20.14, 3.20.21).
 */
function invocationOf(a: WhatIfAnswer, diagnostics: Diagnostic[]): Record<string, unknown> {
  // The change file's errors and warnings (a change Azure would refuse): notifications at their
  // place in the file, so that a pipeline sees them although the run itself succeeded.
  const notes = diagnostics.map((d) => ({
    level: d.severity === 'error' ? 'error' : 'warning',
    message: { text: d.message + (d.jsonPath ? ` (field ${d.jsonPath})` : '') },
    descriptor: { id: d.code },
    ...(d.file ? { locations: [{ physicalLocation: { artifactLocation: { uri: d.file.split(path.sep).join('/'), uriBaseId: '%SRCROOT%' }, region: { startLine: d.line ?? 1 } } }] } : {}),
  }));
  if (a.stats.flowsCompared !== false) return { executionSuccessful: true, ...(notes.length ? { toolExecutionNotifications: notes } : {}) };
  const why = a.caveats.find((c) => c.code === 'whatif.too-large')?.message ?? 'Flows and internet exposure were not compared.';
  return { executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: why }, descriptor: { id: 'whatif.too-large' } }, ...notes] };
}

/** JUnit: one testcase per gate (new exposure, newly allowed, newly blocked, new findings); a gate named by --fail-on fails when it trips. */
export function renderWhatIfJunit(a: WhatIfAnswer, gates: Gate[], title: string, diagnostics: Diagnostic[] = []): string {
  const on = new Set(gates.map((g) => g.kind));
  const severity = gates.find((g): g is Extract<Gate, { kind: 'new-findings' }> => g.kind === 'new-findings')?.severity ?? 'info';
  const rank = SEVERITIES.indexOf(severity);
  const unjudged = new Set(unjudgedGates(a, gates));
  const cases: { name: string; lines: string[]; fail: boolean; error?: boolean }[] = [
    { name: 'new-exposure', lines: a.exposure.added.map(exposureLine), fail: on.has('new-exposure') && a.exposure.added.length > 0 },
    { name: 'newly-allowed', lines: a.newlyAllowed.map(flowLine), fail: on.has('newly-allowed') && a.newlyAllowed.length > 0 },
    { name: 'newly-blocked', lines: a.newlyBlocked.map(flowLine), fail: on.has('newly-blocked') && a.newlyBlocked.length > 0 },
    { name: `new-findings:${severity}`, lines: a.findings.added.map((f) => `[${f.severity}] ${f.id} ${f.name ?? f.resource}: ${f.message}`), fail: on.has('new-findings') && a.findings.added.some((f) => SEVERITIES.indexOf(f.severity) >= 0 && SEVERITIES.indexOf(f.severity) <= rank) },
  ];
  for (const c of cases) if (unjudged.has(c.name)) c.error = true;
  const failures = cases.filter((c) => c.fail).length;
  const errors = cases.filter((c) => c.error).length;
  const attr = (k: string, v: string | number) => ` ${k}="${escapeXml(String(v))}"`;
  const body = cases
    .map((c) => {
      const text = escapeXml(c.lines.length ? c.lines.join('\n') : 'none');
      const head = `    <testcase${attr('classname', 'ztpath.whatif')}${attr('name', c.name)}>\n`;
      // A gate on flows that were not compared could not run: a JUnit error, not a pass.
      if (c.error) return `${head}      <error${attr('message', `${c.name} not judged: flows were not compared (too many pairs)`)}${attr('type', 'whatif.too-large')}/>\n    </testcase>\n`;
      return c.fail ? `${head}      <failure${attr('message', `${c.lines.length} ${c.name}`)}${attr('type', c.name)}>${text}</failure>\n    </testcase>\n` : `${head}      <system-out>${text}</system-out>\n    </testcase>\n`;
    })
    .join('');
  // The change file's errors and warnings (a change Azure would refuse): the suite's stderr, as
  // the text prints them; they fail no gate.
  const err = diagnostics.length ? `    <system-err>${escapeXml(diagnostics.map(formatDiagnostic).join('\n'))}</system-err>\n` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attr('name', 'ztpath whatif')}${attr('tests', cases.length)}${attr('failures', failures)}${attr('errors', errors)}>\n  <testsuite${attr('name', title)}${attr('tests', cases.length)}${attr('failures', failures)}${attr('errors', errors)}${attr('skipped', 0)}>\n${body}${err}  </testsuite>\n</testsuites>\n`;
}

/**
 * Print the answer in the chosen format and apply the gates; returns the exit code.
 * `diagnostics`: what reading the change file found (errors and warnings: a change Azure would
 * refuse, a field not understood). The text prints them on stderr; the JSON, whose stderr stays
 * quiet, carries them as `diagnostics` when there are any, SARIF as the invocation's notifications,
 * JUnit as the suite's system-err.
 */
export function emitWhatIf(io: CliIo, a: WhatIfAnswer, title: string, format: OutputFormat, gates: Gate[], changeFile?: string, diagnostics: Diagnostic[] = []): number {
  const tripped = evaluateGates(a, gates);
  const unjudged = unjudgedGates(a, gates);
  if (format === 'json') {
    const withDiagnostics = diagnostics.length ? { ...a, diagnostics } : a;
    io.stdout(renderJson(gates.length ? { ...withDiagnostics, gate: { failOn: gates.map(gateName), tripped, ...(unjudged.length ? { notJudged: unjudged } : {}) } } : withDiagnostics));
  } else if (format === 'sarif') io.stdout(renderWhatIfSarif(a, io, changeFile, diagnostics));
  else if (format === 'junit') io.stdout(renderWhatIfJunit(a, gates, title, diagnostics));
  else io.stdout(renderWhatIfText(a, title, useColor(io), tripped, unjudged));
  if (format !== 'text') for (const t of tripped) io.stderr(`ztpath: gate tripped: ${t}\n`);
  for (const g of unjudged) io.stderr(`ztpath: gate ${g} not judged: flows and exposure were not compared (too many pairs: see the caveat whatif.too-large)\n`);
  // A tripped gate is a violation whatever else; a gate that could not be judged is an error.
  return tripped.length ? 1 : unjudged.length ? 2 : 0;
}

/** `--max-pairs N` (`25,000,000` and `25_000_000` read too); undefined when not given. */
export function parseMaxPairs(args: ParsedArgs, verb: string): number | undefined {
  const text = stringFlag(args, 'max-pairs');
  if (text === undefined) return undefined;
  const n = Number(text.trim().replace(/[,_]/g, ''));
  if (!(Number.isSafeInteger(n) && n > 0)) throw usageError(verb, `--max-pairs ${text}: expected a positive whole number`);
  return n;
}

/**
 * A comparison under a progress line on a terminal: the share of pairs compared when flows are
 * compared by class (large changes take seconds to minutes at scale), then the findings.
 */
export function compareWithProgress(io: CliIo, silent: boolean, opts: WhatIfOptions, compare: (opts: WhatIfOptions) => WhatIfAnswer): WhatIfAnswer {
  const progress = Progress.for(io, silent);
  const label = 'comparing before and after';
  if (!progress.enabled) return compare(opts);
  const findings = opts.findings;
  return progress.step(label, () =>
    compare({
      ...opts,
      onProgress: (done, total) => progress.show(`${label}... ${Math.floor((100 * done) / total)}% of ${total.toLocaleString('en-US')} pairs`),
      ...(findings
        ? {
            findings: (dp: DataPlane, scope?: ReadonlySet<ResourceId>) => {
              progress.show('comparing findings...');
              return findings(dp, scope);
            },
          }
        : {}),
    }),
  );
}

export function whatIfOptions(args: ParsedArgs, verb = 'whatif'): WhatIfOptions {
  const findings = boolFlag(args, 'no-findings') ? undefined : findingsEngine();
  const maxPairs = parseMaxPairs(args, verb);
  return {
    mode: boolFlag(args, 'full') ? 'full' : 'incremental',
    traces: !boolFlag(args, 'no-traces'),
    ...(findings ? { findings } : {}),
    ...(boolFlag(args, 'full') ? { budgetMs: Number.POSITIVE_INFINITY } : {}),
    ...(maxPairs !== undefined ? { maxPairs } : {}),
  };
}

// ---- the verb -----------------------------------------------------------------------------------

export const whatifCommand: Command = {
  name: 'whatif',
  summary: 'what a change would open and close: flows newly allowed and blocked, exposure, findings, routes, rules',
  usage: ['whatif PATHS... --change FILE [--fail-on GATE] [--format text|json|sarif|junit] [--json]'],
  description: [
    'FILE is a change file: {"upsert": [ARM resources as they will be, in any shape the importer',
    'reads, e.g. the output of az ... show], "delete": [resource ids], "edits": [short edits]}.',
    `Short edits: ${EDIT_OPS.join(', ')}; see docs/whatif.md.`,
    'The answer is exact: every flow a change opens or closes, per protocol with exact ports and',
    'source prefixes, grouped by source and destination (a subnet when all of it changed alike),',
    'each with an example traced before and after. Only what the change touches is recomputed.',
    '',
    ...WHATIF_EXIT_CODES,
  ],
  flags: [
    { name: 'change', type: 'string', value: 'FILE', description: 'the change file (JSON)' },
    ...WHATIF_ANSWER_FLAGS,
  ],
  examples: [
    'whatif examples/hub-spoke --change examples/changes/lock-down-nsg-db.json',
    'whatif examples/hub-spoke --change change.json --fail-on new-exposure,new-findings:high --json',
  ],
  async run(args, io) {
    if (!args.positionals.length) throw usageError(this.name, 'missing PATHS: name one or more files or folders of Azure JSON');
    const changeArg = requireFlag(this, args, 'change');
    const format = outputFormat(this.name, args);
    const gates = parseGates(this.name, args);
    const opts = whatIfOptions(args, this.name);
    const silent = format !== 'text' || boolFlag(args, 'quiet');
    const before = await loadSnapshot(args.positionals, { serviceTags: stringFlag(args, 'service-tags'), silent }, io);
    const abs = path.resolve(io.cwd, changeArg);
    const shown = displayPath(io, abs);
    let text: string;
    try {
      text = decodeText(await readFile(abs));
    } catch (e) {
      const code = e instanceof Error && 'code' in e ? String(e.code) : '';
      throw new CliError(`cannot read --change ${changeArg}: ${code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e)}`, { hint: 'see docs/whatif.md for the change file format' });
    }
    const r = applyChange(before, text, shown);
    if (r.failed) {
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      throw new CliError(`the change file ${shown} cannot be applied (${errors.length} error${errors.length === 1 ? '' : 's'})`, { details: errors.slice(0, 20).map(formatDiagnostic), hint: 'see docs/whatif.md for the change file format' });
    }
    const reported = r.diagnostics.filter((x) => x.severity !== 'info');
    if (!silent) for (const d of reported) io.stderr(`ztpath: ${formatDiagnostic(d)}\n`);
    const beforeDp = compile(before);
    const afterDp = opts.mode === 'full' ? compile(r.snapshot) : deriveDataPlane(beforeDp, r.snapshot, diffSnapshots(before, r.snapshot)).dp;
    const answer = compareWithProgress(io, silent, opts, (o) => computeWhatIf(beforeDp, afterDp, o));
    return emitWhatIf(io, answer, `What-if: ${shown} applied to ${args.positionals.join(' ')}`, format, gates, shown, reported);
  },
};
