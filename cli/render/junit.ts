// JUnit XML, the test-report format Azure DevOps (PublishTestResults@2, JUnit) and GitLab
// (artifacts:reports:junit) render: one testcase per policy intent or finding, a <failure> for each
// violation. Deterministic (no timestamps or durations), so that reports diff cleanly.

import type { Finding, FindingsAnswer, IntentResult, PolicyCheckAnswer, Severity } from '../../core/index.ts';
import { severityAtLeast } from '../../core/index.ts';

export function escapeXml(s: string): string {
  // Characters XML 1.0 does not allow at all are dropped; the five specials are escaped.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

function flowLine(ev: Finding['evidence']): string {
  if (!ev.flow) return '';
  const f = ev.flow;
  const lines = [`example flow: ${f.src} -> ${f.dst} ${f.protocol}${f.dstPort !== undefined ? `/${f.dstPort}` : ''}: ${ev.disposition ?? ''}`];
  if (ev.path?.length) lines.push(`path: ${ev.path.join(' > ')}`);
  for (const a of ev.allowedBy) lines.push(`allowed by: ${'nsg' in a ? `${a.nsg.split('/').pop()} ${a.rule} (${a.side})` : 'firewall' in a ? `${a.firewall.split('/').pop()} ${a.ruleCollection ? `${a.ruleCollection}/` : ''}${a.rule}` : `${a.paasFirewall.split('/').pop()} ${a.rule}`}`);
  for (const r of ev.routes) lines.push(`route: ${r.addressPrefix} -> ${r.nextHopType}${r.nextHopIpAddress ? ` ${r.nextHopIpAddress}` : ''} (${r.source}${r.route ? ` ${r.route}` : ''})`);
  if (ev.stoppedBy) lines.push(`stopped by: ${ev.stoppedBy.stage}${ev.stoppedBy.rule ? ` ${ev.stoppedBy.rule}` : ''}${ev.stoppedBy.detail ? ` (${ev.stoppedBy.detail})` : ''}`);
  return lines.join('\n');
}

function doc(name: string, suites: string[], tests: number, failures: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name, tests, failures, errors: 0 })}>\n${suites.join('')}</testsuites>\n`;
}

export function renderCheckJunit(answer: PolicyCheckAnswer, policyFile: string): string {
  const cases = answer.results.map((r: IntentResult) => {
    const head = `    <testcase${attrs({ classname: `ztpath.check.${r.verb}`, name: r.name, file: policyFile })}`;
    const out = `      <system-out>${escapeXml([r.description, r.summary, ...r.notes].filter(Boolean).join('\n'))}</system-out>\n`;
    if (r.status === 'pass') return `${head}>\n${out}    </testcase>\n`;
    const body = r.violations.map((v) => `${v.message}\n${flowLine(v.evidence)}`).join('\n\n') + (r.violationCount > r.violations.length ? `\n\n... and ${r.violationCount - r.violations.length} more violations` : '');
    return `${head}>\n      <failure${attrs({ message: `${r.summary}`, type: `ZT-POLICY-${r.verb.toUpperCase()}` })}>${escapeXml(body)}</failure>\n${out}    </testcase>\n`;
  });
  const suite = `  <testsuite${attrs({ name: `ztpath check ${policyFile}`, tests: answer.results.length, failures: answer.failed, errors: 0, skipped: 0 })}>\n${cases.join('')}  </testsuite>\n`;
  return doc('ztpath check', [suite], answer.results.length, answer.failed);
}

/**
 * Findings at or above `failOn` are failures (with a baseline, only those `counts` says are new);
 * the others are passing testcases that carry the text.
 */
export function renderFindingsJunit(answer: FindingsAnswer, failOn: Severity, counts: (f: Finding) => boolean = () => true): string {
  let failures = 0;
  const cases = answer.findings.map((f) => {
    const head = `    <testcase${attrs({ classname: `ztpath.findings.${f.id}`, name: `${f.name} [${f.severity}]`, file: f.location?.file })}`;
    const text = `${f.message}\n${flowLine(f.evidence)}\nfix: ${f.fix}`.replace(/\n\n+/g, '\n');
    if (!severityAtLeast(f.severity, failOn) || !counts(f)) return `${head}>\n      <system-out>${escapeXml(text)}</system-out>\n    </testcase>\n`;
    failures++;
    return `${head}>\n      <failure${attrs({ message: f.title, type: f.id })}>${escapeXml(text)}</failure>\n    </testcase>\n`;
  });
  const suite = `  <testsuite${attrs({ name: 'ztpath findings', tests: answer.findings.length, failures, errors: 0, skipped: 0 })}>\n${cases.join('')}  </testsuite>\n`;
  return doc('ztpath findings', [suite], answer.findings.length, failures);
}
