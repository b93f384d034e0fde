// The CLI's window on the process: every command writes through a CliIo, so tests run the CLI
// in-process with a fake one. Only bin/ztpath.js builds the real one.

export interface CliIo {
  stdout(s: string): void;
  /**
   * Writes to stdout and resolves when the text has been handed on (the pipe drained): for output
   * written in many pieces (gigabytes of matrix JSON), which must not pile up in memory or
   * overflow the kernel's buffers (ENOBUFS). Absent: `stdout` is used.
   */
  stdoutDrained?(s: string): Promise<void>;
  stderr(s: string): void;
  /** stdout is a terminal (colour, aligned tables). */
  isTTY: boolean;
  /** stderr is a terminal (progress lines); defaults to isTTY when absent. */
  stderrIsTTY?: boolean;
  env: Record<string, string | undefined>;
  /** The directory relative PATHS are read from. */
  cwd: string;
}

/**
 * A usage or input error: the CLI prints `ztpath: MESSAGE` (and the hint) on stderr and exits with
 * `exitCode` (2). Anything else thrown is a bug and is reported as an internal error.
 */
export class CliError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  /** Extra lines printed after the message (candidates, diagnostics). */
  readonly details: string[];

  constructor(message: string, opts: { hint?: string; details?: string[]; exitCode?: number } = {}) {
    super(message);
    this.name = 'CliError';
    this.exitCode = opts.exitCode ?? 2;
    this.hint = opts.hint;
    this.details = opts.details ?? [];
  }
}

/** A bad flag, a missing flag or a bad value: points at `ztpath VERB --help`. */
export function usageError(verb: string | undefined, message: string, details: string[] = []): CliError {
  return new CliError(message, { hint: verb ? `see 'ztpath ${verb} --help'` : "see 'ztpath --help'", details });
}

export function stderrIsTTY(io: CliIo): boolean {
  return io.stderrIsTTY ?? io.isTTY;
}

/** How many characters one write to the real stdout takes at most (see textPieces). */
export const STDOUT_PIECE = 1 << 16;

/**
 * `text` in slices of at most `size` characters (one more to keep a surrogate pair whole), in
 * order. process.stdout.write of one long string first copies all of it into a Buffer of its own:
 * the 78 MB of JSON of `ztpath blast` on tier L, as one flat string, took 0.75 s into a file that
 * way against 0.24 s in slices, which share the text's memory. (A string joined from parts, as
 * JSON.stringify returns a long one, is made flat once by the first slice: long answers are better
 * written with writeJson, in pieces from the start.)
 */
export function* textPieces(text: string, size: number = STDOUT_PIECE): Generator<string> {
  let start = 0;
  while (text.length - start > size) {
    let end = start + size;
    // A high surrogate ending a piece would be encoded alone, as U+FFFD: take its pair along.
    if ((text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end++;
    yield text.slice(start, end);
    start = end;
  }
  if (start === 0) yield text;
  else if (start < text.length) yield text.slice(start);
}
