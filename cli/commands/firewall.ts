// `ztpath firewall PATHS --firewall REF --source IP (--dest IP | --fqdn NAME) --protocol TCP|UDP
// --port N`: one Azure Firewall decision (rule book 12; CONTRACT.md).

import { evaluateFirewall, parseIPv4, type AzureFirewall, type DataPlane } from '../../core/index.ts';
import { type Command, EXIT_CODES_HELP, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG, boolFlag, requireFlag, stringFlag } from '../command.ts';
import { loadForCommand } from '../common.ts';
import { CliError, usageError } from '../io.ts';
import { renderJson } from '../render/json.ts';
import { paint, useColor } from '../render/table.ts';
import { parseIpFlag, parsePortText } from '../values.ts';

function findFirewall(dp: DataPlane, text: string): AzureFirewall {
  const t = text.trim().toLowerCase();
  const all = [...dp.snapshot.azureFirewalls.values()];
  const hits = all.filter((f) => f.id === t || f.name.toLowerCase() === t || f.ipConfigurations.some((c) => c.privateIp === text.trim()));
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) throw new CliError(`--firewall ${text}: names several firewalls; use a resource id`, { details: hits.map((h) => `  ${h.displayId}`) });
  throw new CliError(`--firewall ${text}: no Azure Firewall with that id, name or private IP`, { details: all.length ? ['firewalls in the input:', ...all.map((f) => `  ${f.name}`)] : ['the input has no Azure Firewall'] });
}

export const firewallCommand: Command = {
  name: 'firewall',
  summary: 'one Azure Firewall decision: {action, rule, ruleCollection, ruleCollectionGroup, ruleType}',
  usage: ['firewall PATHS... --firewall REF --source IP (--dest IP | --fqdn NAME) --protocol TCP|UDP|ICMP --port N [--dnat] [--json]'],
  description: [
    'Rule processing as Azure documents it: the parent policy before the child, rule collection',
    'groups and collections by priority, DNAT (with --dnat: traffic to the firewall public IP), then',
    'network rules, then application rules (HTTP/HTTPS/MSSQL by FQDN), then deny by default.',
    '',
    ...EXIT_CODES_HELP,
  ],
  flags: [
    { name: 'firewall', type: 'string', value: 'REF', description: 'the Azure Firewall: resource id, name or private IP' },
    { name: 'source', type: 'string', value: 'IP', description: 'source address' },
    { name: 'dest', type: 'string', value: 'IP', description: 'destination address' },
    { name: 'fqdn', type: 'string', value: 'NAME', description: 'destination FQDN (application rules; with no --dest an example public address is used for network rules)' },
    { name: 'protocol', type: 'string', value: 'PROTO', description: 'TCP, UDP or ICMP' },
    { name: 'port', type: 'string', value: 'N', description: 'destination port' },
    { name: 'dnat', type: 'boolean', description: 'the packet is addressed to the firewall public IP (--dest), so DNAT rules apply' },
    SERVICE_TAGS_FLAG,
    JSON_FLAG,
    QUIET_FLAG,
  ],
  examples: ['firewall examples/hub-spoke --firewall afw-hub-weu --source 10.2.1.4 --fqdn api.github.com --protocol TCP --port 443'],
  async run(args, io) {
    const fwText = requireFlag(this, args, 'firewall');
    const source = parseIpFlag(this.name, '--source', requireFlag(this, args, 'source'));
    const destText = stringFlag(args, 'dest');
    const fqdn = stringFlag(args, 'fqdn');
    if (!destText && !fqdn) throw usageError(this.name, 'give --dest IP or --fqdn NAME');
    const dest = destText ? parseIpFlag(this.name, '--dest', destText) : { ip: parseIPv4('203.0.113.1')!, ipText: '203.0.113.1' };
    const protoText = requireFlag(this, args, 'protocol').trim().toUpperCase();
    const protocol = protoText === 'TCP' ? 6 : protoText === 'UDP' ? 17 : protoText === 'ICMP' ? 1 : undefined;
    if (protocol === undefined) throw usageError(this.name, `--protocol ${protoText}: expected TCP, UDP or ICMP`);
    const portText = stringFlag(args, 'port');
    if (protocol !== 1 && portText === undefined) throw usageError(this.name, '--port is required for TCP and UDP');
    const port = portText !== undefined ? parsePortText(this.name, '--port', portText) : 0;
    const { dp, json } = await loadForCommand(this, args, io);
    const fw = findFirewall(dp, fwText);
    const d = evaluateFirewall(dp, fw, { protocol, src: source.ip, srcPort: 49152, dst: dest.ip, dstPort: port }, { fqdn, toPublicIp: boolFlag(args, 'dnat') });
    const out = {
      action: d.action,
      rule: d.rule ?? null,
      ruleCollection: d.ruleCollection ?? null,
      ruleCollectionGroup: d.ruleCollectionGroup ?? null,
      ruleType: d.ruleType,
      ...(d.translated ? { translated: { ip: `${(d.translated.ip >>> 24) & 255}.${(d.translated.ip >>> 16) & 255}.${(d.translated.ip >>> 8) & 255}.${d.translated.ip & 255}`, port: d.translated.port ?? null } } : {}),
      notes: d.notes,
    };
    if (json) {
      io.stdout(renderJson(out));
      return 0;
    }
    const color = useColor(io);
    const where = d.rule ? `${d.ruleType} rule ${d.rule} in ${d.ruleCollection} / ${d.ruleCollectionGroup}` : 'no rule matched: deny by default';
    io.stdout(`${paint(d.action, d.action === 'Allow' ? 'good' : 'bad', color)} — ${where}\n` + d.notes.map((n) => `  note: ${n}\n`).join(''));
    return 0;
  },
};
