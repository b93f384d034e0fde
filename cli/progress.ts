// Progress lines on stderr for long work (reading files, whole-estate questions). Shown only when
// stderr is a terminal, never under --json/--quiet and never in CI (the CI convention: `CI` set to
// anything but "false"/"0"), so piped and machine output stays clean. Lines are transient: each is
// rewritten in place with `\r` and erased when the work ends.

import { type CliIo, stderrIsTTY } from './io.ts';

export function isCi(env: CliIo['env']): boolean {
  const v = env.CI;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

export class Progress {
  private shown = false;

  private constructor(private readonly io: CliIo, readonly enabled: boolean) {}

  /** `silent`: the command was asked for machine output (--json, --format) or --quiet. */
  static for(io: CliIo, silent: boolean): Progress {
    return new Progress(io, stderrIsTTY(io) && !silent && !isCi(io.env));
  }

  /** Writes `text` over the current progress line. */
  show(text: string): void {
    if (!this.enabled) return;
    this.io.stderr(`\r\x1b[K${text}`);
    this.shown = true;
  }

  /** Erases the progress line, if one is shown. */
  clear(): void {
    if (!this.shown) return;
    this.io.stderr('\r\x1b[K');
    this.shown = false;
  }

  /** Runs synchronous work under a `label...` line (the event loop is blocked, so the line stays until it ends). */
  step<T>(label: string, work: () => T): T {
    this.show(`${label}...`);
    try {
      return work();
    } finally {
      this.clear();
    }
  }

  /** Runs asynchronous work under a `label...` line. */
  async stepAsync<T>(label: string, work: () => Promise<T>): Promise<T> {
    this.show(`${label}...`);
    try {
      return await work();
    } finally {
      this.clear();
    }
  }

  /** A percentage counter for `total` items, e.g. files read. */
  counter(label: string, total: number): { update(done: number): void; done(): void } {
    let last = -1;
    return {
      update: (done: number) => {
        const pct = total ? Math.floor((done / total) * 100) : 100;
        if (pct === last) return;
        last = pct;
        this.show(`${label}... ${pct}%`);
      },
      done: () => this.clear(),
    };
  }
}
