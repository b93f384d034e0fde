// `ztpath reach PATHS --from REF --to REF`: everything that gets from A to B, symbolically: per
// protocol the exact ports and, for outside sources, the source prefixes (CONTRACT.md "Paths").

import { computeReach, INTERNET_SET, setToCidrStrings } from '../../core/index.ts';
import { type Command, EXIT_CODES_HELP, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG, boolFlag, requireFlag, stringFlag } from '../command.ts';
import { loadForCommand } from '../common.ts';
import { CliError, usageError } from '../io.ts';
import { renderJson } from '../render/json.ts';
import { listCell, renderCaveats, renderTable, useColor } from '../render/table.ts';
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
  usage: ['reach PATHS... --from REF --to REF [--via-public-ip] [--endpoint SVC] [--fqdn NAME] [--gateway REF] [--json]'],
  description: [
    'Computed on sets of packets with the same semantics as trace (never port by port). Each part',
    'comes with an example flow; `ztpath trace` with that flow confirms it.',
    '',
    ...EXIT_CODES_HELP,
  ],
  flags: [FROM_FLAG, TO_FLAG, VIA_PUBLIC_IP_FLAG, ENDPOINT_FLAG, FQDN_FLAG, GATEWAY_FLAG, SERVICE_TAGS_FLAG, JSON_FLAG, QUIET_FLAG],
  examples: ['reach examples/hub-spoke --from vm-app01 --to vm-sql01', 'reach examples/hub-spoke --from internet --to vm-legacy01 --via-public-ip --json'],
  async run(args, io) {
    const fromText = requireFlag(this, args, 'from');
    const toText = requireFlag(this, args, 'to');
    const endpoint = stringFlag(args, 'endpoint');
    if (endpoint !== undefined && !STORAGE_ENDPOINTS.includes(endpoint.toLowerCase())) throw usageError(this.name, `--endpoint ${endpoint}: expected one of ${STORAGE_ENDPOINTS.join(', ')}`);
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
    const rows = r.allowed.map((p) => [p.protocol, p.ports.length ? p.ports.join(', ') : '-', sourcesText(p.sources), p.via ?? '', `${p.example.src} -> ${p.example.dst}${p.example.dstPort !== undefined ? `:${p.example.dstPort}` : ''}`]);
    io.stdout(`From ${fromText} to ${toText}:\n` + renderTable([{ header: 'Protocol' }, { header: 'Ports' }, { header: 'Sources' }, { header: 'Via' }, { header: 'Example' }], rows, { color }) + renderCaveats(r.caveats, color));
    return 0;
  },
};
