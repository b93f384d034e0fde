// `ztpath verify PATHS --nic REF --direction D --protocol P --local IP:PORT --remote IP:PORT`:
// Network Watcher's IP flow verify (rule book 13.1): {access, ruleName, nsg} plus every NSG that was
// evaluated. Allow and Deny both exit 0: it answers a question, it is not a policy gate.

import { verifyIpFlow } from '../../core/index.ts';
import { type Command, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG, requireFlag } from '../command.ts';
import { loadForCommand, shortName } from '../common.ts';
import { renderJson } from '../render/json.ts';
import { accessTone, paint, renderCaveats, useColor } from '../render/table.ts';
import { describeEndpoint, endpointForLocalIp, resolveNic } from '../resolve.ts';
import { parseDirectionFlag, parseIpPortFlag, parseTcpUdpFlag } from '../values.ts';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'IP flow verify: would the NSGs allow this 5-tuple at this NIC? {access, ruleName, nsg}',
  usage: ['verify PATHS... --nic REF --direction Inbound|Outbound --protocol TCP|UDP --local IP:PORT --remote IP:PORT [--json]'],
  description: [
    'Evaluates the subnet NSG then the NIC NSG inbound, the NIC NSG then the subnet NSG outbound;',
    'the first deny decides. --local is the NIC side of the flow and must be one of its private IPs.',
    'Direction and protocol are case-insensitive.',
    'JSON: {"access": "Allow|Deny", "ruleName": "securityRules/NAME", "nsg": "deciding NSG id",',
    '       "evaluated": [{nsg, side, ruleName, access}], "caveats": [...]}.',
    '',
    'Exit codes: 0 for both Allow and Deny (a question, not a gate); 2 usage or input error (a',
    'missing path, no resources in the input, an unknown or ambiguous REF, a --local that is not',
    "one of the NIC's IPs, a bad flag value).",
  ],
  flags: [
    { name: 'nic', type: 'string', value: 'REF', description: 'the network interface (or VM, private endpoint) the flow is checked at' },
    { name: 'direction', type: 'string', value: 'Inbound|Outbound', description: 'Inbound: remote -> local; Outbound: local -> remote' },
    { name: 'protocol', type: 'string', value: 'TCP|UDP', description: 'the protocol (IP flow verify tests TCP and UDP only)' },
    { name: 'local', type: 'string', value: 'IP:PORT', description: "the NIC's address and port" },
    { name: 'remote', type: 'string', value: 'IP:PORT', description: 'the other end: any address and port' },
    SERVICE_TAGS_FLAG,
    JSON_FLAG,
    QUIET_FLAG,
  ],
  examples: [
    'verify examples/hub-spoke --nic vm-jump01 --direction Inbound --protocol TCP --local 10.0.3.4:3389 --remote 198.51.100.7:50123',
    'verify examples/hub-spoke --nic vm-web01 --direction outbound --protocol tcp --local 10.1.1.4:50000 --remote 10.3.1.4:1433 --json',
  ],
  async run(args, io) {
    const nicText = requireFlag(this, args, 'nic');
    const direction = parseDirectionFlag(this.name, requireFlag(this, args, 'direction'));
    const protocol = parseTcpUdpFlag(this.name, requireFlag(this, args, 'protocol'));
    const local = parseIpPortFlag(this.name, '--local', requireFlag(this, args, 'local'));
    const remote = parseIpPortFlag(this.name, '--remote', requireFlag(this, args, 'remote'));
    const { dp, json } = await loadForCommand(this, args, io);
    const nic = resolveNic(dp, nicText);
    const e = endpointForLocalIp(dp, nic, local.ipText, '--local', nicText);
    const r = verifyIpFlow(dp, e, { direction, protocol: protocol.number, localIp: local.ip, localPort: local.port, remoteIp: remote.ip, remotePort: remote.port });
    if (json) {
      io.stdout(renderJson(r));
      return 0;
    }
    const color = useColor(io);
    const access = paint(r.access, accessTone(r.access), color);
    const last = r.evaluated[r.evaluated.length - 1];
    const out: string[] = [];
    out.push(last ? `Access ${access} — ${r.ruleName} in ${shortName(r.nsg)} (${last.side})` : `Access ${access} — no network security group applies at the NIC or its subnet`);
    const arrow = direction === 'Inbound' ? `${remote.ipText}:${remote.port} -> ${local.ipText}:${local.port}` : `${local.ipText}:${local.port} -> ${remote.ipText}:${remote.port}`;
    out.push(`Flow: ${direction} ${protocol.name} ${arrow} at ${describeEndpoint(dp, e)}`);
    if (r.evaluated.length) {
      out.push('NSGs evaluated, in order:');
      r.evaluated.forEach((s, i) => out.push(`  ${i + 1}. ${shortName(s.nsg)} (${s.side}): ${paint(s.access, accessTone(s.access), color)} by ${s.ruleName}`));
      if (r.access === 'Deny' && last.access === 'Deny' && r.evaluated.length === 1) {
        const other = direction === 'Inbound' ? 'the NIC NSG' : 'the subnet NSG';
        const hasOther = direction === 'Inbound' ? Boolean(e.kind === 'nic' && dp.snapshot.networkInterfaces.get(e.nicId)?.nsgId) : Boolean(dp.snapshot.subnets.get(e.subnetId)?.nsgId);
        if (hasOther) out.push(`  (${other} was not evaluated: the first deny ends it)`);
      }
    }
    io.stdout(out.join('\n') + '\n' + renderCaveats(r.caveats, color));
    return 0;
  },
};
