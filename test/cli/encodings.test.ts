// Windows PowerShell 5.1 writes what `>` redirects as UTF-16LE with a byte-order mark
// (importer/text-encoding.ts): every file ztpath reads (PATHS, --change, --policy, --service-tags)
// is read as the text it holds, and SARIF regions are found in that text. The same run over the
// sample's files in UTF-8 and in UTF-16 gives the same answer, byte for byte.

import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadForWeb, serveCommand } from '../../cli/commands/serve.ts';
import { SAMPLE, fakeIo, repoPath, run } from './helpers.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'ztpath-encodings-'));
const UTF8 = path.join(tmp, 'utf8');
const UTF16 = path.join(tmp, 'utf16');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** UTF-16LE with a byte-order mark, as Windows PowerShell's `>` and Out-File write it. */
const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

const INPUTS: Record<string, string> = {
  'change.json': 'examples/changes/lock-down-nsg-db.json',
  'policy.yaml': 'examples/policy.yaml',
  'tags.json': 'examples/service-tags/ServiceTags_Public_sample.json',
};

beforeAll(() => {
  // Two folders with the same names in them, so that the answers name the same files.
  cpSync(repoPath(SAMPLE), path.join(UTF8, 'estate'), { recursive: true });
  mkdirSync(path.join(UTF16, 'estate'), { recursive: true });
  for (const f of readdirSync(repoPath(SAMPLE))) {
    if (f.endsWith('.json')) writeFileSync(path.join(UTF16, 'estate', f), utf16(readFileSync(repoPath(SAMPLE, f), 'utf8')));
  }
  for (const [name, from] of Object.entries(INPUTS)) {
    const text = readFileSync(repoPath(from), 'utf8');
    writeFileSync(path.join(UTF8, name), text);
    writeFileSync(path.join(UTF16, name), utf16(text));
  }
});

/** Work timings (what-if's `stats`) differ from run to run; everything else must not. */
const untimed = (s: string) => s.replace(/"(elapsedMs|findingsMs)": [\d.]+/g, '"$1": 0');

async function both(argv: string[]): Promise<void> {
  const a = await run(argv, { cwd: UTF8 });
  const b = await run(argv, { cwd: UTF16 });
  expect(a.stdout.length).toBeGreaterThan(0);
  expect(b.code).toBe(a.code);
  expect(untimed(b.stdout) === untimed(a.stdout), `${argv.join(' ')}: the UTF-16 files' answer differs`).toBe(true);
  expect(b.stderr).toBe(a.stderr);
}

describe('files in UTF-16 (Windows PowerShell) give the answers their UTF-8 text gives', () => {
  it('findings as SARIF: the same results and regions', async () => {
    await both(['findings', 'estate', '--format', 'sarif']);
    const sarif = JSON.parse((await run(['findings', 'estate', '--format', 'sarif'], { cwd: UTF16 })).stdout) as { runs: { results: { locations: { physicalLocation: { region?: { startLine: number } } }[] }[] }[] };
    const regions = sarif.runs[0].results.flatMap((r) => r.locations.map((l) => l.physicalLocation.region?.startLine));
    expect(regions.length).toBeGreaterThan(0);
    expect(regions.every((line) => typeof line === 'number' && line > 1)).toBe(true);
  });

  it('the import says which files it read as UTF-16', async () => {
    const r = await run(['summary', 'estate', '--json'], { cwd: UTF16 });
    const list = (JSON.parse(r.stdout) as { diagnostics: { list: { code: string; severity: string; file: string }[] } }).diagnostics.list;
    const files = readdirSync(path.join(UTF16, 'estate')).filter((f) => f.endsWith('.json')).map((f) => `estate/${f}`).sort();
    expect(list.filter((d) => d.code === 'json.encoding').map((d) => [d.severity, d.file]).sort()).toEqual(files.map((f) => ['info', f]));
  });

  it('--change (whatif), --policy (check) and --service-tags', async () => {
    await both(['whatif', 'estate', '--change', 'change.json', '--json']);
    await both(['check', 'estate', '--policy', 'policy.yaml', '--json']);
    await both(['exposure', 'estate', '--service-tags', 'tags.json', '--json']);
  });

  it('serve --change: the web view gets the change file as text', async () => {
    const args = { positionals: ['estate'], values: { change: 'change.json' } };
    const a = await loadForWeb(serveCommand, args, fakeIo({ cwd: UTF8 }), true);
    const b = await loadForWeb(serveCommand, args, fakeIo({ cwd: UTF16 }), true);
    expect(b.changeFile).toEqual(a.changeFile);
    expect(b.after?.snapshot.networkSecurityGroups.size).toBe(a.after?.snapshot.networkSecurityGroups.size);
  });
});
