// `ztpath blast PATHS --from REF [--ports LIST|any] [--depth N] [--critical SELECTOR]...`: what an
// attacker who holds REF can reach, transitively, with the shortest attack path to each endpoint.

import { computeBlastRadius, parsePortList, type BlastAnswer, type BlastGroup, type BlastGroupBy, type BlastStep } from '../../core/index.ts';
import { type Command, EXIT_CODES_HELP, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG, requireFlag, stringFlag } from '../command.ts';
import { loadForCommand } from '../common.ts';
import { CliError, usageError } from '../io.ts';
import { stdoutWriter, writeJson } from '../render/json.ts';
import { TEXT_ROWS, allowedText, paint, renderCaveats, renderTable, useColor } from '../render/table.ts';
import { resolveOrFail } from '../resolve.ts';

function stepText(s: BlastStep): string {
  return `${s.to} (${s.protocol}${s.ports.length ? ' ' + s.ports.join(',') : ''})`;
}

function pathText(path: BlastStep[]): string {
  if (path.length === 0) return '';
  return [path[0].from, ...path.map(stepText)].join(' -> ');
}

function criticalValues(v: string | boolean | string[] | undefined): string[] {
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}

export const blastCommand: Command = {
  name: 'blast',
  summary: 'blast radius: what a compromised endpoint can reach, transitively, with the shortest attack paths',
  usage: ['blast PATHS... --from REF [--ports 22,3389,...|any] [--depth N] [--critical SELECTOR]... [--by vnet|subnet] [--json]'],
  description: [
    'Every host reached becomes a new foothold. Each endpoint reached is listed with its depth (hops',
    'from REF) and the shortest attack path, each step with the protocol and ports open between the',
    'two hosts; storage accounts (through a private endpoint, a service endpoint or the public',
    'endpoint) and the exits (internet, on-premises) reached are listed too. The text table shows',
    'the first 10,000 reached and every critical asset (a line under it says how many are left out);',
    '--json lists them all.',
    '--critical marks assets and lists those reached: a name or resource id, VNET/SUBNET,',
    'tag:KEY=VALUE (or tag:KEY; tags of the NIC, its VM or the storage account) or asg:NAME;',
    'repeat the flag for several selectors.',
    '--by vnet (or subnet) sums what was reached up, one row per VNet (subnet): the endpoints of',
    'each kind, the nearest one\'s depth, the critical assets, and the protocols and ports the last',
    'hop into it found open; storage accounts are one row of their own. The text shows these rows',
    'instead of the endpoints; --json adds them as "groups" to the full answer.',
    '',
    'JSON: {"reached": [{"resource", "name", "kind", "ip", "depth", "path": [{"from", "to",',
    '"protocol", "ports", "allowed"}]}], "exits": [...], "critical": [...], "summary": {...}, "caveats": []};',
    'with --by, "groups": [{"kind", "name", "id", "reached", "hosts", "privateEndpoints",',
    '"storageAccounts", "nearestDepth", "critical", "open": [{"protocol", "ports"}]}] after "critical".',
    'Blast radius is a question, not a gate: it exits 0 whatever it finds.',
    '',
    ...EXIT_CODES_HELP,
  ],
  flags: [
    { name: 'from', type: 'string', value: 'REF', description: 'the compromised endpoint: a NIC, a VM (its primary NIC), a private IP, or a subnet (its first NIC)' },
    { name: 'ports', type: 'string', value: 'LIST', description: 'destination ports the attacker uses, e.g. 22,3389,5985-5986 (TCP and UDP), or any (default: every protocol and port)' },
    { name: 'depth', type: 'string', value: 'N', description: 'stop after N hops from REF (default: no limit)' },
    { name: 'critical', type: 'string', value: 'SELECTOR', multiple: true, description: 'a critical asset: NAME, resource id, VNET/SUBNET, tag:KEY=VALUE or asg:NAME (repeatable)' },
    { name: 'by', type: 'string', value: 'vnet|subnet', description: 'sum what was reached up by VNet or by subnet (the text shows one row per group)' },
    SERVICE_TAGS_FLAG,
    JSON_FLAG,
    QUIET_FLAG,
  ],
  examples: [
    'blast examples/hub-spoke --from vm-legacy03',
    'blast examples/hub-spoke --from vm-legacy03 --by vnet',
    'blast examples/hub-spoke --from vm-web01 --ports 22,3389,1433 --critical vnet-data-weu/snet-db --json',
  ],
  async run(args, io) {
    const fromText = requireFlag(this, args, 'from');
    const portsText = stringFlag(args, 'ports');
    const ports = portsText === undefined ? undefined : parsePortList(portsText);
    if (typeof ports === 'string') throw usageError(this.name, `--ports ${portsText}: ${ports} (write e.g. 22,3389,8000-8100 or any)`);
    const depthText = stringFlag(args, 'depth');
    const depth = depthText === undefined ? undefined : Number(depthText.trim());
    if (depth !== undefined && !(Number.isInteger(depth) && depth > 0)) throw usageError(this.name, `--depth ${depthText}: expected a positive whole number`);
    const critical = criticalValues(args.values.critical);
    const byText = stringFlag(args, 'by')?.trim().toLowerCase();
    if (byText !== undefined && byText !== 'vnet' && byText !== 'subnet') throw usageError(this.name, `--by ${byText}: expected vnet or subnet`);
    const groupBy: BlastGroupBy | undefined = byText;
    const { dp, json, progress } = await loadForCommand(this, args, io);
    const from = resolveOrFail(dp, '--from', fromText);
    const r = progress.step(`computing the blast radius of ${fromText}`, () => computeBlastRadius(dp, { from, ports, depth, critical, groupBy }));
    if (r.error) throw new CliError(`blast: ${r.error}`);
    if (json) {
      const groups = r.groups ? { groups: r.groups } : {};
      await writeJson({ reached: r.reached, exits: r.exits, critical: r.critical, ...groups, summary: { from: r.from, ports: r.ports, ...(depth !== undefined ? { depthLimit: depth } : {}), ...r.summary }, caveats: r.caveats }, stdoutWriter(io));
      return 0;
    }
    io.stdout(renderBlastText(r, useColor(io), depth));
    return 0;
  },
};

