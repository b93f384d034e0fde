// `ztpath matrix PATHS [--by subnet|asg|vnet] [--ports LIST] [--json|--csv]`: which group can open
// connections to which, on which ports; cells that rely only on default NSG rules are marked.

import { parsePortList, type MatrixAnswer, type MatrixCell, type MatrixCells } from '../../core/index.ts';
import { type Command, EXIT_CODES_HELP, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG, boolFlag, stringFlag } from '../command.ts';
import { loadForCommand } from '../common.ts';
import { computeMatrixThreaded, matrixThreads } from '../matrix-threads.ts';
import { usageError } from '../io.ts';
import { stdoutWriter, writeJson } from '../render/json.ts';
import { TEXT_ROWS, allowedText, renderCaveats, renderTable, useColor } from '../render/table.ts';

function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Cells per write: a large estate's matrix (millions of cells) is more text than one string holds. */
const CSV_CHUNK = 5000;

export async function writeMatrixCsv(cells: MatrixCells | MatrixCell[], write: (text: string) => void | Promise<void>): Promise<void> {
  await write('from,to,protocol,ports,defaultRulesOnly,inboundDefaultRulesOnly,nsgOnPath\n');
  for (let start = 0; start < cells.length; start += CSV_CHUNK) {
    const lines: string[] = [];
    for (const c of cells.slice(start, start + CSV_CHUNK)) {
      for (const a of c.allowed) lines.push([c.from, c.to, a.protocol, a.ports.join(' '), String(c.defaultRulesOnly), String(c.inboundDefaultRulesOnly), String(c.nsgOnPath)].map(csvField).join(',') + '\n');
    }
    await write(lines.join(''));
  }
}


/**
 * Rows of the text table at most: a terminal table of millions of pairs (tier L has 8 million)
 * helps nobody and would not fit in one string; the line under the table says how many are left
 * out and where to get them all.
 */
export function renderMatrixText(r: MatrixAnswer, color: boolean, maxRows = TEXT_ROWS): string {
  const s = r.summary;
  let text = `Reachability by ${r.by}${r.ports === 'any' ? '' : ` (ports ${r.ports.join(',')})`}: ${s.cells} connected pair(s) among ${s.groups} group(s); ${s.defaultRulesOnly} rely only on default rules, ${s.inboundDefaultRulesOnly} are admitted by default rules only, ${s.withoutNsg} have no NSG on the path.\n`;
  if (r.cells.length) {
    const shown = r.cells.slice(0, maxRows);
    text += '\n' + renderTable(
      [{ header: 'From' }, { header: 'To' }, { header: 'Allowed' }, { header: 'Default rules only' }, { header: 'Admitted by default' }, { header: 'NSG' }],
      shown.map((c) => [c.from, c.to, allowedText(c.allowed), c.defaultRulesOnly ? { text: 'yes', tone: 'warn' as const } : '', c.inboundDefaultRulesOnly ? { text: 'yes', tone: 'warn' as const } : '', c.nsgOnPath ? '' : { text: 'none', tone: 'bad' as const }]),
      { color },
    );
    if (shown.length < r.cells.length) text += `... the first ${shown.length.toLocaleString('en-US')} of ${r.cells.length.toLocaleString('en-US')} pairs are shown; --csv or --json lists them all.\n`;
  }
  return text + renderCaveats(r.caveats, color);
}

export const matrixCommand: Command = {
  name: 'matrix',
  summary: 'reachability between every pair of subnets (or ASGs, VNets), with default-rule reliance marked',
  usage: ['matrix PATHS... [--by subnet|asg|vnet] [--ports LIST|any] [--json | --csv]'],
  description: [
    'A cell lists what the endpoints of one group can open to the endpoints of another: per protocol',
    'the destination ports. Cells are marked when every NSG allow on the path is a default rule',
    '(defaultRulesOnly), when the destination side admits the traffic by default rules only',
    '(inboundDefaultRulesOnly, e.g. AllowVnetInBound), and when no NSG is on the path (nsgOnPath false).',
    'Only pairs with something allowed are listed. The text table shows the first 10,000 pairs (a line',
    'under it says how many are left out); --csv and --json list them all, written piece by piece.',
    '',
    'JSON: {"by", "groups": [...], "cells": [{"from", "to", "allowed": [{"protocol", "ports"}],',
    '"defaultRulesOnly", "inboundDefaultRulesOnly", "nsgOnPath", "example"}], "summary", "caveats"}.',
    'CSV: one row per cell and protocol.',
    '',
    'On an estate of 20,000 NICs or more and a machine of 4 cores or more, a worker thread shares the',
    'work (it reads and compiles the files again: ~0.4 GB more at peak with 50,000 NICs);',
    'ZTPATH_MATRIX_THREADS=1 or 2 sets the number of threads.',
    '',
    ...EXIT_CODES_HELP,
  ],
  flags: [
    { name: 'by', type: 'string', value: 'subnet|asg|vnet', description: 'how endpoints are grouped (default subnet)' },
    { name: 'ports', type: 'string', value: 'LIST', description: 'only these destination ports, e.g. 22,3389,1433 (TCP and UDP), or any (default)' },
    { name: 'csv', type: 'boolean', description: 'print CSV (one row per cell and protocol) instead of text' },
    SERVICE_TAGS_FLAG,
    JSON_FLAG,
    QUIET_FLAG,
  ],
  examples: ['matrix examples/hub-spoke', 'matrix examples/hub-spoke --by asg --json', 'matrix examples/hub-spoke --ports 22,3389 --csv'],
  async run(args, io) {
    const byText = (stringFlag(args, 'by') ?? 'subnet').trim().toLowerCase();
    if (byText !== 'subnet' && byText !== 'asg' && byText !== 'vnet') throw usageError(this.name, `--by ${byText}: expected subnet, asg or vnet`);
    const portsText = stringFlag(args, 'ports');
    const ports = portsText === undefined ? undefined : parsePortList(portsText);
    if (typeof ports === 'string') throw usageError(this.name, `--ports ${portsText}: ${ports} (write e.g. 22,3389,8000-8100 or any)`);
    const csv = boolFlag(args, 'csv');
    if (csv && boolFlag(args, 'json')) throw usageError(this.name, '--json and --csv cannot be used together');
    const { dp, json, progress, source } = await loadForCommand(this, { ...args, values: { ...args.values, quiet: csv || args.values.quiet } }, io);
    const r = await progress.stepAsync(`computing the matrix by ${byText}`, () => computeMatrixThreaded(dp, { by: byText, ports }, source, matrixThreads(dp, io.env)));
    const write = stdoutWriter(io);
    if (json) {
      await writeJson({ by: r.by, ports: r.ports, groups: r.groups, cells: r.cells, summary: r.summary, caveats: r.caveats }, write);
      return 0;
    }
    if (csv) {
      await writeMatrixCsv(r.cells, write);
      return 0;
    }
    io.stdout(renderMatrixText(r, useColor(io)));
    return 0;
  },
};
