// The CLI entry: argv -> verb -> exit code. The only layer with argv, stdout, files and exit codes
// (DESIGN.md); each verb lives in cli/commands/<verb>.ts. main() never throws: usage and input
// errors print one readable message (exit 2), anything else is reported as an internal error.

import { readFileSync } from 'node:fs';
import { type Command, parseCommandArgs, renderCommandHelp } from './command.ts';
import { nextHopCommand } from './commands/next-hop.ts';
import { routesCommand } from './commands/routes.ts';
import { rulesCommand } from './commands/rules.ts';
import { summaryCommand } from './commands/summary.ts';
import { synthCommand } from './commands/synth.ts';
import { tourCommand } from './commands/tour.ts';
import { verifyCommand } from './commands/verify.ts';
import { traceCommand } from './commands/trace.ts';
import { reachCommand } from './commands/reach.ts';
import { firewallCommand } from './commands/firewall.ts';
import { serveCommand } from './commands/serve.ts';
import { reportCommand } from './commands/report.ts';
import { diffCommand } from './commands/diff.ts';
import { whatifCommand } from './commands/whatif.ts';
import { findingsCommand } from './commands/findings.ts';
import { checkCommand } from './commands/check.ts';
import { exposureCommand } from './commands/exposure.ts';
import { blastCommand } from './commands/blast.ts';
import { matrixCommand } from './commands/matrix.ts';
import { CliError, type CliIo, usageError } from './io.ts';
import { repoUrl } from './paths.ts';

export type { CliIo } from './io.ts';
export { CliError, textPieces } from './io.ts';

export const COMMANDS: Command[] = [summaryCommand, routesCommand, rulesCommand, verifyCommand, nextHopCommand, traceCommand, reachCommand, firewallCommand, exposureCommand, blastCommand, matrixCommand, findingsCommand, checkCommand, diffCommand, whatifCommand, serveCommand, reportCommand, synthCommand, tourCommand];

/** Verbs of the design (DESIGN.md) that this version does not have yet. */
export const PLANNED: string[] = [];

export function version(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(repoUrl('package.json'), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // fall through
  }
  return 'unknown';
}

export function renderMainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = [
    `ztpath ${version()} — offline Azure network topology simulator and zero-trust path analyzer`,
    '',
    'Usage: ztpath VERB [PATHS...] [flags]',
    '',
    'Verbs:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'PATHS are files or folders of Azure JSON exports (az CLI, REST, Resource Graph, ARM templates);',
    'every *.json below a folder is read and all are merged into one snapshot.',
    'REF is a resource id, a unique name (NIC, VM, private endpoint, VNET/SUBNET) or a private IP.',
    'Every verb takes --json. Exit codes: 0 ok; 1 a policy violation or finding at or above',
    '--fail-on; 2 usage or input error.',
    '',
    "Run 'ztpath VERB --help' for a verb's flags and an example; 'npm start' runs the tour.",
    '',
    'Flags:',
    '  -h, --help     show this help',
    '  -V, --version  print the version',
  ];
  return lines.join('\n') + '\n';
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name.toLowerCase());
}

function unknownVerb(verb: string): CliError {
  if (PLANNED.includes(verb.toLowerCase())) return usageError(undefined, `'${verb}' is not available in this version of ztpath yet`);
  const near = COMMANDS.map((c) => c.name).filter((n) => editDistance(n, verb.toLowerCase()) <= 2 || n.startsWith(verb.toLowerCase()));
  return usageError(undefined, `unknown verb '${verb}'${near.length ? ` (did you mean ${near.map((n) => `'${n}'`).join(' or ')}?)` : ''}`);
}

/** `--help` anywhere before a `--` separator. */
function wantsHelp(argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(renderMainHelp());
    return 2;
  }
  if (first === '--help' || first === '-h') {
    io.stdout(renderMainHelp());
    return 0;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`ztpath ${version()}\n`);
    return 0;
  }
  if (first === 'help') {
    if (!rest.length) {
      io.stdout(renderMainHelp());
      return 0;
    }
    const c = findCommand(rest[0]);
    if (!c) throw unknownVerb(rest[0]);
    io.stdout(renderCommandHelp(c));
    return 0;
  }
  if (first.startsWith('-')) throw usageError(undefined, `expected a verb before flags, got ${first}`);
  const c = findCommand(first);
  if (!c) throw unknownVerb(first);
  if (wantsHelp(rest)) {
    io.stdout(renderCommandHelp(c));
    return 0;
  }
  const args = parseCommandArgs(c, rest);
  return await c.run(args, io, rest);
}

function reportError(e: unknown, io: CliIo): number {
  if (e instanceof CliError) {
    const lines = [`ztpath: ${e.message}`, ...e.details.map((d) => `  ${d}`)];
    if (e.hint) lines.push(`hint: ${e.hint}`);
    io.stderr(lines.join('\n') + '\n');
    return e.exitCode;
  }
  const msg = e instanceof Error ? e.message : String(e);
  const lines = [`ztpath: internal error: ${msg.split('\n')[0]}`];
  if (io.env.ZTPATH_DEBUG === '1' && e instanceof Error && e.stack) lines.push(e.stack);
  else lines.push('This is a bug in ztpath, not a problem with your input; rerun with ZTPATH_DEBUG=1 for the stack trace.');
  io.stderr(lines.join('\n') + '\n');
  return 2;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    return reportError(e, io);
  }
}
