// `ztpath rules PATHS --nic REF`: effective security rules, in the shape of
// NetworkInterfaces_ListEffectiveNetworkSecurityGroups (rule book 13.4; CONTRACT.md).

import type { EffectiveSecurityRuleView } from '../../core/index.ts';
import { computeEffectiveSecurityRulesView } from '../../core/index.ts';
import { type Command, EXIT_CODES_HELP, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG, requireFlag } from '../command.ts';
import { loadForCommand, shortName } from '../common.ts';
import { renderJson } from '../render/json.ts';
import { accessTone, listCell, paint, renderCaveats, renderTable, useColor } from '../render/table.ts';
import { describeEndpoint, resolveNic } from '../resolve.ts';

function one(single: string | undefined, many: string[] | undefined): string {
  return single ?? listCell(many ?? [], 8);
}

export const rulesCommand: Command = {
  name: 'rules',
  summary: 'effective security rules of a NIC (Network Watcher effectiveNetworkSecurityGroups shape)',
  usage: ['rules PATHS... --nic REF [--json]'],
  description: [
    'One entry per NSG that applies (the NIC\'s, then the subnet\'s), rules in priority order,',
    'default rules included; ports as 0-65535 ranges, protocol All for *.',
    'JSON: {"value": [{networkSecurityGroup: {id}, association: {subnet|networkInterface: {id}},',
    '       effectiveSecurityRules: [...]}], "caveats": [...]}.',
    '',
    ...EXIT_CODES_HELP,
  ],
  flags: [
    { name: 'nic', type: 'string', value: 'REF', description: 'the network interface (or VM, private endpoint): name, resource id or private IP' },
    SERVICE_TAGS_FLAG,
    JSON_FLAG,
    QUIET_FLAG,
  ],
  examples: ['rules examples/hub-spoke --nic vm-web01', 'rules examples/hub-spoke --nic 10.1.1.4 --json'],
  async run(args, io) {
    const nicText = requireFlag(this, args, 'nic');
    const { dp, json } = await loadForCommand(this, args, io);
    const e = resolveNic(dp, nicText);
    const view = computeEffectiveSecurityRulesView(dp, e);
    if (json) {
      io.stdout(renderJson(view));
      return 0;
    }
    const color = useColor(io);
    const out: string[] = [`Effective security rules of ${describeEndpoint(dp, e)}`];
    if (!view.value.length) {
      const subnetNsg = dp.snapshot.subnets.get(e.subnetId)?.nsgId;
      if (e.kind === 'privateEndpoint' && subnetNsg) {
        const policy = dp.snapshot.subnets.get(e.subnetId)?.privateEndpointNetworkPolicies ?? 'Disabled';
        out.push('', `No network security group applies: the subnet's NSG ${dp.snapshot.networkSecurityGroups.get(subnetNsg)?.name ?? subnetNsg} is ignored for private endpoints because the subnet's privateEndpointNetworkPolicies is ${policy} (rule 11.4).`);
      } else {
        out.push('', 'No network security group applies (neither the NIC nor its subnet has one): NSGs allow all traffic here.');
      }
    }
    for (const nsg of view.value) {
      const assoc = nsg.association.networkInterface ? `network interface ${shortName(nsg.association.networkInterface.id)}` : `subnet ${shortName(nsg.association.subnet?.id)}`;
      out.push('', `${paint(`NSG ${shortName(nsg.networkSecurityGroup.id)}`, 'bold', color)} (associated with ${assoc})`);
      const rows = nsg.effectiveSecurityRules.map((r: EffectiveSecurityRuleView) => [
        String(r.priority),
        r.name,
        r.direction,
        { text: r.access, tone: accessTone(r.access) },
        r.protocol,
        one(r.sourceAddressPrefix, r.sourceAddressPrefixes),
        one(r.sourcePortRange, r.sourcePortRanges),
        one(r.destinationAddressPrefix, r.destinationAddressPrefixes),
        one(r.destinationPortRange, r.destinationPortRanges),
      ]);
      out.push(
        renderTable(
          [
            { header: 'Priority', align: 'right' },
            { header: 'Name' },
            { header: 'Direction' },
            { header: 'Access' },
            { header: 'Protocol' },
            { header: 'Source' },
            { header: 'Source ports' },
            { header: 'Destination' },
            { header: 'Dest ports' },
          ],
          rows,
          { color, indent: '  ' },
        ).trimEnd(),
      );
    }
    io.stdout(out.join('\n') + '\n' + renderCaveats(view.caveats, color));
    return 0;
  },
};
