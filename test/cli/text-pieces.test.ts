// The real stdout writes long texts in slices (bin/ztpath.js): the slices must give back exactly
// the text, in order, and each must encode on its own to the bytes the whole would (no surrogate
// pair split between two writes).

import { describe, expect, it } from 'vitest';
import { STDOUT_PIECE, textPieces } from '../../cli/io.ts';

const bytesOf = (pieces: Iterable<string>): Buffer => Buffer.concat([...pieces].map((p) => Buffer.from(p, 'utf8')));

describe('textPieces', () => {
  it('gives a text no longer than a piece as it is', () => {
    expect([...textPieces('')]).toEqual(['']);
    expect([...textPieces('{"a": 1}\n')]).toEqual(['{"a": 1}\n']);
    const exact = 'x'.repeat(STDOUT_PIECE);
    expect([...textPieces(exact)]).toEqual([exact]);
  });

  it('cuts a long text into pieces of the given size that join back into it', () => {
    const text = JSON.stringify({ reached: Array.from({ length: 3000 }, (_, i) => ({ name: `vm-${i}`, ip: `10.0.${i >> 8}.${i & 255}` })) }, null, 2);
    const pieces = [...textPieces(text, 1000)];
    expect(pieces.length).toBe(Math.ceil(text.length / 1000));
    expect(pieces.every((p) => p.length <= 1000)).toBe(true);
    expect(pieces.join('')).toBe(text);
  });

  it('keeps a surrogate pair in one piece, so each piece encodes to the same bytes as the whole', () => {
    // '🔥' is two UTF-16 units; with pieces of 4, the pair would straddle the first cut.
    const text = 'abc🔥defg🔥h😀';
    const pieces = [...textPieces(text, 4)];
    expect(pieces.join('')).toBe(text);
    expect(pieces[0]).toBe('abc🔥');
    expect(pieces).not.toContain('');
    for (const p of pieces) {
      expect(p.charCodeAt(0) & 0xfc00).not.toBe(0xdc00);
      expect(p.charCodeAt(p.length - 1) & 0xfc00).not.toBe(0xd800);
    }
    expect(bytesOf(pieces)).toEqual(Buffer.from(text, 'utf8'));
    // Every cut position: the bytes written never differ from the whole text's.
    for (let size = 1; size <= text.length; size++) expect(bytesOf(textPieces(text, size))).toEqual(Buffer.from(text, 'utf8'));
  });
});
