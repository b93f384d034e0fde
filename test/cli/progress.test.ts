// Progress on stderr for long work (issue "Scale", item 4): shown when stderr is a terminal, quiet
// under --json, --quiet, in CI and when stderr is piped; stdout is never touched.

import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { isCi } from '../../cli/progress.ts';
import { fakeIo, SAMPLE } from './helpers.ts';

async function runWithTerminalStderr(argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = { ...fakeIo({ env }), stderrIsTTY: true };
  const code = await main(argv, io);
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}

describe('progress lines', () => {
  it('shows reading, linking and the question on a terminal, each line erased afterwards', async () => {
    const r = await runWithTerminalStderr(['exposure', SAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/reading \d+ files\.\.\. 100%/);
    expect(r.stderr).toContain('linking resources...');
    expect(r.stderr).toContain('computing exposure from the internet...');
    // Every progress line is erased, so the terminal is left clean.
    expect(r.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(r.stdout).not.toContain('\r');
  });

  it('is quiet under --json, --quiet, in CI and when stderr is not a terminal', async () => {
    for (const [argv, env] of [
      [['exposure', SAMPLE, '--json'], {}],
      [['exposure', SAMPLE, '--quiet'], {}],
      [['exposure', SAMPLE], { CI: 'true' }],
    ] as const) {
      const r = await runWithTerminalStderr([...argv], env);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
    const io = fakeIo();
    expect(await main(['exposure', SAMPLE], io)).toBe(0);
    expect(io.err.join('')).toBe('');
  });

  it('reads CI the way CI services set it', () => {
    expect(isCi({ CI: 'true' })).toBe(true);
    expect(isCi({ CI: '1' })).toBe(true);
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({ CI: '0' })).toBe(false);
    expect(isCi({})).toBe(false);
  });
});
