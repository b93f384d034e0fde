// Which Unicode encoding a file's bytes are in, and their text.
//
// JSON exchanged between systems must be UTF-8 (RFC 8259, section 8.1), but Windows PowerShell 5.1
// writes what `>` and Out-File redirect as UTF-16LE with a byte-order mark ("Unicode", its default:
// learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_character_encoding
// ?view=powershell-5.1), so `az network vnet list > vnets.json` typed there gives a UTF-16 file.
// The earlier JSON RFCs allowed UTF-16 and UTF-32 and tell the five apart by where the zero bytes
// are among the first four (RFC 4627, section 3: the first two characters of a JSON text are
// ASCII): 00 00 00 xx UTF-32BE, 00 xx 00 xx UTF-16BE, xx 00 00 00 UTF-32LE, xx 00 xx 00 UTF-16LE,
// anything else UTF-8. A byte-order mark, when there is one, decides first. Policy files (YAML) are
// decoded the same way: YAML 1.2 (section 5.2) also requires UTF-16 and UTF-32 to be read.

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

/** The encoding of `b`: its byte-order mark, else the pattern of zero bytes at its start, else UTF-8. */
export function detectTextEncoding(b: Uint8Array): TextEncoding {
  const n = b.length;
  if (n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (n >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return 'utf-32le';
  if (n >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'utf-32be';
  if (n >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (n >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (n >= 4) {
    const z = (i: number) => b[i] === 0;
    if (z(0) && z(1) && z(2) && !z(3)) return 'utf-32be';
    if (!z(0) && z(1) && z(2) && z(3)) return 'utf-32le';
    if (z(0) && !z(1) && z(2) && !z(3)) return 'utf-16be';
    if (!z(0) && z(1) && !z(2) && z(3)) return 'utf-16le';
  } else if (n >= 2) {
    // A one-character text (`1`) in UTF-16.
    if (b[0] === 0 && b[1] !== 0) return 'utf-16be';
    if (b[0] !== 0 && b[1] === 0) return 'utf-16le';
  }
  return 'utf-8';
}

/** UTF-8 as readFileSync(file, 'utf8') decodes it: invalid sequences become U+FFFD, a byte-order mark is kept. */
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The text of UTF-8 bytes, as readFileSync(file, 'utf8') gives it. */
export function decodeUtf8(bytes: Uint8Array): string {
  return UTF8.decode(bytes);
}

let utf16: { le: TextDecoder; be: TextDecoder } | undefined;

/**
 * The text of `b` in the encoding detectTextEncoding finds. UTF-8 keeps a byte-order mark (the JSON
 * and YAML readers skip it); UTF-16 and UTF-32 drop theirs. Invalid sequences become U+FFFD.
 */
export function decodeText(b: Uint8Array): string {
  return decodeAs(b, detectTextEncoding(b));
}

/** The text of `b` in `encoding` (see decodeText). */
export function decodeAs(b: Uint8Array, encoding: TextEncoding): string {
  switch (encoding) {
    case 'utf-8':
      return UTF8.decode(b);
    case 'utf-16le':
    case 'utf-16be':
      utf16 ??= { le: new TextDecoder('utf-16le'), be: new TextDecoder('utf-16be') };
      return (encoding === 'utf-16le' ? utf16.le : utf16.be).decode(b);
    default:
      return decodeUtf32(b, encoding === 'utf-32le');
  }
}

/** UTF-32, which TextDecoder does not know: one code point per four bytes (surrogates and values past U+10FFFF become U+FFFD, as do trailing bytes). */
function decodeUtf32(b: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const whole = b.length - (b.length % 4);
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = 0; i < whole; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    if (i === 0 && cp === 0xfeff) continue;
    chunk.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
    // fromCodePoint takes its code points as arguments: a bounded number at a time.
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  if (whole < b.length) chunk.push(0xfffd);
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}
