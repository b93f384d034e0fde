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
