// Aligned text tables without a dependency. Colour only when stdout is a terminal and NO_COLOR is
// not set (https://no-color.org); widths are computed on the plain text, colour is added after.

import type { CliIo } from '../io.ts';

export type Tone = 'good' | 'bad' | 'warn' | 'dim' | 'bold';

/** Rows a text table shows at most (a line under it says how many are left out; --json lists all). */
export const TEXT_ROWS = 10_000;
export type Cell = string | { text: string; tone?: Tone };

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

const CODES: Record<Tone, [string, string]> = {
  good: ['\x1b[32m', '\x1b[39m'],
  bad: ['\x1b[31m', '\x1b[39m'],
  warn: ['\x1b[33m', '\x1b[39m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  bold: ['\x1b[1m', '\x1b[22m'],
};

export function useColor(io: CliIo): boolean {
  const nc = io.env.NO_COLOR;
  return io.isTTY && (nc === undefined || nc === '');
}

export function paint(text: string, tone: Tone | undefined, color: boolean): string {
  if (!color || !tone || text === '') return text;
  const [on, off] = CODES[tone];
  return `${on}${text}${off}`;
}

/** Allow green, Deny red: the one bit of meaning colour carries. */
export function accessTone(access: string): Tone | undefined {
  return access === 'Allow' ? 'good' : access === 'Deny' ? 'bad' : undefined;
}

function cellText(c: Cell): string {
  return typeof c === 'string' ? c : c.text;
}

export function renderTable(columns: Column[], rows: Cell[][], opts: { color: boolean; indent?: string }): string {
  const indent = opts.indent ?? '';
  // A loop, not Math.max(...rows): a spread of many thousands of rows overflows the call stack.
  const widths = columns.map((col, i) => rows.reduce((w, r) => Math.max(w, cellText(r[i] ?? '').length), col.header.length));
  const line = (cells: Cell[], header: boolean): string => {
    const parts = columns.map((col, i) => {
      const c = cells[i] ?? '';
      const text = cellText(c);
      const pad = ' '.repeat(widths[i] - text.length);
      const tone = header ? 'bold' : typeof c === 'string' ? undefined : c.tone;
      const shown = paint(text, tone, opts.color);
      return col.align === 'right' ? pad + shown : shown + pad;
    });
    return (indent + parts.join('  ')).trimEnd();
  };
  const out = [line(columns.map((c) => c.header), true)];
  out.push((indent + widths.map((w) => '-'.repeat(w)).join('  ')).trimEnd());
  for (const r of rows) out.push(line(r, false));
  return out.join('\n') + '\n';
}

/** `- code: message` lines under an answer; nothing when there are none. */
export function renderCaveats(caveats: { code: string; message: string }[], color: boolean): string {
  if (!caveats.length) return '';
  const lines = ['', paint('Caveats:', 'warn', color)];
  for (const c of caveats) lines.push(`  - ${c.message} [${c.code}]`);
  return lines.join('\n') + '\n';
}

/** What is open, per protocol, as the tables print it: `Tcp 22,443; Udp 123; Icmp`. */
export function allowedText(allowed: readonly { protocol: string; ports: readonly string[] }[]): string {
  return allowed.map((a) => (a.ports.length ? `${a.protocol} ${a.ports.join(',')}` : a.protocol)).join('; ');
}

/** A list in one cell: long lists (service tag prefixes) are cut, the JSON output has them all. */
export function listCell(items: string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max - 1).join(', ')}, ... (+${items.length - max + 1} more; see --json)`;
}
