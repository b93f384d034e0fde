// `ztpath synth --tier S|M|L|XL --seed N --out DIR`: writes a seeded synthetic estate.

import { expectedCounts, TIER_NAMES, type TierName, TIERS, totalResources } from './tiers.ts';
import { SynthInputError, writeEstate } from './writer.ts';

export interface SynthIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

export const SYNTH_HELP = `Usage: ztpath synth --tier S|M|L|XL --seed N --out DIR

Writes a seeded synthetic Azure estate (hub-and-spoke, REST-shaped JSON as an export would look)
into DIR, which must be empty of *.json files: every *.json below it is meant to be imported.
The same tier and seed always give byte-identical files. DIR/MANIFEST.txt lists the tier, seed,
files, counts per resource type and the planted mistakes.

Options:
  --tier S|M|L|XL   estate size:
${TIER_NAMES.map((t) => {
  const d = TIERS[t];
  const c = expectedCounts(d);
  return `                      ${t.padEnd(2)} ${String(c['Microsoft.Network/virtualNetworks']).padStart(5)} VNets, ${String(c['Microsoft.Network/virtualNetworks/subnets']).padStart(6)} subnets, ${String(c['Microsoft.Network/networkInterfaces']).padStart(7)} NICs, ${String(c['Microsoft.Network/networkSecurityGroups']).padStart(5)} NSGs, ${String(totalResources(c)).padStart(7)} resources`;
}).join('\n')}
  --seed N          integer 0..4294967295
  --out DIR         output folder (created if missing)
  --quiet           no progress on stderr
  -h, --help        this text
`;

interface SynthArgs {
  tier: TierName;
  seed: number;
  out: string;
  quiet: boolean;
}

type Parsed = { help: true } | { help: false; args: SynthArgs } | { error: string };

function parseArgs(argv: readonly string[]): Parsed {
  const values: Partial<Record<'tier' | 'seed' | 'out', string>> = {};
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') return { help: true };
    if (arg === '--quiet' || arg === '-q') {
      quiet = true;
      continue;
    }
    const m = /^--(tier|seed|out)(?:=(.*))?$/.exec(arg);
    if (!m) return { error: arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument ${arg}` };
    const key = m[1] as 'tier' | 'seed' | 'out';
    let value = m[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) return { error: `--${key} needs a value` };
      i++;
    }
    if (values[key] !== undefined) return { error: `--${key} given twice` };
    values[key] = value;
  }
  if (values.tier === undefined) return { error: 'missing --tier S|M|L|XL' };
  if (values.seed === undefined) return { error: 'missing --seed N' };
  if (values.out === undefined || values.out === '') return { error: 'missing --out DIR' };
  const tier = values.tier.toUpperCase();
  if (!(TIER_NAMES as readonly string[]).includes(tier)) return { error: `--tier must be one of ${TIER_NAMES.join(', ')}, got ${values.tier}` };
  if (!/^\d+$/.test(values.seed) || Number(values.seed) > 0xffffffff) {
    return { error: `--seed must be an integer from 0 to 4294967295, got ${values.seed}` };
  }
  return { help: false, args: { tier: tier as TierName, seed: Number(values.seed), out: values.out, quiet } };
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

export async function synthMain(argv: string[], io: SynthIo): Promise<number> {
  const parsed = parseArgs(argv);
  if ('error' in parsed) {
    io.stderr(`ztpath synth: ${parsed.error}\nRun 'ztpath synth --help' for usage.\n`);
    return 2;
  }
  if (parsed.help) {
    io.stdout(SYNTH_HELP);
    return 0;
  }
  const { tier, seed, out, quiet } = parsed.args;
  const started = performance.now();
  try {
    const summary = await writeEstate(out, tier, seed, quiet ? undefined : (p) => {
      io.stderr(`synth: ${p.file}  (${p.vnetsDone}/${p.vnetsTotal} VNets, ${mib(p.bytes)})\n`);
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const c = summary.counts;
    io.stdout(
      `Wrote tier ${tier} seed ${seed} to ${out}: ${summary.files.length} files, ${mib(summary.bytes)} in ${seconds} s\n` +
      `  ${c['Microsoft.Network/virtualNetworks']} VNets, ${c['Microsoft.Network/virtualNetworks/subnets']} subnets, ` +
      `${c['Microsoft.Network/networkInterfaces']} NICs, ${c['Microsoft.Network/networkSecurityGroups']} NSGs with ` +
      `${c['Microsoft.Network/networkSecurityGroups/securityRules']} rules, ${c['Microsoft.Network/routeTables']} route tables, ` +
      `${totalResources(c)} resources\n` +
      `  ${summary.mistakes.length} planted mistakes: see ${out}/MANIFEST.txt\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof SynthInputError) {
      io.stderr(`ztpath synth: ${e.message}\n`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && typeof err.path === 'string') {
      io.stderr(`ztpath synth: cannot write ${err.path}: ${err.code} (${err.message})\n`);
      return 2;
    }
    throw e;
  }
}
