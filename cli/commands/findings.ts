// `ztpath findings PATHS [--format table|json|sarif|junit] [--fail-on high|medium|low|info]`:
// zero-trust findings (issue 4) from the catalog, each with its evidence and a fix. Exit 1 when a
// finding is at or above --fail-on.

import type { Finding, FindingsAnswer, Severity } from '../../core/index.ts';
import { CATALOG, SEVERITIES, computeFindings, severityAtLeast } from '../../core/index.ts';
import { type Command, QUIET_FLAG, SERVICE_TAGS_FLAG, boolFlag, stringFlag } from '../command.ts';
import { loadForCommand, shortName } from '../common.ts';
import { compareWithBaseline, readBaseline, type BaselineState, type BaselineSummary } from '../findings-baseline.ts';
import { usageError, type CliIo } from '../io.ts';
import { stdoutWriter, writeJson } from '../render/json.ts';
import { renderFindingsJunit } from '../render/junit.ts';
import { fileRegionResolver, githubLimitWarning, renderFindingsSarif, toolVersion, type OmittedFindings } from '../render/sarif.ts';
import { TEXT_ROWS, paint, renderCaveats, renderTable, useColor, type Tone } from '../render/table.ts';

const FORMATS = ['table', 'json', 'sarif', 'junit'] as const;
type Format = (typeof FORMATS)[number];

const TONE: Record<Severity, Tone> = { high: 'bad', medium: 'warn', low: 'dim', info: 'dim' };

export function parseSeverity(verb: string, text: string, flag = '--fail-on'): Severity {
  const t = text.trim().toLowerCase();
  if ((SEVERITIES as readonly string[]).includes(t)) return t as Severity;
  throw usageError(verb, `${flag} ${text}: expected one of ${SEVERITIES.join(', ')}`);
}

export function parseFormat<T extends string>(verb: string, text: string | undefined, allowed: readonly T[], json: boolean, dflt: T): T {
  if (text === undefined) return json ? ('json' as T) : dflt;
  const t = text.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(t)) {
    if (json && t !== 'json') throw usageError(verb, `--json and --format ${t} contradict each other`);
    return t as T;
  }
  throw usageError(verb, `--format ${text}: expected one of ${allowed.join(', ')}`);
}

function flowText(f: Finding): string | undefined {
  const e = f.evidence;
  if (!e.flow) return undefined;
  return `${e.flow.src} -> ${e.flow.dst} ${e.flow.protocol}${e.flow.dstPort !== undefined ? `/${e.flow.dstPort}` : ''}  ${e.disposition ?? ''}${e.path?.length ? `  via ${e.path.join(' > ')}` : ''}`;
}

/** Against a baseline (--baseline): each finding's state and the totals. */
export interface BaselineView {
  state: (f: Finding) => BaselineState;
  summary: BaselineSummary;
}

