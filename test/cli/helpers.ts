// In-process CLI runs for tests: main(argv, fakeIo) with captured stdout and stderr.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { type CliIo, main } from '../../cli/main.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const SMALL = 'test/cli/fixtures/small';
export const SAMPLE = 'examples/hub-spoke';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function fakeIo(opts: { cwd?: string; isTTY?: boolean; env?: Record<string, string | undefined> } = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (s) => void out.push(s),
    stderr: (s) => void err.push(s),
    isTTY: opts.isTTY ?? false,
    env: opts.env ?? {},
    cwd: opts.cwd ?? REPO,
  };
}

export async function run(argv: string[], opts: { cwd?: string; isTTY?: boolean; env?: Record<string, string | undefined> } = {}): Promise<RunResult> {
  const io = fakeIo(opts);
  const code = await main(argv, io);
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}

/** Run a --json command and parse its stdout. */
export async function runJson<T = unknown>(argv: string[], opts: { cwd?: string } = {}): Promise<{ code: number; json: T; stderr: string }> {
  const r = await run([...argv, '--json'], opts);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return { code: r.code, json: JSON.parse(r.stdout) as T, stderr: r.stderr };
}

export function repoPath(...p: string[]): string {
  return path.join(REPO, ...p);
}

/** A stack trace line (`    at fn (file:1:2)`). */
export const STACK_LINE = /^\s+at .+/m;

/** Runs the command (exit 0, nothing on stderr); its stdout equals test/cli/golden/NAME (UPDATE_GOLDEN=1 rewrites it). */
export async function golden(name: string, argv: string[]): Promise<string> {
  const r = await run(argv);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const file = repoPath('test', 'cli', 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`golden file test/cli/golden/${name} is missing: run UPDATE_GOLDEN=1 npx vitest run test/cli`);
    writeFileSync(file, r.stdout);
  }
  expect(r.stdout).toBe(readFileSync(file, 'utf8'));
  return r.stdout;
}
