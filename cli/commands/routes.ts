// `ztpath routes PATHS --nic REF | --subnet VNET/SUBNET`: effective routes, Network Watcher shape
// (rule book 13.3; CONTRACT.md). Text mirrors the portal's "Effective routes" blade.

import { computeEffectiveRoutesView } from '../../core/index.ts';
import { type Command, EXIT_CODES_HELP, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG, stringFlag } from '../command.ts';
import { loadForCommand } from '../common.ts';
import { usageError } from '../io.ts';
import { renderJson } from '../render/json.ts';
import { listCell, renderCaveats, renderTable, useColor } from '../render/table.ts';
import { describeEndpoint, resolveNic, resolveSubnet, subnetLabel } from '../resolve.ts';

export const routesCommand: Command = {
  name: 'routes',
  summary: 'effective routes of a NIC or subnet (Network Watcher effectiveRouteTable shape)',
  usage: ['routes PATHS... --nic REF [--json]', 'routes PATHS... --subnet VNET/SUBNET [--json]'],
  description: [
    'REF is a NIC or VM name, a private endpoint, a resource id, or a private IP of the NIC.',
    'JSON: {"value": [{source, state, addressPrefix[], nextHopType, nextHopIpAddress[], name?}], "caveats": [...]}.',
    '',
    ...EXIT_CODES_HELP,
  ],
  flags: [
    { name: 'nic', type: 'string', value: 'REF', description: 'the network interface (or VM, private endpoint) whose routes to show' },
    { name: 'subnet', type: 'string', value: 'VNET/SUBNET', description: 'a subnet instead of a NIC (name as VNET/SUBNET, or its resource id)' },
    SERVICE_TAGS_FLAG,
    JSON_FLAG,
    QUIET_FLAG,
  ],
  examples: ['routes examples/hub-spoke --nic nic-vm-web01', 'routes examples/hub-spoke --subnet vnet-hub-weu/GatewaySubnet --json'],
  async run(args, io) {
    const nicText = stringFlag(args, 'nic');
    const subnetText = stringFlag(args, 'subnet');
    if (nicText === undefined && subnetText === undefined) throw usageError(this.name, 'missing required flag: --nic REF or --subnet VNET/SUBNET');
    if (nicText !== undefined && subnetText !== undefined) throw usageError(this.name, 'give either --nic or --subnet, not both');
    const { dp, json } = await loadForCommand(this, args, io);
    let subnetId: string;
    let title: string;
    if (nicText !== undefined) {
      const e = resolveNic(dp, nicText);
      subnetId = e.subnetId;
      title = `Effective routes of ${describeEndpoint(dp, e)}`;
    } else {
      subnetId = resolveSubnet(dp, subnetText!);
      title = `Effective routes of subnet ${subnetLabel(dp, subnetId)}`;
    }
    const view = computeEffectiveRoutesView(dp, subnetId);
    if (json) {
      io.stdout(renderJson(view));
      return 0;
    }
    const color = useColor(io);
    const rt = dp.snapshot.subnets.get(subnetId)?.routeTableId;
    const rtName = rt ? dp.snapshot.routeTables.get(rt)?.name ?? rt : undefined;
    const head = `${title}\nRoute table: ${rtName ?? '(none)'}${view.value[0]?.disableBgpRoutePropagation ? ' (gateway route propagation disabled)' : ''}\n\n`;
    const rows = view.value.map((r) => [
      r.source,
      { text: r.state, tone: r.state === 'Invalid' ? ('dim' as const) : undefined },
      listCell(r.addressPrefix),
      r.nextHopType,
      r.nextHopIpAddress.join(', '),
      r.name ?? '',
    ]);
    const table = renderTable(
      [{ header: 'Source' }, { header: 'State' }, { header: 'Address prefixes' }, { header: 'Next hop type' }, { header: 'Next hop IP' }, { header: 'User route name' }],
      rows,
      { color },
    );
    io.stdout(head + table + renderCaveats(view.caveats, color));
    return 0;
  },
};
