// What a command is: its flags (the one list that drives parsing and --help), its usage lines, an
// example, and run(). Flags map one-to-one to question parameters (DESIGN.md principle 4).

import { parseArgs } from 'node:util';
import { type CliIo, usageError } from './io.ts';

export interface FlagSpec {
  name: string;
  type: 'string' | 'boolean';
  /** Placeholder shown in help, e.g. `REF`. */
  value?: string;
  short?: string;
  multiple?: boolean;
  description: string;
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

export interface Command {
  name: string;
  /** One line for `ztpath --help`. */
  summary: string;
  /** Usage lines without the leading `ztpath `. */
  usage: string[];
  /** Paragraphs printed under the usage. */
  description?: string[];
  flags: FlagSpec[];
  examples: string[];
  /** Accept flags this spec does not list (the command forwards argv elsewhere). */
  lenient?: boolean;
  run(args: ParsedArgs, io: CliIo, argv: string[]): Promise<number>;
}

export const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', type: 'boolean', description: 'show this help' };
export const JSON_FLAG: FlagSpec = { name: 'json', type: 'boolean', description: 'print JSON (stable, 2-space indented) instead of text' };
export const QUIET_FLAG: FlagSpec = { name: 'quiet', short: 'q', type: 'boolean', description: 'no progress and no diagnostics count on stderr' };
export const SERVICE_TAGS_FLAG: FlagSpec = {
  name: 'service-tags',
  type: 'string',
  value: 'FILE',
  description: 'Service Tags JSON (ServiceTags_Public_*.json or its folder); without it, tags are approximated (with a caveat)',
};

export const EXIT_CODES_HELP = [
  'Exit codes: 0 ok; 2 usage or input error (a missing path, a folder without JSON files, no',
  'resources in the input, an unknown or ambiguous REF, a bad flag value).',
];

function flagLabel(f: FlagSpec): string {
  const long = `--${f.name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
  return f.short ? `-${f.short}, ${long}` : `    ${long}`;
}

export function renderCommandHelp(c: Command): string {
  const lines: string[] = [`ztpath ${c.name} — ${c.summary}`, '', 'Usage:'];
  for (const u of c.usage) lines.push(`  ztpath ${u}`);
  if (c.description?.length) {
    lines.push('');
    for (const d of c.description) lines.push(d);
  }
  lines.push('', 'Flags:');
  const flags = [...c.flags, HELP_FLAG];
  const width = Math.max(...flags.map((f) => flagLabel(f).length));
  for (const f of flags) lines.push(`  ${flagLabel(f).padEnd(width)}  ${f.description}`);
  if (c.examples.length) {
    lines.push('', c.examples.length === 1 ? 'Example:' : 'Examples:');
    for (const e of c.examples) lines.push(`  $ ztpath ${e}`);
  }
  return lines.join('\n') + '\n';
}

interface NodeError extends Error {
  code?: string;
}

/** Parse argv against the command's flags; node's parse errors become usage errors. */
export function parseCommandArgs(c: Command, argv: string[]): ParsedArgs {
  type Opt = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };
  const options: Record<string, Opt> = {};
  for (const f of [...c.flags, HELP_FLAG]) {
    const o: Opt = { type: f.type };
    if (f.short) o.short = f.short;
    if (f.multiple) o.multiple = true;
    options[f.name] = o;
  }
  // `--port -1`: node's parseArgs takes `-1` for a flag and reports the value as missing. A
  // string flag followed by a negative number gets that number, which the flag's own check names.
  const stringFlags = new Set(c.flags.filter((f) => f.type === 'string').map((f) => `--${f.name}`));
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (stringFlags.has(argv[i]) && /^-\d/.test(argv[i + 1] ?? '')) args.push(`${argv[i]}=${argv[++i]}`);
    else args.push(argv[i]);
  }
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: !c.lenient });
    const values: ParsedArgs['values'] = {};
    for (const [k, v] of Object.entries(r.values)) {
      if (typeof v === 'string' || typeof v === 'boolean') values[k] = v;
      else if (Array.isArray(v)) values[k] = v.map(String);
    }
    return { positionals: r.positionals, values };
  } catch (e) {
    const err = e as NodeError;
    const quoted = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1];
    switch (err.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        throw usageError(c.name, `unknown flag ${quoted ?? ''} for '${c.name}'`.replace('  ', ' '));
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
        const flag = c.flags.find((f) => quoted && (quoted === `--${f.name}` || quoted === `-${f.short}`));
        if (flag?.type === 'string') throw usageError(c.name, `flag --${flag.name} needs a value (${flag.value ?? 'VALUE'})`);
        if (flag) throw usageError(c.name, `flag --${flag.name} takes no value`);
        throw usageError(c.name, err.message);
      }
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
        throw usageError(c.name, `unexpected argument: ${err.message}`);
      default:
        throw e;
    }
  }
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function requireFlag(c: Command, args: ParsedArgs, name: string): string {
  const v = stringFlag(args, name);
  if (v === undefined || v.trim() === '') {
    const f = c.flags.find((x) => x.name === name);
    throw usageError(c.name, `missing required flag --${name}${f?.value ? ` ${f.value}` : ''}`);
  }
  return v;
}
