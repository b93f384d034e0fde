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

  it('counts the pairs of a what-if compared by class, then shows the findings comparison', async () => {
    const change = 'examples/changes/lock-down-nsg-db.json';
    // --full compares every pair by class (as large changes are): the share of pairs is shown.
    const r = await runWithTerminalStderr(['whatif', SAMPLE, '--change', change, '--full']);
    expect(r.code).toBe(0);
    const shares = [...r.stderr.matchAll(/comparing before and after\.\.\. (\d+)% of ([\d,]+) pairs/g)];
    expect(shares.length).toBeGreaterThan(1);
    const pcts = shares.map((m) => Number(m[1]));
    expect(pcts).toEqual([...pcts].sort((a, b) => a - b));
    expect(pcts.at(-1)).toBe(100);
    expect(new Set(shares.map((m) => m[2])).size).toBe(1);
    expect(r.stderr).toContain('comparing findings...');
    expect(r.stderr.endsWith('\r\x1b[K')).toBe(true);
    // A one-rule change compared one by one has no share to show; --json shows nothing.
    const small = await runWithTerminalStderr(['whatif', SAMPLE, '--change', change]);
    expect(small.stderr).toContain('comparing before and after...');
    expect(small.stderr).not.toMatch(/% of [\d,]+ pairs/);
    expect((await runWithTerminalStderr(['whatif', SAMPLE, '--change', change, '--full', '--json'])).stderr).toBe('');
    const diff = await runWithTerminalStderr(['diff', '--before', SAMPLE, '--after', SAMPLE, change, '--full']);
    expect(diff.code).toBe(0);
    expect(diff.stderr).toMatch(/comparing before and after\.\.\. 100% of [\d,]+ pairs/);
  });

  it('reads CI the way CI services set it', () => {
    expect(isCi({ CI: 'true' })).toBe(true);
    expect(isCi({ CI: '1' })).toBe(true);
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({ CI: '0' })).toBe(false);
    expect(isCi({})).toBe(false);
  });
});
