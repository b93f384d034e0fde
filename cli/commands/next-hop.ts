// `ztpath next-hop PATHS --nic REF --dest IP [--source-ip IP]`: Network Watcher's next hop (rule
// book 13.2) from the NIC's subnet: {nextHopType, nextHopIpAddress, routeTableId}.

import { computeNextHop } from '../../core/index.ts';
import { type Command, EXIT_CODES_HELP, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG, requireFlag, stringFlag } from '../command.ts';
import { loadForCommand, shortName } from '../common.ts';
import { renderJson } from '../render/json.ts';
import { renderCaveats, useColor } from '../render/table.ts';
import { describeEndpoint, endpointForLocalIp, resolveNic } from '../resolve.ts';
import { parseIpFlag } from '../values.ts';

export const nextHopCommand: Command = {
  name: 'next-hop',
  summary: 'next hop from a NIC to a destination IP: {nextHopType, nextHopIpAddress, routeTableId}',
  usage: ['next-hop PATHS... --nic REF --dest IP [--source-ip IP] [--json]'],
  description: [
    'Longest prefix match over the effective routes of the NIC\'s subnet (user routes win ties).',
    '--source-ip picks which of the NIC\'s IPs (and so which subnet) the packet leaves from;',
    'by default its primary IP. routeTableId is the route table id for a user route, else',
    'the string "System Route"; nextHopIpAddress is null when the hop has no address.',
    '',
    ...EXIT_CODES_HELP,
  ],
  flags: [
    { name: 'nic', type: 'string', value: 'REF', description: 'the network interface (or VM, private endpoint) the packet leaves from' },
    { name: 'dest', type: 'string', value: 'IP', description: 'the destination IPv4 address' },
    { name: 'source-ip', type: 'string', value: 'IP', description: "which of the NIC's private IPs sends (default: its primary IP)" },
    SERVICE_TAGS_FLAG,
    JSON_FLAG,
    QUIET_FLAG,
  ],
  examples: ['next-hop examples/hub-spoke --nic vm-app01 --dest 8.8.8.8', 'next-hop examples/hub-spoke --nic vm-app01 --dest 10.2.1.4 --json'],
  async run(args, io) {
    const nicText = requireFlag(this, args, 'nic');
    const dest = parseIpFlag(this.name, '--dest', requireFlag(this, args, 'dest'));
    const srcText = stringFlag(args, 'source-ip');
    const source = srcText !== undefined ? parseIpFlag(this.name, '--source-ip', srcText) : undefined;
    const { dp, json } = await loadForCommand(this, args, io);
    const nic = resolveNic(dp, nicText);
    const e = source ? endpointForLocalIp(dp, nic, source.ipText, '--source-ip', nicText) : nic;
    const r = computeNextHop(dp, e.subnetId, dest.ip);
    if (json) {
      io.stdout(renderJson(r));
      return 0;
    }
    const color = useColor(io);
    const out: string[] = [];
    out.push(`Next hop ${r.nextHopType}${r.nextHopIpAddress ? ` ${r.nextHopIpAddress}` : ''} — ${r.routeTableId === 'System Route' ? 'System Route' : `route table ${shortName(r.routeTableId)}`}`);
    out.push(`From ${describeEndpoint(dp, e)} to ${dest.ipText}`);
    if (r.route) {
      const name = r.route.name ? `route ${r.route.name}, ` : '';
      const why = r.route.reason === 'longest-prefix' ? 'longest prefix match' : r.route.reason === 'system-over-bgp' ? 'system route preferred over a BGP route of the same prefix' : 'service endpoint route';
      out.push(`Matched: ${name}${r.route.addressPrefix} (source ${r.route.source}; ${why})`);
    } else {
      out.push('No route matches: the packet is dropped.');
    }
    io.stdout(out.join('\n') + '\n' + renderCaveats(r.caveats, color));
    return 0;
  },
};
