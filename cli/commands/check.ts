// `ztpath check PATHS --policy FILE [--format text|json|sarif|junit]`: the user's intents (a YAML
// policy file: deny / allow / via, docs/ci-gating.md) against the snapshot, for CI gates. Exit 1 on
// any violation; a bad policy file is an input error (exit 2) that names the file, the line and
// column, and the field.

import { LineCounter, isMap, isPair, isScalar, parseDocument, type Document } from 'yaml';
import type { IntentResult, PolicyCheckAnswer, PolicyIssue, PolicyPath } from '../../core/index.ts';
import { checkPolicy, parsePolicy } from '../../core/index.ts';
import { type Command, QUIET_FLAG, SERVICE_TAGS_FLAG, boolFlag, requireFlag, stringFlag } from '../command.ts';
import { loadForCommand, shortName } from '../common.ts';
import { CliError, type CliIo } from '../io.ts';
import { readFlagFile } from '../load-snapshot.ts';
import { renderJson } from '../render/json.ts';
import { renderCheckJunit } from '../render/junit.ts';
import { fileRegionResolver, renderCheckSarif, toolVersion, type PolicyLocation } from '../render/sarif.ts';
import { paint, renderCaveats, useColor } from '../render/table.ts';
import { parseFormat } from './findings.ts';

const FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
type Format = (typeof FORMATS)[number];

/** `intents[2].deny.ports[0]`. */
export function formatPolicyPath(p: PolicyPath): string {
  let out = '';
  for (const seg of p) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || '(document)';
}

interface Positioned {
  line?: number;
  column?: number;
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node === 'object' && node !== null && 'range' in node) {
    const r = (node as { range?: unknown }).range;
    if (Array.isArray(r) && typeof r[0] === 'number') return r[0];
  }
  return undefined;
}