/** The text answer; the first `maxRows` findings are listed (the most severe: findings come sorted by severity). */
export function renderFindingsText(a: FindingsAnswer, color: boolean, omitted?: OmittedFindings, baseline?: BaselineView, maxRows = TEXT_ROWS): string {
  const out: string[] = [];
  const counts = SEVERITIES.map((s) => `${a.counts[s]} ${s}`).join(', ');
  const total = a.findings.length + (omitted?.count ?? 0);
  out.push(`${total} finding${total === 1 ? '' : 's'}: ${counts}`);
  if (omitted) out.push(`${omitted.count} below ${omitted.belowSeverity} not listed (--min-severity ${omitted.belowSeverity})`);
  if (baseline) {
    const b = baseline.summary;
    out.push(`against the baseline ${b.file}: ${b.new} new, ${b.unchanged} unchanged, ${b.fixed.length} fixed`);
  }
  if (a.findings.length > BY_CHECK_OVER) out.push('', renderByCheck(a.findings, color, baseline).trimEnd());
  if (a.findings.length) {
    const listed = a.findings.slice(0, maxRows);
    out.push('');
    out.push(
      renderTable(
        [{ header: '#', align: 'right' }, { header: 'SEVERITY' }, { header: 'ID' }, { header: 'RESOURCE' }, { header: 'TITLE' }],
        listed.map((f, i) => [String(i + 1), { text: f.severity, tone: TONE[f.severity] }, f.id, f.name, f.title]),
        { color },
      ).trimEnd(),
    );
    if (listed.length < a.findings.length) {
      out.push(`... the first ${listed.length.toLocaleString('en-US')} of ${a.findings.length.toLocaleString('en-US')} findings are listed, the most severe first; --json or --format sarif lists them all, --min-severity fewer.`);
    }
    listed.forEach((f, i) => {
      out.push('');
      const isNew = baseline?.state(f) === 'new' ? `  ${paint('(new)', 'warn', color)}` : '';
      out.push(`${i + 1}. ${paint(`[${f.severity}]`, TONE[f.severity], color)} ${paint(f.id, 'bold', color)}  ${f.name}${isNew}`);
      out.push(`   ${f.message}`);
      const flow = flowText(f);
      if (flow) out.push(`   flow:    ${flow}`);
      for (const a2 of f.evidence.allowedBy) {
        out.push(`   allowed: ${'nsg' in a2 ? `${shortName(a2.nsg)} ${a2.rule} (${a2.side})` : 'firewall' in a2 ? `${shortName(a2.firewall)} ${a2.ruleCollection ? `${a2.ruleCollection}/` : ''}${a2.rule}` : `${shortName(a2.paasFirewall)} ${a2.rule}`}`);
      }
      for (const r of f.evidence.routes) out.push(`   route:   ${r.addressPrefix} -> ${r.nextHopType}${r.nextHopIpAddress ? ` ${r.nextHopIpAddress}` : ''} (${r.source}${r.route ? ` ${r.route}` : ''}, ${shortName(r.subnet)})`);
      if (f.evidence.stoppedBy) out.push(`   stopped: ${f.evidence.stoppedBy.stage}${f.evidence.stoppedBy.rule ? ` ${f.evidence.stoppedBy.rule}` : ''}${f.evidence.stoppedBy.detail ? ` — ${f.evidence.stoppedBy.detail}` : ''}`);
      for (const r of f.evidence.rules ?? []) out.push(`   rule:    ${shortName(r.nsg)} ${r.rule} (${r.direction}, ${r.priority}, ${r.access})`);
      out.push(`   fix:     ${f.fix}`);
      if (f.location) out.push(`   where:   ${f.location.file} ${f.location.jsonPath}`);
    });
  }
  let text = out.join('\n') + '\n';
  if (a.notes.length) text += ['', paint('Notes:', 'warn', color), ...a.notes.map((n) => `  - ${n}`)].join('\n') + '\n';
  text += renderCaveats(a.caveats, color);
  return text;
}

/** Over this many findings, a table of counts per check comes before the list (a screen's worth). */
export const BY_CHECK_OVER = 50;

/**
 * Counts per check and severity (and, against a baseline, how many are new): at scale the list
 * runs to thousands (24,180 findings at tier L) and this is the overview. Checks in the order of
 * their most severe finding, then the most frequent.
 */
function renderByCheck(findings: Finding[], color: boolean, baseline?: BaselineView): string {
  const byId = new Map<string, { counts: Record<Severity, number>; total: number; fresh: number; worst: number }>();
  for (const f of findings) {
    let c = byId.get(f.id);
    if (!c) byId.set(f.id, (c = { counts: { high: 0, medium: 0, low: 0, info: 0 }, total: 0, fresh: 0, worst: SEVERITIES.length }));
    c.counts[f.severity]++;
    c.total++;
    c.worst = Math.min(c.worst, SEVERITIES.indexOf(f.severity));
    if (baseline?.state(f) === 'new') c.fresh++;
  }
  const title = new Map(CATALOG.map((e) => [e.id, e.title]));
  const rows = [...byId].sort(([ia, a], [ib, b]) => a.worst - b.worst || b.total - a.total || (ia < ib ? -1 : ia > ib ? 1 : 0));
  const count = (n: number) => (n ? n.toLocaleString('en-US') : '');
  return renderTable(
    [{ header: 'CHECK' }, ...SEVERITIES.map((s) => ({ header: s.toUpperCase(), align: 'right' as const })), ...(baseline ? [{ header: 'NEW', align: 'right' as const }] : []), { header: 'TITLE' }],
    rows.map(([id, c]) => [
      id,
      ...SEVERITIES.map((s) => (c.counts[s] ? { text: count(c.counts[s]), tone: TONE[s] } : '')),
      ...(baseline ? [c.fresh ? { text: count(c.fresh), tone: 'warn' as const } : ''] : []),
      title.get(id) ?? '',
    ]),
    { color },
  );
}

