import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Snapshot } from '../../core/model/index.ts';
import { createImportSession } from '../../importer/index.ts';
import { ByteSource, findListText } from '../../importer/list-text.ts';
import { corpusPresent, corpusRoot, fixturesRoot, jsonFilesBelow, repoRoot } from './helpers.ts';

// List documents read in parts (importer/list-text.ts) must give exactly what reading them whole
// gives: the same snapshot, map order, source paths and diagnostics, also when the text turns
// out not to be a valid list after some parts were read.

type Doc = { file: string; text: string };

function importWith(docs: Doc[], listPartChars?: number): Snapshot {
  const session = createImportSession({ listPartChars });
  for (const d of docs) session.addDocument(d.file, d.text);
  return session.finish();
}

/**
 * The same documents given as the UTF-8 bytes of their files (as the CLI reads them), all through
 * one buffer that is overwritten after each document, as the CLI's reader reuses its buffer.
 */
function importBytes(docs: { file: string; bytes: Uint8Array }[], listPartChars?: number): Snapshot {
  const session = createImportSession({ listPartChars });
  const shared = new Uint8Array(Math.max(1, ...docs.map((d) => d.bytes.length)));
  for (const d of docs) {
    shared.set(d.bytes);
    session.addDocument(d.file, shared.subarray(0, d.bytes.length));
    shared.fill(0x20);
  }
  return session.finish();
}

const utf8 = (docs: Doc[]) => docs.map((d) => ({ file: d.file, bytes: new Uint8Array(Buffer.from(d.text, 'utf8')) }));

/** The snapshot as JSON, maps as entry lists in their order. */
function dump(s: Snapshot): string {
  return JSON.stringify(s, (_k, v: unknown) => (v instanceof Map ? [...v.entries()] : v));
}

/** Whole (parts longer than any document) and in parts of `chars` characters. */
function expectSameInParts(docs: Doc[], chars = 40): void {
  const whole = importWith(docs, 1e9);
  const parts = importWith(docs, chars);
  expect(dump(parts)).toBe(dump(whole));
  // From bytes: cuts found in the bytes, each item decoded on its own.
  expect(dump(importBytes(utf8(docs), chars))).toBe(dump(whole));
}

const id = (type: string, name: string) => `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/${type}/${name}`;
const asg = (name: string, extra = '') => `{"id":"${id('applicationSecurityGroups', name)}","name":"${name}","type":"Microsoft.Network/applicationSecurityGroups","location":"westeurope"${extra}}`;
const nsg = (name: string, rule: string) =>
  `{"id":"${id('networkSecurityGroups', name)}","name":"${name}","type":"Microsoft.Network/networkSecurityGroups","properties":{"securityRules":[{"id":"${id('networkSecurityGroups', name)}/securityRules/${rule}","name":"${rule}","properties":{"priority":100,"direction":"Inbound","access":"Allow","protocol":"Tcp","sourceAddressPrefix":"*","sourcePortRange":"*","destinationAddressPrefix":"10.0.0.0/24","destinationPortRange":"443"}}]}}`;

/** One item per line, as the synthetic estates and many exporters write them. */
const lines = (items: string[], envelope = true) => (envelope ? `{"value":[\n${items.join(',\n')}\n]}\n` : `[\n${items.join(',\n')}\n]`);

