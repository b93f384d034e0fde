// `ztpath reach PATHS --from REF --to REF`: everything that gets from A to B, symbolically: per
// protocol the exact ports and, for outside sources, the source prefixes (CONTRACT.md "Paths").
// Without --from, everything that can reach B at all (core/analysis/reach-into.ts).

import { computeReach, computeReachInto, INTERNET_SET, setToCidrStrings, type ReachIntoAnswer, type ReachPart } from '../../core/index.ts';
import { type Command, EXIT_CODES_HELP, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG, boolFlag, requireFlag, stringFlag } from '../command.ts';
import { loadForCommand } from '../common.ts';
import { CliError, usageError } from '../io.ts';
import { renderJson } from '../render/json.ts';
import { allowedText, listCell, paint, renderCaveats, renderTable, TEXT_ROWS, useColor } from '../render/table.ts';
import { resolveOrFail } from '../resolve.ts';
import { ENDPOINT_FLAG, FQDN_FLAG, FROM_FLAG, GATEWAY_FLAG, gatewayOf, STORAGE_ENDPOINTS, TO_FLAG, VIA_PUBLIC_IP_FLAG } from './path-flags.ts';

/** Sources that cover all public space read better as one word in text output. */
function sourcesText(sources: string[]): string {
  const internet = setToCidrStrings(INTERNET_SET);
  if (sources.length > 20 && internet.filter((c) => !sources.includes(c)).length <= 2) return 'Internet (all public addresses)';
  return listCell(sources, 4);
}

export const reachCommand: Command = {
  name: 'reach',
  summary: 'all the traffic that gets from A to B: protocols, exact ports and source prefixes, with examples',
  usage: ['reach PATHS... --from REF --to REF [--via-public-ip] [--endpoint SVC] [--fqdn NAME] [--gateway REF] [--json]', 'reach PATHS... --to REF [--endpoint SVC] [--fqdn NAME] [--json]'],
  description: [
    'Computed on sets of packets with the same semantics as trace (never port by port). Each part',
    'comes with an example flow; `ztpath trace` with that flow confirms it.',
    '',
    'Without --from: everything that can reach REF, from every NIC of the estate (one row per subnet',
    'and what its NICs can open, the NICs named), the internet (through public entry points) and',
    'each on-premises site. NICs that no rule, route or tag tells apart are asked once for all.',
    'JSON: {"to", "rows": [{"from": {"kind", "name", "id"}, "endpoints", "allowed": [{"protocol",',
    '"ports"}], "parts", "example"}], "summary": {"hosts", "subnets", "internet", "onPremises", "classes"},',
    '"caveats"}. The text shows the first 10,000 rows.',
    '',
    ...EXIT_CODES_HELP,
  ],
  flags: [{ ...FROM_FLAG, description: `${FROM_FLAG.description}; without it, every source` }, TO_FLAG, VIA_PUBLIC_IP_FLAG, ENDPOINT_FLAG, FQDN_FLAG, GATEWAY_FLAG, SERVICE_TAGS_FLAG, JSON_FLAG, QUIET_FLAG],
  examples: ['reach examples/hub-spoke --from vm-app01 --to vm-sql01', 'reach examples/hub-spoke --from internet --to vm-legacy01 --via-public-ip --json', 'reach examples/hub-spoke --to vm-sql01'],
  async run(args, io) {
    const fromText = stringFlag(args, 'from');
    const toText = requireFlag(this, args, 'to');
    const endpoint = stringFlag(args, 'endpoint');
    if (endpoint !== undefined && !STORAGE_ENDPOINTS.includes(endpoint.toLowerCase())) throw usageError(this.name, `--endpoint ${endpoint}: expected one of ${STORAGE_ENDPOINTS.join(', ')}`);
    if (fromText === undefined) {
      // Every source: the flags that name how one source enters do not apply.
      for (const f of ['gateway', 'via-public-ip']) if (args.values[f] !== undefined) throw usageError(this.name, `--${f} needs --from (without it, every source is asked: the internet through its public entry points, each on-premises site through its gateways)`);
      const { dp, json, progress } = await loadForCommand(this, args, io);
      const to = resolveOrFail(dp, '--to', toText);
      const r = progress.step(`computing what can reach ${toText}`, () => computeReachInto(dp, to, { endpoint: endpoint?.toLowerCase(), fqdn: stringFlag(args, 'fqdn') }));
      if (r.error) throw new CliError(`reach: ${r.error}`);
      if (json) io.stdout(renderJson({ to: toText, rows: r.rows, summary: r.summary, caveats: r.caveats }));
      else io.stdout(renderReachIntoText(r, toText, useColor(io)));
      return 0;
    }
    const { dp, json } = await loadForCommand(this, args, io);
    const from = resolveOrFail(dp, '--from', fromText);
    const to = resolveOrFail(dp, '--to', toText);
    const gatewayId = gatewayOf(dp, this.name, args, from);
    const r = computeReach(dp, { from, to, ...(gatewayId ? { gatewayId } : {}), viaPublicIp: boolFlag(args, 'via-public-ip'), endpoint: endpoint?.toLowerCase(), fqdn: stringFlag(args, 'fqdn') });
    if (r.error) throw new CliError(`reach: ${r.error}`);
    if (json) {
      io.stdout(renderJson({ allowed: r.allowed, caveats: r.caveats }));
      return 0;
    }
    const color = useColor(io);
    if (r.allowed.length === 0) {
      io.stdout(`Nothing gets from ${fromText} to ${toText}.\n` + renderCaveats(r.caveats, color));
      return 0;
    }
    const rows = r.allowed.map((p) => [p.protocol, portsCell(p), sourcesText(p.sources), p.via ?? '', `${p.example.src}${p.example.srcPort !== undefined ? `:${p.example.srcPort}` : ''} -> ${p.example.dst}${p.example.dstPort !== undefined ? `:${p.example.dstPort}` : ''}`]);
    io.stdout(`From ${fromText} to ${toText}:\n` + renderTable([{ header: 'Protocol' }, { header: 'Ports' }, { header: 'Sources' }, { header: 'Via' }, { header: 'Example' }], rows, { color }) + renderCaveats(r.caveats, color));
    return 0;
  },
};

