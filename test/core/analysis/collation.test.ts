// Answers are ordered by English collation whatever the machine's locale (core/analysis/collation.ts),
// and the fast path for plain names (character codes) gives exactly the collator's order.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { PLAIN_KEY_CHARS, compareNumeric, comparePlain, compareText, isPlainText, plainKey } from '../../../core/analysis/collation.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { REPO_ROOT } from '../../support/paths.ts';

const PLAIN = 'abcdefghijklmnopqrstuvwxyz0123456789-.';
const english = new Intl.Collator('en');

describe('collation', () => {
  it('plain names (a-z, 0-9, - and .) compare by character code exactly as English collation does', () => {
    const plain = fc.string({ unit: fc.constantFrom(...PLAIN), maxLength: 14 });
    fc.assert(
      fc.property(plain, plain, (a, b) => {
        expect(isPlainText(a) && isPlainText(b)).toBe(true);
        expect(comparePlain(a, b)).toBe(Math.sign(english.compare(a, b)));
      }),
      { numRuns: 20_000 },
    );
    // Every pair of texts of up to two characters, shared prefixes and prefixes of each other included.
    const short = [''];
    for (const x of PLAIN) for (const y of ['', ...PLAIN]) short.push(x + y);
    for (const a of short) for (const b of short) if (comparePlain(a, b) !== Math.sign(english.compare(a, b))) expect.fail(`${a} / ${b}`);
  });

  it("plain keys, then the texts' codes, give English collation order, past the keys' characters too", () => {
    const byKeys = (a: string, b: string): number => Math.sign(plainKey(a, 0) - plainKey(b, 0) || plainKey(a, 1) - plainKey(b, 1) || plainKey(a, 2) - plainKey(b, 2) || comparePlain(a, b));
    // Long names with long shared prefixes, as an estate's are (vm-app-prod-weu-001-web-01...).
    const stem = fc.constantFrom('', 'vm-', 'vm-app-prod-weu-0', 'vm-app-prod-weu-001-web-0', 'pe-stapp001a-blob.nic.d246b9a8-0106');
    const tail = fc.string({ unit: fc.constantFrom(...PLAIN), maxLength: 3 * PLAIN_KEY_CHARS + 6 });
    const plain = fc.tuple(stem, tail).map(([a, b]) => a + b);
    fc.assert(
      fc.property(plain, plain, (a, b) => {
        expect(byKeys(a, b)).toBe(Math.sign(english.compare(a, b)));
      }),
      { numRuns: 20_000 },
    );
    expect(plainKey('', 0)).toBe(0);
    expect(plainKey('zzzzzzzzz', 0)).toBeLessThan(2 ** 53);
  });

  it('texts the fast path would order wrongly are not plain', () => {
    // Capitals (lower-case first in collation, upper-case first in code order), `_` (before `-` in
    // collation, after letters in code order), accents and spaces go to the collator.
    for (const s of ['Ab', 'snet_app', 'café', 'a b', 'ÄÖ', '']) expect(isPlainText(s)).toBe(s === '');
    expect(Math.sign(english.compare('ab', 'Ab'))).toBe(-1);
    expect(comparePlain('ab', 'Ab')).toBe(1);
    expect(Math.sign(english.compare('snet_x', 'snet-x'))).toBe(-1);
    expect(comparePlain('snet_x', 'snet-x')).toBe(1);
  });

  it('compareText and compareNumeric are English collation (numbers as numbers for addresses)', () => {
    expect(['vm-b', 'VM-a', 'vm-a', 'aadds'].sort(compareText)).toEqual(['aadds', 'vm-a', 'VM-a', 'vm-b']);
    expect(['10.0.1.40', '10.0.1.5', '10.0.0.200'].sort(compareNumeric)).toEqual(['10.0.0.200', '10.0.1.5', '10.0.1.40']);
  });
});

describe('answers do not depend on the machine locale', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ztpath-locale-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Names a Danish collation orders differently (`aa` after `z`) and a Czech one too (`ch` after `h`).
  const b = new EstateBuilder('rg-locale').vnet('vnet-locale', ['10.9.0.0/16'], [
    { name: 'snet-aadds', prefix: '10.9.1.0/24' },
    { name: 'snet-zeta', prefix: '10.9.2.0/24' },
    { name: 'snet-cache', prefix: '10.9.3.0/24' },
    { name: 'snet-hub', prefix: '10.9.4.0/24' },
    { name: 'snet-web', prefix: '10.9.5.0/24' },
  ]);
  for (const [i, s] of ['snet-aadds', 'snet-zeta', 'snet-cache', 'snet-hub', 'snet-web'].entries()) b.nic(`vm-${i}-${s}-nic`, { subnet: `vnet-locale/${s}`, ip: `10.9.${i + 1}.4` });
  for (const d of b.documents()) writeFileSync(path.join(dir, d.file), d.text);

  const answer = (verb: string[], locale: string): string =>
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'bin/ztpath.js'), ...verb, dir, '--json', '--quiet'], { env: { ...process.env, LC_ALL: locale, LANG: locale }, encoding: 'utf8', maxBuffer: 64 << 20 });

  it('Danish and Czech locales give the JSON an English one gives (matrix and blast)', () => {
    const matrix = answer(['matrix'], 'en_US.UTF-8');
    const names = (JSON.parse(matrix) as { groups: { name: string }[] }).groups.map((g) => g.name);
    expect(names.indexOf('vnet-locale/snet-aadds')).toBeLessThan(names.indexOf('vnet-locale/snet-cache'));
    expect(names.indexOf('vnet-locale/snet-cache')).toBeLessThan(names.indexOf('vnet-locale/snet-hub'));
    const blast = answer(['blast', '--from', 'vm-1-snet-zeta-nic'], 'en_US.UTF-8');
    for (const locale of ['da_DK.UTF-8', 'cs_CZ.UTF-8']) {
      expect(answer(['matrix'], locale)).toBe(matrix);
      expect(answer(['blast', '--from', 'vm-1-snet-zeta-nic'], locale)).toBe(blast);
    }
  });
});