export const findingsCommand: Command = {
  name: 'findings',
  summary: 'zero-trust findings: exposed management ports, implied trust, missing NSGs, bypassed firewalls, ...',
  usage: ['findings PATHS... [--format table|json|sarif|junit] [--fail-on high|medium|low|info] [--min-severity SEVERITY] [--baseline FILE] [--only IDS] [--blast N]'],
  description: [
    'Runs the findings catalog over the estate. Every finding judges the effective result of',
    'NSGs, routes, firewalls and entry points together, and carries an example flow with the',
    'rules and routes involved, a fix, and the input file and JSON path of the resource.',
    '',
    'Catalog (stable ids, highest severity):',
    ...CATALOG.map((c) => `  ${c.id.padEnd(28)} ${c.severity.padEnd(6)} ${c.title}`),
    '',
    'The text lists the first 10,000 findings, the most severe first (a line says how many are',
    'left out); the other formats list them all. Over 50 findings, a table of counts per check',
    '(and severity; with --baseline, how many are new) comes first.',
    '',
    '--format sarif writes SARIF 2.1.0 for GitHub code scanning; --format junit a JUnit report',
    '(findings at or above --fail-on, default low, are failures). GitHub rejects a SARIF run of',
    'more than 25,000 results (and shows the top 5,000): on large estates list fewer with',
    '--min-severity or --only (a warning on stderr says when it is needed).',
    '',
    'Exit codes: 0 ok (findings are the answer); 1 a finding (with --baseline, a new finding) at',
    'or above --fail-on; 2 usage or input error.',
  ],
  flags: [
    { name: 'format', type: 'string', value: 'FORMAT', description: 'table (default), json, sarif or junit' },
    { name: 'fail-on', type: 'string', value: 'SEVERITY', description: 'exit 1 when a finding is at or above this severity: high, medium, low or info' },
    { name: 'blast', type: 'string', value: 'N', description: 'blast-radius ranking from N footholds (default 4; 0 skips it; estates over 2,000 NICs skip it unless given)' },
    { name: 'baseline', type: 'string', value: 'FILE', description: 'an earlier `ztpath findings --json` output: each finding is marked new or unchanged (same fingerprint), fixed ones are counted, and --fail-on counts new findings only' },
    { name: 'min-severity', type: 'string', value: 'SEVERITY', description: 'list only findings at or above this severity (every format; the counts still cover all): high, medium, low or info' },
    { name: 'only', type: 'string', value: 'IDS', description: 'run only these catalog ids (comma-separated), e.g. ZT-EXPOSED-MGMT-PORT,ZT-SUBNET-NO-NSG' },
    { name: 'json', type: 'boolean', description: 'print JSON (the same as --format json)' },
    SERVICE_TAGS_FLAG,
    QUIET_FLAG,
  ],
  examples: ['findings examples/hub-spoke', 'findings examples/hub-spoke --fail-on high', 'findings examples/hub-spoke --format sarif --min-severity low > findings.sarif', 'findings examples/hub-spoke --baseline findings-baseline.json --fail-on medium'],
  async run(args, io: CliIo) {
    const format: Format = parseFormat(this.name, stringFlag(args, 'format'), FORMATS, boolFlag(args, 'json'), 'table');
    const failOnText = stringFlag(args, 'fail-on');
    const failOn = failOnText !== undefined ? parseSeverity(this.name, failOnText) : undefined;
    const minText = stringFlag(args, 'min-severity');
    const minSeverity = minText !== undefined ? parseSeverity(this.name, minText, '--min-severity') : undefined;
    // The gate judges what is listed: a --fail-on below --min-severity would fail on findings nobody sees.
    if (failOn && minSeverity && !severityAtLeast(failOn, minSeverity)) {
      throw usageError(this.name, `--fail-on ${failOn} is below --min-severity ${minSeverity}: it would fail on findings that are not listed`);
    }
    const onlyText = stringFlag(args, 'only');
    const only = onlyText?.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    for (const id of only ?? []) if (!CATALOG.some((c) => c.id === id)) throw usageError(this.name, `--only ${id}: not a catalog id (see 'ztpath findings --help')`);
    const blastText = stringFlag(args, 'blast');
    const blast = blastText === undefined ? undefined : /^\d{1,3}$/.test(blastText.trim()) ? Number(blastText.trim()) : NaN;
    if (blast !== undefined && Number.isNaN(blast)) throw usageError(this.name, `--blast ${blastText}: expected a number of footholds (0 skips the ranking)`);
    const baselineArg = stringFlag(args, 'baseline');
    // Read before the estate: a bad baseline file fails fast.
    const baselineFile = baselineArg !== undefined ? await readBaseline(baselineArg, io) : undefined;
    const machine = format !== 'table';
    const { dp, progress } = await loadForCommand(this, { ...args, values: { ...args.values, ...(machine ? { json: true } : {}) } }, io);
    const all = progress.step('computing findings', () => computeFindings(dp, { ...(only ? { only } : {}), ...(blast !== undefined ? { blastFootholds: blast } : {}) }));
    // --min-severity: the listed findings; the counts stay those of every finding.
    const answer = minSeverity ? { ...all, findings: all.findings.filter((f) => severityAtLeast(f.severity, minSeverity)) } : all;
    const omitted: OmittedFindings | undefined = minSeverity ? { belowSeverity: minSeverity, count: all.findings.length - answer.findings.length } : undefined;
    const baseline: BaselineView | undefined = baselineFile ? compareWithBaseline(answer.findings, all.findings, baselineFile, all.judged) : undefined;
    switch (format) {
      case 'json': {
        const findings = baseline ? answer.findings.map((f) => ({ ...f, baselineState: baseline.state(f) })) : answer.findings;
        await writeJson({ findings, counts: answer.counts, ...(omitted ? { omitted } : {}), ...(baseline ? { baseline: baseline.summary } : {}), notes: answer.notes, caveats: answer.caveats }, stdoutWriter(io));
        break;
      }
      case 'sarif': {
        io.stdout(renderFindingsSarif(answer, CATALOG, toolVersion(), fileRegionResolver(io.cwd), omitted, baseline));
        const tooMany = githubLimitWarning(answer.findings.length);
        if (tooMany && !boolFlag(args, 'quiet')) io.stderr(`ztpath: warning: ${tooMany}\n`);
        break;
      }
      case 'junit':
        io.stdout(renderFindingsJunit(answer, failOn ?? 'low', baseline ? (f) => baseline.state(f) === 'new' : undefined));
        break;
      default:
        io.stdout(renderFindingsText(answer, useColor(io), omitted, baseline));
    }
    // With a baseline the gate judges what is new.
    const gated = baseline ? answer.findings.filter((f) => baseline.state(f) === 'new') : answer.findings;
    const tripped = failOn ? gated.filter((f) => severityAtLeast(f.severity, failOn)).length : 0;
    if (tripped > 0) {
      if (!machine && !boolFlag(args, 'quiet')) io.stderr(`ztpath: ${tripped}${baseline ? ' new' : ''} finding(s) at or above ${failOn}\n`);
      return 1;
    }
    return 0;
  },
};
