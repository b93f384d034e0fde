// JUnit XML for Azure DevOps (PublishTestResults@2) and GitLab (artifacts:reports:junit): one
// testcase per intent (check) or finding (findings), failures for violations, well-formed XML.

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../cli/render/junit.ts';
import { SAMPLE, repoPath, run } from './helpers.ts';

function count(xml: string, re: RegExp): number {
  return (xml.match(re) ?? []).length;
}

/** A small well-formedness check: every element closes, attributes are quoted, no raw '<' or '&' in text. */
function wellFormed(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const stack: string[] = [];
  for (const m of xml.slice(38).matchAll(/<(\/?)([A-Za-z-]+)((?:\s+[a-z-]+="[^"<]*")*)\s*(\/?)>/g)) {
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]);
  }
  expect(stack).toEqual([]);
  expect(xml.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;|apos;)/);
}

describe.skipIf(!existsSync(repoPath(SAMPLE)))('JUnit XML', () => {
  it('check: one testcase per intent, a failure for each failing intent', async () => {
    const r = await run(['check', SAMPLE, '--policy', 'examples/policy.yaml', '--format', 'junit']);
    expect(r.code).toBe(1);
    wellFormed(r.stdout);
    expect(count(r.stdout, /<testcase /g)).toBe(8);
    expect(count(r.stdout, /<failure /g)).toBe(5);
    expect(r.stdout).toContain('<testsuites name="ztpath check" tests="8" failures="5" errors="0">');
    expect(r.stdout).toContain('type="ZT-POLICY-VIA"');
  });

  it('findings: one testcase per finding; failures at or above --fail-on', async () => {
    const r = await run(['findings', SAMPLE, '--format', 'junit', '--fail-on', 'medium']);
    expect(r.code).toBe(1);
    wellFormed(r.stdout);
    expect(count(r.stdout, /<testcase /g)).toBe(20);
    expect(count(r.stdout, /<failure /g)).toBe(9);
    const all = await run(['findings', SAMPLE, '--format', 'junit']);
    expect(all.code).toBe(0);
    expect(count(all.stdout, /<failure /g)).toBe(16);
  });

  it('escapes the XML specials and drops characters XML cannot carry', () => {
    expect(escapeXml(`a<b>&"c'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
});
