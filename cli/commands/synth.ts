// `ztpath synth --tier S|M|L|XL --seed N --out DIR`: writes a synthetic estate for benchmarks.
// The generator lives in bench/synth/cli.ts (synthMain); it is imported lazily so that the other
// verbs work even when it is missing or broken.

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { type Command, boolFlag, requireFlag } from '../command.ts';
import { CliError, type CliIo, usageError } from '../io.ts';
import { renderJson } from '../render/json.ts';
import { repoUrl } from '../paths.ts';
import { ensureTsLoader } from '../ts-worker.ts';

type SynthMain = (argv: string[], io: CliIo) => number | Promise<number>;

const TIERS = ['S', 'M', 'L', 'XL'];

async function loadSynthMain(): Promise<SynthMain> {
  // A computed specifier: the type checker must not require the file to exist.
  const target = repoUrl('bench/synth/cli.ts').href;
  let mod: unknown;
  try {
    await ensureTsLoader();
    mod = await import(target);
  } catch (e) {
    throw new CliError(`synth is unavailable: cannot load bench/synth/cli.ts (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  const fn = typeof mod === 'object' && mod !== null && 'synthMain' in mod ? mod.synthMain : undefined;
  if (typeof fn !== 'function') throw new CliError('synth is unavailable: bench/synth/cli.ts does not export synthMain(argv, io)');
  return fn as SynthMain;
}

async function listJson(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...(await listJson(full, base)));
    else if (ent.name.toLowerCase().endsWith('.json')) out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

export const synthCommand: Command = {
  name: 'synth',
  summary: 'write a synthetic Azure estate (tiers S, M, L, XL) for benchmarks and tests',
  usage: ['synth --tier S|M|L|XL --seed N --out DIR [--quiet] [--json]'],
  description: [
    'The same tier and seed always give byte-identical files. DIR receives REST-shaped JSON that',
    'every other verb reads (e.g. ztpath summary DIR) and a MANIFEST.txt listing the planted mistakes.',
    '--json prints {"tier", "seed", "out", "files": [...]} instead of the text report.',
    '',
    'Exit codes: 0 ok; 2 usage error, an unwritable DIR, or the generator is unavailable.',
  ],
  flags: [
    { name: 'tier', type: 'string', value: 'S|M|L|XL', description: 'estate size' },
    { name: 'seed', type: 'string', value: 'N', description: 'random seed, an integer 0..4294967295' },
    { name: 'out', type: 'string', value: 'DIR', description: 'folder to write the estate to (created if missing)' },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'no progress on stderr' },
    { name: 'json', type: 'boolean', description: 'print what was written as JSON' },
  ],
  examples: ['synth --tier S --seed 1 --out /tmp/estate-s'],
  async run(args, io) {
    const tierText = requireFlag(this, args, 'tier');
    const seed = requireFlag(this, args, 'seed');
    const outText = requireFlag(this, args, 'out');
    const tier = tierText.toUpperCase();
    if (!TIERS.includes(tier)) throw usageError(this.name, `--tier ${tierText}: expected one of ${TIERS.join(', ')}`);
    if (!/^\d+$/.test(seed.trim()) || Number(seed) > 0xffffffff) throw usageError(this.name, `--seed ${seed}: expected an integer 0..4294967295`);
    if (args.positionals.length) throw usageError(this.name, `unexpected argument ${args.positionals[0]}: synth takes flags only`);
    const json = boolFlag(args, 'json');
    // The generator writes relative to the process; PATHS are relative to io.cwd.
    const out = path.isAbsolute(outText) || path.resolve(io.cwd) === process.cwd() ? outText : path.resolve(io.cwd, outText);
    const synthMain = await loadSynthMain();
    const forwarded = ['--tier', tier, '--seed', seed.trim(), '--out', out, ...(json || boolFlag(args, 'quiet') ? ['--quiet'] : [])];
    if (!json) return await synthMain(forwarded, io);
    const code = await synthMain(forwarded, { ...io, stdout: () => {} });
    if (code !== 0) return code;
    io.stdout(renderJson({ tier, seed: Number(seed), out: outText, files: await listJson(path.resolve(io.cwd, outText)) }));
    return 0;
  },
};
