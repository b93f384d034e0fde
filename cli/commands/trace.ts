// `ztpath trace PATHS --from REF --to REF --protocol Tcp|Udp|Icmp [--port N] [--src-port N]
// [--via-public-ip] [--endpoint SVC]`: one flow end to end, hop by hop (CONTRACT.md "Paths").

import { traceFlow } from '../../core/index.ts';
import { type Command, EXIT_CODES_HELP, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG, boolFlag, requireFlag, stringFlag } from '../command.ts';
import { loadForCommand } from '../common.ts';
import { CliError, usageError } from '../io.ts';
import { renderJson } from '../render/json.ts';
import { useColor } from '../render/table.ts';
import { renderTraceText } from '../render/trace-text.ts';
import { resolveOrFail } from '../resolve.ts';
import { parsePortText } from '../values.ts';
import { ENDPOINT_FLAG, FQDN_FLAG, FROM_FLAG, GATEWAY_FLAG, gatewayOf, STORAGE_ENDPOINTS, TO_FLAG, VIA_PUBLIC_IP_FLAG } from './path-flags.ts';

const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1 };

export const traceCommand: Command = {
  name: 'trace',
  summary: 'one flow end to end: disposition, every hop, and the rule or route that decided each step',
  usage: ['trace PATHS... --from REF --to REF --protocol Tcp|Udp|Icmp [--port N] [--src-port N] [--via-public-ip] [--endpoint SVC] [--fqdn NAME] [--gateway REF] [--json]'],
  description: [
    'Follows the packet the way Azure forwards it: the source NIC\'s outbound NSGs (NIC, then subnet),',
    'the effective route, peerings, virtual appliances, Azure Firewall, gateways, entry points',
    '(--via-public-ip), PaaS firewalls, and the destination\'s inbound NSGs (subnet, then NIC).',
    'Answers are about who can open a connection; replies of an allowed connection are allowed.',
    'A blocked flow names the step that blocked it and what would have to change.',
    '',
    ...EXIT_CODES_HELP,
  ],
  flags: [
    FROM_FLAG,
    TO_FLAG,
    { name: 'protocol', type: 'string', value: 'PROTO', description: 'Tcp, Udp or Icmp' },
    { name: 'port', type: 'string', value: 'N', description: 'destination port (Tcp and Udp)' },
    { name: 'src-port', type: 'string', value: 'N', description: 'source port (default 49152)' },
    VIA_PUBLIC_IP_FLAG,
    ENDPOINT_FLAG,
    FQDN_FLAG,
    GATEWAY_FLAG,
    SERVICE_TAGS_FLAG,
    JSON_FLAG,
    QUIET_FLAG,
  ],
  examples: [
    'trace examples/hub-spoke --from vm-web01 --to 10.2.1.100 --protocol Tcp --port 8443',
    'trace examples/hub-spoke --from internet --to vm-jump01 --protocol Tcp --port 3389 --via-public-ip',
    'trace examples/hub-spoke --from vm-app01 --to stdataweu01 --protocol Tcp --port 443 --json',
  ],
  async run(args, io) {
    const fromText = requireFlag(this, args, 'from');
    const toText = requireFlag(this, args, 'to');
    const protoText = requireFlag(this, args, 'protocol');
    const protocol = PROTOCOLS[protoText.trim().toLowerCase()];
    if (protocol === undefined) throw usageError(this.name, `--protocol ${protoText}: expected Tcp, Udp or Icmp`);
    const portText = stringFlag(args, 'port');
    if ((protocol === 6 || protocol === 17) && portText === undefined) throw usageError(this.name, '--port is required for Tcp and Udp');
    // Ports belong to Tcp and Udp: a port given with Icmp would be dropped without a word.
    if (protocol !== 6 && protocol !== 17 && (portText !== undefined || stringFlag(args, 'src-port') !== undefined)) throw usageError(this.name, `--port and --src-port apply to Tcp and Udp only, not ${protoText}`);
    const dstPort = portText !== undefined ? parsePortText(this.name, '--port', portText) : undefined;
    const srcPortText = stringFlag(args, 'src-port');
    const srcPort = srcPortText !== undefined ? parsePortText(this.name, '--src-port', srcPortText) : undefined;
    const endpoint = stringFlag(args, 'endpoint');
    if (endpoint !== undefined && !STORAGE_ENDPOINTS.includes(endpoint.toLowerCase())) throw usageError(this.name, `--endpoint ${endpoint}: expected one of ${STORAGE_ENDPOINTS.join(', ')}`);
    const { dp, json } = await loadForCommand(this, args, io);
    const from = resolveOrFail(dp, '--from', fromText);
    const to = resolveOrFail(dp, '--to', toText);
    const gatewayId = gatewayOf(dp, this.name, args, from);
    const r = traceFlow(dp, { from, to, ...(gatewayId ? { gatewayId } : {}), protocol, dstPort, srcPort, viaPublicIp: boolFlag(args, 'via-public-ip'), endpoint: endpoint?.toLowerCase(), fqdn: stringFlag(args, 'fqdn') });
    if (!r.ok) throw new CliError(`trace: ${r.error}`);
    io.stdout(json ? renderJson(r.trace) : renderTraceText(r.trace, useColor(io), r.alternatives));
    return 0;
  },
};