/** Destination ports, and the source ports when a rule admits only some (rule 1.7). */
function portsCell(p: ReachPart): string {
  const ports = p.ports.length ? p.ports.join(', ') : '-';
  return p.sourcePorts ? `${ports} (from source ports ${p.sourcePorts.join(', ')})` : ports;
}

/** `reach --to REF` in text: a line of totals, then one row per source group (the first TEXT_ROWS). */
export function renderReachIntoText(r: ReachIntoAnswer, toText: string, color: boolean, maxRows = TEXT_ROWS): string {
  const s = r.summary;
  let text = `What can reach ${toText}: ${s.hosts} host(s) in ${s.subnets} subnet(s); the internet: ${s.internet ? 'yes' : 'no'}; on-premises sites: ${s.onPremises}.\n`;
  if (!r.rows.length) return text + renderCaveats(r.caveats, color);
  const shown = r.rows.slice(0, maxRows);
  const who = (x: ReachIntoAnswer['rows'][number]) => (x.endpoints ? listCell(x.endpoints, 3) : x.parts ? sourcesText([...new Set(x.parts.flatMap((p) => p.sources))]) : '');
  text += '\n' + renderTable(
    [{ header: 'From' }, { header: 'Sources' }, { header: 'Open to it' }, { header: 'Example' }],
    shown.map((x) => [x.from.kind === 'subnet' ? x.from.name : { text: x.from.kind === 'internet' ? 'internet' : `on-premises (${x.from.name})`, tone: 'warn' as const }, who(x), allowedText(x.allowed), `${x.example.src} -> ${x.example.dst}${x.example.dstPort !== undefined ? `:${x.example.dstPort}` : ''}`]),
    { color },
  );
  if (shown.length < r.rows.length) text += paint(`... ${shown.length.toLocaleString('en-US')} of ${r.rows.length.toLocaleString('en-US')} rows are shown; --json lists them all.`, 'dim', color) + '\n';
  return text + renderCaveats(r.caveats, color);
}