/**
 * The text answer: the summary, the reached endpoints (the first `maxRows` and every critical
 * asset after them, as the matrix's table), the exits and the critical assets.
 */
export function renderBlastText(r: BlastAnswer, color: boolean, depth?: number, maxRows = TEXT_ROWS): string {
  const out: string[] = [];
  const s = r.summary;
  out.push(`Blast radius of ${r.from.name} (${r.from.ip} in ${r.from.subnet}), ports ${r.ports === 'any' ? 'any' : r.ports.join(',')}${depth !== undefined ? `, depth <= ${depth}` : ''}:`);
  out.push(`  ${s.hosts} host(s), ${s.privateEndpoints} private endpoint(s), ${s.storageAccounts} storage account(s); exits: ${s.exits.length ? s.exits.join(', ') : 'none'}; deepest path ${s.maxDepth} hop(s).`);
  if (s.unmatchedSelectors.length) out.push(paint(`  --critical matched nothing: ${s.unmatchedSelectors.join(', ')}`, 'warn', color));
  let text = out.join('\n') + '\n';
  if (r.groups) text += renderGroups(r.groups, color, maxRows);
  else if (r.reached.length) {
    // As the matrix's table: the first maxRows rows, and every critical asset after them.
    const shown = r.reached.length <= maxRows ? r.reached : r.reached.filter((x, i) => i < maxRows || x.critical);
    text += '\n' + renderTable(
      [{ header: 'Depth', align: 'right' }, { header: 'Reached' }, { header: 'Kind' }, { header: 'Address' }, { header: 'Critical' }, { header: 'Shortest path' }],
      shown.map((x) => [String(x.depth), x.name, x.kind, x.ip ?? x.via ?? '', x.critical ? { text: x.critical, tone: 'bad' as const } : '', pathText(x.path)]),
      { color },
    );
    if (shown.length < r.reached.length) {
      text += `... ${shown.length.toLocaleString('en-US')} of ${r.reached.length.toLocaleString('en-US')} reached are shown (the first ${maxRows.toLocaleString('en-US')} and every critical asset); --json lists them all, --by vnet sums them up by VNet.\n`;
    }
  }
  if (r.exits.length) {
    text += '\nExits:\n' + renderTable(
      [{ header: 'Depth', align: 'right' }, { header: 'Exit' }, { header: 'Destinations' }, { header: 'Shortest path' }],
      r.exits.map((x) => [String(x.depth), x.kind, x.destinations.length ? x.destinations.join(', ') : x.target, pathText(x.path)]),
      { color },
    );
  }
  if (r.critical.length) text += `\n${paint(`Critical assets reached: ${r.critical.length}`, 'bad', color)} (${r.critical.map((c) => c.name).join(', ')})\n`;
  return text + renderCaveats(r.caveats, color);
}

/** The groups' table (--by), cut like the endpoints' table: the first `maxRows` and every group with a critical asset. */
function renderGroups(groups: BlastGroup[], color: boolean, maxRows: number): string {
  const shown = groups.length <= maxRows ? groups : groups.filter((g, i) => i < maxRows || g.critical > 0);
  const header = groups[0]?.kind === 'subnet' ? 'Subnet' : 'VNet';
  // A name two groups share (VNets of one name in two resource groups) is told apart by its resource group.
  const named = new Map<string, number>();
  for (const g of groups) named.set(g.name, (named.get(g.name) ?? 0) + 1);
  const label = (g: BlastGroup): string => {
    if (g.id === null) return `(${g.name})`;
    return (named.get(g.name) ?? 0) > 1 ? `${g.name} (${resourceGroupOf(g.id)})` : g.name;
  };
  let text = '\n' + renderTable(
    [{ header: 'Nearest', align: 'right' }, { header }, { header: 'Reached' }, { header: 'Critical', align: 'right' }, { header: 'Open on the last hop' }],
    shown.map((g) => [String(g.nearestDepth), label(g), reachedText(g), g.critical ? { text: String(g.critical), tone: 'bad' as const } : '', allowedText(g.open)]),
    { color },
  );
  if (shown.length < groups.length) {
    text += `... ${shown.length.toLocaleString('en-US')} of ${groups.length.toLocaleString('en-US')} groups are shown (the first ${maxRows.toLocaleString('en-US')} and every group with a critical asset); --json lists them all.\n`;
  }
  return text;
}

function reachedText(g: BlastGroup): string {
  const parts: string[] = [];
  if (g.hosts) parts.push(`${g.hosts.toLocaleString('en-US')} host${g.hosts === 1 ? '' : 's'}`);
  if (g.privateEndpoints) parts.push(`${g.privateEndpoints.toLocaleString('en-US')} private endpoint${g.privateEndpoints === 1 ? '' : 's'}`);
  if (g.storageAccounts) parts.push(`${g.storageAccounts.toLocaleString('en-US')} storage account${g.storageAccounts === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function resourceGroupOf(id: string): string {
  const m = /\/resourcegroups\/([^/]+)/i.exec(id);
  return m ? m[1] : id;
}
