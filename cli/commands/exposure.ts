// `ztpath exposure PATHS [--from internet|onprem]`: every endpoint the internet (or on-premises) can
// open connections to, through which entry point, on which protocols and ports, from which sources;
// and the storage accounts whose public endpoint is open.

import { computeExposure, type ExposedItem } from '../../core/index.ts';
import { type Command, EXIT_CODES_HELP, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG, stringFlag } from '../command.ts';
import { loadForCommand } from '../common.ts';
import { usageError } from '../io.ts';
import { stdoutWriter, writeJson } from '../render/json.ts';
import { listCell, renderCaveats, renderTable, useColor } from '../render/table.ts';

function entryText(x: ExposedItem): string {
  const e = x.entry;
  switch (e.via) {
    case 'publicIp':
      return `public IP ${e.name}${e.publicIp ? ` (${e.publicIp})` : ''}`;
    case 'loadBalancerRule':
      return `LB rule ${e.name} ${e.publicIp ?? ''}:${e.frontendPort ?? '*'} -> ${e.backendPort ?? '*'}`;
    case 'inboundNatRule':
      // A pool-based (V2) NAT rule maps a frontend port range over the pool's members.
      return `NAT rule ${e.name} ${e.publicIp ?? ''}:${e.frontendPortRange ?? e.frontendPort ?? '*'} -> ${e.backendPort ?? '*'}`;
    case 'applicationGateway':
      return `App Gateway ${e.name} ${e.publicIp ?? ''}:${e.frontendPort ?? '*'} -> ${e.backendPort ?? '*'}`;
    case 'firewallDnat':
      return `firewall DNAT ${e.name} ${e.publicIp ?? ''}:${e.frontendPort ?? '*'} -> ${e.backendPort ?? '*'}`;
    case 'gateway':
      return `gateway ${e.name}`;
    case 'storagePublicEndpoint':
      return `public endpoint ${e.fqdn ?? e.name} (${e.rule ?? ''})`;
  }
}

export const exposureCommand: Command = {
  name: 'exposure',
  summary: 'what the internet (or on-premises) can reach: endpoints, entry points, protocols, ports, sources',
  usage: ['exposure PATHS... [--from internet|onprem] [--json]'],
  description: [
    'Every endpoint behind an entry point (instance public IP, load-balancing rule, inbound NAT rule,',
    'Application Gateway, Azure Firewall DNAT) is followed the way `trace --via-public-ip` follows it;',
    'the answer lists what gets through: per entry point the protocols, the ports the client uses',
    '(the frontend port where the entry point translates) and the client prefixes. Storage accounts',
    'whose public endpoint admits the clients are listed too. With --from onprem the clients are the',
    'local network gateways\' prefixes, entering through the VPN/ExpressRoute gateway.',
    '',
    'JSON: {"exposed": [{"resource", "name", "kind", "ip", "subnet", "entry": {...}, "allowed":',
    '[{"protocol", "ports", "sources", "anySource", "example"}]}], "caveats": []}.',
    'Exposure is a question, not a gate: it exits 0 whatever it finds.',
    '',
    ...EXIT_CODES_HELP,
  ],
  flags: [
    { name: 'from', type: 'string', value: 'internet|onprem', description: 'where the clients are: the internet (default) or on-premises (behind the gateways)' },
    SERVICE_TAGS_FLAG,
    JSON_FLAG,
    QUIET_FLAG,
  ],
  examples: ['exposure examples/hub-spoke', 'exposure examples/hub-spoke --from onprem --json'],
  async run(args, io) {
    const fromText = (stringFlag(args, 'from') ?? 'internet').trim().toLowerCase();
    const from = fromText === 'internet' ? 'internet' : fromText === 'onprem' || fromText === 'on-premises' || fromText === 'onpremises' ? 'onprem' : undefined;
    if (!from) throw usageError(this.name, `--from ${fromText}: expected internet or onprem`);
    const { dp, json, progress } = await loadForCommand(this, args, io);
    const r = progress.step(`computing exposure from ${from === 'internet' ? 'the internet' : 'on-premises'}`, () => computeExposure(dp, { from }));
    if (json) {
      await writeJson({ exposed: r.exposed, caveats: r.caveats }, stdoutWriter(io));
      return 0;
    }
    const color = useColor(io);
    const who = from === 'internet' ? 'the internet' : 'on-premises';
    if (r.exposed.length === 0) {
      io.stdout(`Nothing is reachable from ${who}.\n` + renderCaveats(r.caveats, color));
      return 0;
    }
    const rows = r.exposed.flatMap((x) =>
      x.allowed.map((a, i) => [
        i === 0 ? { text: x.name, tone: 'bold' as const } : '',
        i === 0 ? x.ip ?? '' : '',
        i === 0 ? entryText(x) : '',
        a.protocol,
        a.ports.length ? a.ports.join(', ') : '-',
        a.anySource && from === 'internet' ? { text: 'any (Internet)', tone: 'bad' as const } : listCell(a.sources, 4),
      ]),
    );
    const s = r.summary;
    const head = `Reachable from ${who}: ${s.endpoints} endpoint(s) through ${s.entries} entry point(s)${s.storageAccounts ? `, ${s.storageAccounts} storage account(s)` : ''}.\n`;
    io.stdout(head + renderTable([{ header: 'Endpoint' }, { header: 'IP' }, { header: 'Entry point' }, { header: 'Protocol' }, { header: 'Ports' }, { header: 'Sources' }], rows, { color }) + renderCaveats(r.caveats, color));
    return 0;
  },
};