describe('list documents read in parts', () => {
  const items = [asg('a'), nsg('n1', 'r1'), asg('b'), '{"note":"not a resource"}', nsg('n2', 'r2'), asg('c'), '42', asg('d'), nsg('n3', 'r1')];

  it('finds the list of {value} and [ ] documents with one item per line or pretty-printed', () => {
    expect(findListText(lines(items))?.path).toBe('$.value');
    expect(findListText(lines(items, false))?.path).toBe('$');
    expect(findListText(JSON.stringify({ value: [JSON.parse(asg('a'))] }, null, 2))?.itemStart).toBe('\n    {');
    expect(findListText(`{"value":[${asg('a')}]}`)).toBeUndefined(); // first item not on its own line
    expect(findListText(`{"nextLink":"x","value":[\n${asg('a')}]}`)).toBeUndefined();
    expect(findListText(asg('a'))).toBeUndefined();
  });

  it('reads the same resources, paths and skipped-item warnings as one parse', () => {
    const docs = [{ file: 'a.json', text: lines(items) }, { file: 'b.json', text: lines(items.slice(2), false) }];
    const s = importWith(docs, 40);
    expect(s.applicationSecurityGroups.get(id('applicationSecurityGroups', 'd').toLowerCase())?.source?.jsonPath).toBe('$.value[7]');
    expect(s.diagnostics.filter((d) => d.code === 'input.unrecognized').map((d) => d.message)).toEqual([
      "2 of 9 items in $.value are not Azure resources (no ARM id and type); the first, $.value[3], is an object with keys note",
      '2 of 7 items in $ are not Azure resources (no ARM id and type); the first, $[1], is an object with keys note',
    ]);
    for (const chars of [1, 40, 300, 1000]) expectSameInParts(docs, chars);
  });

  it('undoes the parts already read when the text is not a valid list after all', () => {
    const first = { file: 'first.json', text: lines([asg('a'), nsg('n1', 'r1')]) };
    const broken = [
      `{"value":[\n${[asg('x'), asg('a', ',"tags":{"changed":"yes"}'), nsg('n1', 'r9'), asg('y')].join(',\n')},\n]}`, // trailing comma: read leniently, with a warning
      `{"value":[\n${[asg('x'), nsg('n1', 'r9'), asg('y')].join(',\n')}\n],"nextLink":"https://example"}`, // another member after the list
      `{"value":[\n${[asg('x'), asg('a', ',"tags":{"changed":"yes"}'), '{"id": oops}', asg('y')].join(',\n')}\n]}`, // invalid in the middle
      `[\n${[asg('x'), asg('y')].join(',\n')}\n]]`, // one bracket too many
    ];
    for (const text of broken) {
      const docs = [first, { file: 'broken.json', text }, { file: 'last.json', text: lines([asg('z'), asg('x')]) }];
      const whole = importWith(docs, 1e9);
      expect(dump(importWith(docs, 40)), text).toBe(dump(whole));
      expect(dump(importBytes(utf8(docs), 40)), text).toBe(dump(whole));
      // The nextLink document is valid JSON (its list is read whole); the others are reported.
      expect(whole.diagnostics.some((d) => d.file === 'broken.json' && d.code.startsWith('json.')), text).toBe(!text.includes('nextLink'));
    }
  });

  it('reads duplicates with different content across parts and documents as one parse does', () => {
    const docs = [
      { file: 'one.json', text: lines([asg('a'), nsg('n1', 'r1'), asg('b')]) },
      { file: 'two.json', text: lines([asg('b', ',"tags":{"k":"v"}'), nsg('n1', 'r2'), asg('a'), nsg('n1', 'r2')]) },
    ];
    expectSameInParts(docs, 1);
    expectSameInParts(docs, 200);
  });

  it('reads the import fixtures and the corpus as one parse does', () => {
    const roots = [fixturesRoot, path.join(repoRoot, 'examples'), ...(corpusPresent ? [corpusRoot] : [])];
    for (const root of roots) {
      const docs = jsonFilesBelow(root).map((file) => ({ file, text: readFileSync(path.join(root, file), 'utf8') }));
      expectSameInParts(docs, 64);
    }
  });

  it('reads bytes as readFileSync would decode them: byte-order mark, other scripts, invalid sequences, CRLF', () => {
    const enc = (t: string) => Buffer.from(t, 'utf8');
    const docs = [
      // A byte-order mark before a list read in parts.
      { file: 'bom.json', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), enc(lines([asg('a'), nsg('n1', 'r1'), asg('b')]))]) },
      // Names in other scripts and outside the BMP (surrogate pairs in the text).
      { file: 'names.json', bytes: enc(lines([asg('é-ü'), asg('名前'), asg('a-😀-b'), nsg('n-ñ', 'règle')])) },
      // Invalid UTF-8 inside item strings: a lone continuation byte, a lead byte cut short before a quote.
      {
        file: 'invalid.json',
        bytes: Buffer.concat([enc(`{"value":[\n${asg('x')},\n{"id":"${id('applicationSecurityGroups', 'bad')}","name":"b`), Buffer.from([0x80]), enc('a'), Buffer.from([0xe2, 0x82]), enc(`","type":"Microsoft.Network/applicationSecurityGroups"},\n${asg('y')}\n]}`)]),
      },
      // Windows line ends.
      { file: 'crlf.json', bytes: enc(lines([asg('c1'), nsg('n9', 'r1'), asg('c2')]).replace(/\n/g, '\r\n')) },
      // Not lists: decoded whole, a byte-order mark kept for the parser; a syntax error's line and column.
      { file: 'one.json', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), enc(asg('single'))]) },
      { file: 'bad.json', bytes: enc('{\n  "id": "x",\n  "name": oops\n}') },
    ];
    // readFileSync(file, 'utf8') is Buffer's decoding: what the text path was always given.
    const asText = docs.map((d) => ({ file: d.file, text: Buffer.from(d.bytes).toString('utf8') }));
    const whole = importWith(asText, 1e9);
    expect(whole.applicationSecurityGroups.get(id('applicationSecurityGroups', 'bad').toLowerCase())?.name).toBe('b\ufffda\ufffd');
    expect(whole.applicationSecurityGroups.get(id('applicationSecurityGroups', 'a-😀-b').toLowerCase())?.source?.jsonPath).toBe('$.value[2]');
    expect(whole.applicationSecurityGroups.has(id('applicationSecurityGroups', 'single').toLowerCase())).toBe(true);
    expect(whole.diagnostics.filter((d) => d.file === 'bad.json' && d.code.startsWith('json.')).map((d) => d.line)).toEqual([3]);
    for (const chars of [1, 40, 1e9]) expect(dump(importBytes(docs, chars)), String(chars)).toBe(dump(whole));
  });

  it('finds a list in bytes where it finds it in text', () => {
    const texts = [lines(items), lines(items, false), JSON.stringify({ value: [JSON.parse(asg('a'))] }, null, 2), `{"value":[${asg('a')}]}`, `{"nextLink":"x","value":[\n${asg('a')}]}`, asg('a'), ''];
    for (const t of texts) {
      const b = Buffer.from(t, 'utf8');
      expect(findListText(new ByteSource(b)), t).toEqual(findListText(t));
    }
  });
});