/** Line and column of the node at `p` (or of its key), walking up to the nearest node that exists. */
export function positionOf(doc: Document, lc: LineCounter, p: PolicyPath, atKey = false): Positioned {
  if (atKey && p.length) {
    const parent = p.length === 1 ? doc.contents : doc.getIn(p.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(p[p.length - 1]));
      const off = rangeStart(pair?.key);
      if (off !== undefined) {
        const pos = lc.linePos(off);
        return { line: pos.line, column: pos.col };
      }
    }
  }
  for (let n = p.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true);
    const off = rangeStart(node);
    if (off !== undefined) {
      const pos = lc.linePos(off);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

function issueLines(file: string, doc: Document, lc: LineCounter, issues: PolicyIssue[]): string[] {
  return issues.map((i) => {
    const pos = positionOf(doc, lc, i.path, i.atKey);
    return `${file}:${pos.line ?? 1}:${pos.column ?? 1}: ${formatPolicyPath(i.path)}: ${i.message}`;
  });
}

function policyError(file: string, lines: string[]): CliError {
  return new CliError(`policy file ${file} is not valid (${lines.length} problem${lines.length === 1 ? '' : 's'})`, { details: lines, hint: 'the policy schema and examples are in docs/ci-gating.md' });
}

function flowLine(v: IntentResult['violations'][number]): string[] {
  const e = v.evidence;
  const out: string[] = [];
  if (e.flow) out.push(`flow:    ${e.flow.src} -> ${e.flow.dst} ${e.flow.protocol}${e.flow.dstPort !== undefined ? `/${e.flow.dstPort}` : ''}  ${e.disposition ?? ''}${e.path?.length ? `  via ${e.path.join(' > ')}` : ''}`);
  for (const a of e.allowedBy) out.push(`allowed: ${'nsg' in a ? `${shortName(a.nsg)} ${a.rule} (${a.side})` : 'firewall' in a ? `${shortName(a.firewall)} ${a.ruleCollection ? `${a.ruleCollection}/` : ''}${a.rule}` : `${shortName(a.paasFirewall)} ${a.rule}`}`);
  for (const r of e.routes) out.push(`route:   ${r.addressPrefix} -> ${r.nextHopType}${r.nextHopIpAddress ? ` ${r.nextHopIpAddress}` : ''} (${r.source}${r.route ? ` ${r.route}` : ''}, ${shortName(r.subnet)})`);
  if (e.stoppedBy) out.push(`stopped: ${e.stoppedBy.stage}${e.stoppedBy.rule ? ` ${e.stoppedBy.rule}` : ''}${e.stoppedBy.detail ? ` — ${e.stoppedBy.detail}` : ''}`);
  return out;
}

export function renderCheckText(a: PolicyCheckAnswer, policyFile: string, color: boolean): string {
  const out: string[] = [`Policy ${policyFile}: ${a.results.length} intent${a.results.length === 1 ? '' : 's'}, ${a.passed} passed, ${a.failed} failed`, ''];
  const w = Math.max(...a.results.map((r) => r.name.length), 4);
  for (const r of a.results) {
    const status = r.status === 'pass' ? paint('PASS', 'good', color) : paint('FAIL', 'bad', color);
    out.push(`${status}  ${r.verb.padEnd(5)}  ${r.name.padEnd(w)}  ${r.summary}`);
    for (const n of r.notes) out.push(`      note: ${n}`);
    for (const v of r.violations) {
      out.push(`      - ${v.kind}: ${v.message}`);
      for (const l of flowLine(v)) out.push(`          ${l}`);
    }
    if (r.violationCount > r.violations.length) out.push(`      ... and ${r.violationCount - r.violations.length} more violations (see --format json)`);
  }
  return out.join('\n') + '\n' + renderCaveats(a.caveats, color);
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'check the intents of a policy file (deny / allow / via) against the estate, for CI gates',
  usage: ['check PATHS... --policy FILE [--format text|json|sarif|junit]'],
  description: [
    'The policy is a YAML file of intents between groups of resources (schema and examples in',
    'docs/ci-gating.md):',
    '  deny   nothing of this traffic may flow from any source to any destination',
    '  allow  this traffic must flow between every pair, and (exactly: true, the default) nothing else',
    '  via    every flow of this traffic that gets through passes the named firewall or appliance',
    'Selectors: resource names and ids, VNET/SUBNET, vnet:NAME, asg:NAME, tag:KEY=VALUE, CIDRs and IPs,',
    'internet, onprem, group:NAME. Each violation carries an example flow and its trace.',
    '',
    '--format sarif writes SARIF 2.1.0 (GitHub code scanning); --format junit a JUnit report (one',
    'testcase per intent) for Azure DevOps and GitLab.',
    '',
    'Exit codes: 0 every intent holds; 1 a violation; 2 usage or input error (a bad policy file',
    'is reported with its file, line, column and field).',
  ],
  flags: [
    { name: 'policy', type: 'string', value: 'FILE', description: 'the policy file (YAML) with the intents to check' },
    { name: 'format', type: 'string', value: 'FORMAT', description: 'text (default), json, sarif or junit' },
    { name: 'json', type: 'boolean', description: 'print JSON (the same as --format json)' },
    SERVICE_TAGS_FLAG,
    QUIET_FLAG,
  ],
  examples: ['check examples/hub-spoke --policy examples/policy.yaml', 'check examples/hub-spoke --policy examples/policy.yaml --format junit > ztpath-check.xml'],
  async run(args, io: CliIo) {
    const format: Format = parseFormat(this.name, stringFlag(args, 'format'), FORMATS, boolFlag(args, 'json'), 'text');
    const policyArg = requireFlag(this, args, 'policy');
    const { file, text } = await readFlagFile('policy', policyArg, io);
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length) {
      throw policyError(file, doc.errors.map((e) => `${file}:${e.linePos?.[0].line ?? 1}:${e.linePos?.[0].col ?? 1}: YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`));
    }
    const parsed = parsePolicy(doc.toJS());
    if (!parsed.policy) throw policyError(file, issueLines(file, doc, lc, parsed.issues));
    const machine = format !== 'text';
    const { dp, progress } = await loadForCommand(this, { ...args, values: { ...args.values, ...(machine ? { json: true } : {}) } }, io);
    const policy = parsed.policy;
    const checked = progress.step(`checking ${policy.intents.length} intent(s)`, () => checkPolicy(dp, policy));
    if (!checked.answer) throw policyError(file, issueLines(file, doc, lc, checked.issues));
    const answer = checked.answer;
    const where = (r: IntentResult): PolicyLocation => ({ file, ...positionOf(doc, lc, r.path) });
    switch (format) {
      case 'json':
        io.stdout(renderJson({ policy: file, passed: answer.passed, failed: answer.failed, results: answer.results.map((r) => ({ ...r, location: where(r) })), caveats: answer.caveats }));
        break;
      case 'sarif':
        io.stdout(renderCheckSarif(answer, toolVersion(), fileRegionResolver(io.cwd), where));
        break;
      case 'junit':
        io.stdout(renderCheckJunit(answer, file));
        break;
      default:
        io.stdout(renderCheckText(answer, file, useColor(io)));
    }
    return answer.failed > 0 ? 1 : 0;
  },
};
