// `ztpath diff --before PATHS... --after PATHS...`: two snapshots (two exports, or a snapshot and
// the IaC of what it will be) compared the way whatif compares a change: flows newly allowed and
// newly blocked, internet exposure, findings, effective routes and rules.

import { compile, computeWhatIf } from '../../core/index.ts';
import type { Diagnostic, Snapshot } from '../../core/index.ts';
import { type Command, type ParsedArgs, boolFlag, stringFlag } from '../command.ts';
import { type CliIo, usageError } from '../io.ts';
import { loadSnapshot } from '../load-snapshot.ts';
import { WHATIF_ANSWER_FLAGS, WHATIF_EXIT_CODES, compareWithProgress, emitWhatIf, outputFormat, parseGates, whatIfOptions } from './whatif.ts';

/** `--before A B --after C` and `--before A --before B` both work: the lists run to the next flag. */
export function splitSides(verb: string, argv: string[], stringFlags: Set<string>): { before: string[]; after: string[] } {
  const before: string[] = [];
  const after: string[] = [];
  let cur: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a === '--before' || a === '--after') {
      cur = a === '--before' ? before : after;
      continue;
    }
    if (a.startsWith('--before=') || a.startsWith('--after=')) {
      cur = a.startsWith('--before=') ? before : after;
      cur.push(a.slice(a.indexOf('=') + 1));
      continue;
    }
    if (a.startsWith('-')) {
      cur = undefined;
      // The value of a string flag (`--fail-on X`) is not a path.
      if (!a.includes('=') && stringFlags.has(a.replace(/^-+/, ''))) i++;
      continue;
    }
    if (!cur) throw usageError(verb, `unexpected argument ${a}: name the snapshots with --before PATHS... and --after PATHS...`);
    cur.push(a);
  }
  if (!before.length) throw usageError(verb, 'missing --before PATHS: the snapshot as it is');
  if (!after.length) throw usageError(verb, 'missing --after PATHS: the snapshot as it will be');
  return { before, after };
}

export const diffCommand: Command = {
  name: 'diff',
  summary: 'compare two snapshots: flows newly allowed and blocked, exposure, findings, routes, rules',
  usage: ['diff --before PATHS... --after PATHS... [--fail-on GATE] [--format text|json|sarif|junit] [--json]'],
  description: [
    'Both sides are read like any PATHS (files or folders of Azure JSON). The answer is the one',
    'whatif gives: exact differential reachability, recomputed only where the snapshots differ.',
    '',
    ...WHATIF_EXIT_CODES,
  ],
  flags: [
    { name: 'before', type: 'string', value: 'PATHS', multiple: true, description: 'the snapshot before: one or more files or folders' },
    { name: 'after', type: 'string', value: 'PATHS', multiple: true, description: 'the snapshot after: one or more files or folders' },
    ...WHATIF_ANSWER_FLAGS,
  ],
  lenient: true,
  examples: [
    'diff --before examples/hub-spoke --after examples/hub-spoke examples/changes/nsg-db-after.json',
    'diff --before exports/monday --after exports/tuesday --fail-on newly-allowed,new-exposure --format sarif',
  ],
  async run(args: ParsedArgs, io: CliIo, argv: string[]) {
    const known = new Set(this.flags.map((f) => f.name));
    for (const k of Object.keys(args.values)) if (!known.has(k)) throw usageError(this.name, `unknown flag --${k} for 'diff'`);
    const { before, after } = splitSides(this.name, argv, new Set(this.flags.filter((f) => f.type === 'string' && f.name !== 'before' && f.name !== 'after').map((f) => f.name)));
    const format = outputFormat(this.name, args);
    const gates = parseGates(this.name, args);
    const opts = whatIfOptions(args, this.name);
    const silent = format !== 'text' || boolFlag(args, 'quiet');
    const serviceTags = stringFlag(args, 'service-tags');
    const sb = await loadSnapshot(before, { serviceTags, silent }, io);
    const sa = await loadSnapshot(after, { serviceTags, silent }, io);
    const answer = compareWithProgress(io, silent, opts, (o) => computeWhatIf(compile(sb), compile(sa), o));
    return emitWhatIf(io, answer, `Diff: ${before.join(' ')} -> ${after.join(' ')}`, format, gates, undefined, newDiagnostics(sb, sa));
  },
};

/**
 * The errors and warnings of the snapshot after that the one before does not have (a planned
 * snapshot Azure would refuse, a reference the change leaves dangling), for the JSON, SARIF and
 * JUnit answers; compared without their file, since the two sides are read from different files.
 */
function newDiagnostics(before: Snapshot, after: Snapshot): Diagnostic[] {
  const key = (d: Diagnostic) => `${d.severity}|${d.code}|${d.resourceId ?? ''}|${d.message}`;
  const known = new Set(before.diagnostics.map(key));
  return after.diagnostics.filter((d) => d.severity !== 'info' && !known.has(key(d)));
}
