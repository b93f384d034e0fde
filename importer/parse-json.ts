// JSON text to a value. The fast path is one JSON.parse. Only when it fails does jsonc-parser run:
//  - text that is valid JSON-with-comments (// and /* */ comments, trailing commas; what ARM
//    templates and VS Code accept) is read, with a `json.nonstandard` info naming the first spot;
//  - anything else is `json.malformed` (error) with the 1-based line and column of the first
//    problem, and the document is skipped.
// A leading byte-order mark (PowerShell's Out-File) is ignored.

import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { ImportContext } from './context.ts';

export type JsonParse = { ok: true; value: unknown } | { ok: false };

export function parseJsonText(text: string, ctx: ImportContext, what = 'file'): JsonParse {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch {
    // fall through to the slow path, which says where and why
  }
  if (t.trim().length === 0) {
    ctx.report('error', 'json.malformed', `the ${what} is empty`, { line: 1, column: 1, hint: 'export the resources again' });
    return { ok: false };
  }
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(t, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length === 0) {
    const strict: ParseError[] = [];
    parseJsonc(t, strict, { allowTrailingComma: false, disallowComments: true });
    const at = strict.length > 0 ? lineColumn(t, strict[0].offset) : { line: 1, column: 1 };
    ctx.report('info', 'json.nonstandard', `the ${what} is JSON with comments or trailing commas (first at line ${at.line}, column ${at.column}); read leniently`, {
      line: at.line,
      column: at.column,
    });
    return { ok: true, value };
  }
  const e = errors[0];
  // For an unterminated string point at the character that ended it (a raw line break or EOF).
  const code = printParseErrorCode(e.error);
  const offset = code === 'UnexpectedEndOfString' ? e.offset + e.length : e.offset;
  const at = lineColumn(t, offset);
  ctx.report('error', 'json.malformed', `the ${what} is not valid JSON: ${explain(code)} at line ${at.line}, column ${at.column}; ${what} skipped`, {
    line: at.line,
    column: at.column,
    hint:
      code === 'UnexpectedEndOfString'
        ? 'a string contains a raw line break or is not closed; escape line breaks as \\n'
        : AZ_MESSAGE.test(lineAt(t, offset))
          ? "the file holds az CLI's own messages (WARNING:, ERROR:), which it writes to standard error: redirect only standard output (`az ... > file.json`, without `2>&1`)"
          : 'fix the JSON (a truncated download or a hand edit?) and import again',
  });
  return { ok: false };
}

function explain(code: string): string {
  switch (code) {
    case 'UnexpectedEndOfString':
      return 'unterminated string';
    case 'InvalidSymbol':
      return 'unexpected character';
    case 'PropertyNameExpected':
      return 'property name expected';
    case 'ValueExpected':
      return 'value expected';
    case 'ColonExpected':
      return "':' expected";
    case 'CommaExpected':
      return "',' expected";
    case 'CloseBraceExpected':
      return "'}' expected";
    case 'CloseBracketExpected':
      return "']' expected";
    case 'EndOfFileExpected':
      return 'extra content after the JSON value';
    default:
      return code;
  }
}

/** A line az CLI writes to standard error (Windows PowerShell 5.1 prefixes what a native command writes there with `az : `). */
const AZ_MESSAGE = /^\s*(?:az : )?(?:WARNING|ERROR): /;

/** The line that holds a character offset. */
function lineAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', Math.max(offset - 1, 0)) + 1;
  const end = text.indexOf('\n', offset);
  return text.slice(start, end < 0 ? text.length : end);
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const end = Math.min(Math.max(offset, 0), text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}
