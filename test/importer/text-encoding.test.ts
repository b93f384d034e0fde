import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Snapshot } from '../../core/model/index.ts';
import { createImportSession } from '../../importer/index.ts';
import { decodeText, detectTextEncoding, type TextEncoding } from '../../importer/text-encoding.ts';
import { jsonFilesBelow, repoRoot } from './helpers.ts';

// JSON files in UTF-16 (what Windows PowerShell 5.1's `>` writes) and UTF-32 are read as the text
// they hold: the encoding from a byte-order mark or from the zero bytes among the first four
// (RFC 4627, section 3), UTF-8 otherwise (importer/text-encoding.ts).

/** The bytes of `text` in `encoding`, with or without a byte-order mark (built here, not by the code under test). */
function encode(text: string, encoding: TextEncoding, bom: boolean): Uint8Array {
  const t = bom ? `\ufeff${text}` : text;
  if (encoding === 'utf-8') return new Uint8Array(Buffer.from(t, 'utf8'));
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const b = new Uint8Array(Buffer.from(t, 'utf16le'));
    if (encoding === 'utf-16be') for (let i = 0; i + 1 < b.length; i += 2) [b[i], b[i + 1]] = [b[i + 1], b[i]];
    return b;
  }
  const cps = [...t].map((c) => c.codePointAt(0)!);
  const b = new Uint8Array(cps.length * 4);
  const v = new DataView(b.buffer);
  cps.forEach((cp, i) => v.setUint32(i * 4, cp, encoding === 'utf-32le'));
  return b;
}

const ALL: TextEncoding[] = ['utf-8', 'utf-16le', 'utf-16be', 'utf-32le', 'utf-32be'];
// Other scripts, a character outside the BMP (a surrogate pair in UTF-16) and line ends of both kinds.
const TEXT = '{"value": [{"name": "vnet-zürich-東京", "tags": {"owner": "Ωmega 🚀"}}]}\r\n';

describe('the encoding of a file', () => {
  it('is told by its byte-order mark, else by the zero bytes among its first four', () => {
    for (const e of ALL) {
      expect(detectTextEncoding(encode(TEXT, e, true)), `${e} with a byte-order mark`).toBe(e);
      expect(detectTextEncoding(encode(TEXT, e, false)), `${e} without`).toBe(e);
    }
    // A JSON text of one character, in UTF-16: two bytes.
    expect(detectTextEncoding(encode('1', 'utf-16le', false))).toBe('utf-16le');
    expect(detectTextEncoding(encode('1', 'utf-16be', false))).toBe('utf-16be');
    expect(detectTextEncoding(new Uint8Array([]))).toBe('utf-8');
    expect(detectTextEncoding(encode('[]', 'utf-8', false))).toBe('utf-8');
  });

  it('decodes to the text, a byte-order mark dropped except in UTF-8 (as readFileSync keeps it)', () => {
    for (const e of ALL) {
      expect(decodeText(encode(TEXT, e, false)), e).toBe(TEXT);
      expect(decodeText(encode(TEXT, e, true)), `${e} with a byte-order mark`).toBe(e === 'utf-8' ? `\ufeff${TEXT}` : TEXT);
    }
    // Long enough to be decoded in several pieces (UTF-32 is decoded here, 8,192 code points at a time).
    const long = `[${Array.from({ length: 5000 }, (_, i) => `"ä${i}😀"`).join(',')}]`;
    for (const e of ALL) expect(decodeText(encode(long, e, true)) === (e === 'utf-8' ? `\ufeff${long}` : long), e).toBe(true);
  });

  it('turns what is not a character into U+FFFD: invalid UTF-8, odd trailing bytes, surrogates and values past U+10FFFF in UTF-32', () => {
    expect(decodeText(new Uint8Array([0x5b, 0xc3, 0x28, 0x5d]))).toBe('[\ufffd(]');
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x5b, 0x00, 0x5d, 0x00, 0x20]))).toBe('[]\ufffd');
    const u32 = (...cps: number[]) => {
      const b = new Uint8Array(cps.length * 4);
      cps.forEach((cp, i) => new DataView(b.buffer).setUint32(i * 4, cp, true));
      return b;
    };
    expect(decodeText(u32(0xfeff, 0x5b, 0xd800, 0x110000, 0x5d))).toBe('[\ufffd\ufffd]');
    expect(decodeText(new Uint8Array([...u32(0xfeff, 0x5b, 0x5d), 0x20]))).toBe('[]\ufffd');
  });
});

describe('importing files in UTF-16 and UTF-32', () => {
  const sample = path.join(repoRoot, 'examples/hub-spoke');
  const docs = jsonFilesBelow(sample).map((f) => ({ file: f, text: readFileSync(path.join(sample, f), 'utf8') }));

  function importBytes(encoding: TextEncoding, bom: boolean, listPartChars?: number): Snapshot {
    const session = createImportSession({ listPartChars });
    for (const d of docs) session.addDocument(d.file, encode(d.text, encoding, bom));
    return session.finish();
  }

  /** The snapshot as JSON (maps as entry lists, in their order), without the diagnostics about encodings. */
  function dump(s: Snapshot): string {
    const rest = { ...s, diagnostics: s.diagnostics.filter((d) => d.code !== 'json.encoding') };
    return JSON.stringify(rest, (_k, v: unknown) => (v instanceof Map ? [...v.entries()] : v));
  }

  it('gives the snapshot UTF-8 gives, whole and read in parts, with one info per file naming its encoding', () => {
    const utf8 = importBytes('utf-8', false);
    expect(utf8.diagnostics.filter((d) => d.code === 'json.encoding')).toEqual([]);
    expect(utf8.networkSecurityGroups.size).toBeGreaterThan(0);
    const cases: [TextEncoding, boolean][] = [
      ['utf-16le', true], // Windows PowerShell 5.1: `az ... > file.json`
      ['utf-16be', false],
      ['utf-32le', true],
      ['utf-32be', false],
    ];
    for (const [e, bom] of cases) {
      for (const parts of [undefined, 64]) {
        const s = importBytes(e, bom, parts);
        expect(dump(s), `${e}${bom ? ' with a byte-order mark' : ''}${parts ? ' in parts' : ''}`).toBe(dump(utf8));
        const infos = s.diagnostics.filter((d) => d.code === 'json.encoding');
        expect(infos.map((d) => [d.severity, d.file])).toEqual(docs.map((d) => ['info', d.file]));
        expect(infos[0].message).toContain(e.toUpperCase());
      }
    }
  });
});
