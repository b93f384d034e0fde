// The Network Watcher verbs on a small hand-written estate (test/cli/fixtures/small): a VNet with
// snet-front (nsg-front, rt-front: 0.0.0.0/0 -> VirtualAppliance 10.10.2.4) and snet-back (no NSG),
// nic-front01 (10.10.1.4 + 10.10.1.5, VM vm-front01), nic-nva01 (10.10.2.4) and two NICs both
// named nic-batch. JSON shapes exactly as CONTRACT.md; answers checked against the rule book.

import { describe, expect, it } from 'vitest';
import { SMALL, STACK_LINE, run, runJson } from './helpers.ts';

const SUB = '/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg-cli/providers/Microsoft.Network';
const NSG = `${SUB}/networkSecurityGroups/nsg-front`;
const RT = `${SUB}/routeTables/rt-front`;

const ROUTE_SOURCES = ['Default', 'User', 'VirtualNetworkGateway'];
const NEXT_HOP_TYPES = ['VnetLocal', 'VNetPeering', 'VirtualNetworkGateway', 'VirtualAppliance', 'Internet', 'None', 'VirtualNetworkServiceEndpoint', 'InterfaceEndpoint'];

interface RouteJson {
  source: string;
  state: string;
  addressPrefix: string[];
  nextHopType: string;
  nextHopIpAddress: string[];
  name?: string;
}

function expectRouteShape(r: RouteJson): void {
  expect(ROUTE_SOURCES).toContain(r.source);
  expect(['Active', 'Invalid']).toContain(r.state);
  expect(Array.isArray(r.addressPrefix) && r.addressPrefix.every((p) => typeof p === 'string')).toBe(true);
  expect(NEXT_HOP_TYPES).toContain(r.nextHopType);
  expect(Array.isArray(r.nextHopIpAddress) && r.nextHopIpAddress.every((p) => typeof p === 'string')).toBe(true);
  if (r.source === 'User') expect(typeof r.name).toBe('string');
}

describe('routes', () => {
  it('--nic: Network Watcher effective routes shape, user 0.0.0.0/0 overrides the Internet route', async () => {
    const { json } = await runJson<{ value: RouteJson[]; caveats: { code: string; message: string }[] }>(['routes', SMALL, '--nic', 'nic-front01']);
    expect(Object.keys(json).sort()).toEqual(['caveats', 'value']);
    json.value.forEach(expectRouteShape);
    const pick = (r: RouteJson) => ({ source: r.source, state: r.state, addressPrefix: r.addressPrefix, nextHopType: r.nextHopType, nextHopIpAddress: r.nextHopIpAddress, name: r.name });
    expect(json.value.map(pick)).toEqual([
      { source: 'Default', state: 'Active', addressPrefix: ['10.10.0.0/16'], nextHopType: 'VnetLocal', nextHopIpAddress: [], name: undefined },
      { source: 'Default', state: 'Invalid', addressPrefix: ['0.0.0.0/0'], nextHopType: 'Internet', nextHopIpAddress: [], name: undefined },
      { source: 'User', state: 'Active', addressPrefix: ['0.0.0.0/0'], nextHopType: 'VirtualAppliance', nextHopIpAddress: ['10.10.2.4'], name: 'default-to-nva' },
    ]);
    // Rule 7.5: the reserved None routes vanish under a 0.0.0.0/0 UDR, and the answer says so.
    expect(json.caveats.map((c) => c.code)).toContain('route.0-0-removes-reserved');
  });

  it('--subnet VNET/SUBNET, a VM name and a private IP all give the same table as the NIC', async () => {
    const byNic = (await run(['routes', SMALL, '--nic', 'nic-front01', '--json'])).stdout;
    for (const argv of [['--subnet', 'vnet-cli/snet-front'], ['--nic', 'vm-front01'], ['--nic', '10.10.1.4'], ['--nic', `${SUB}/networkInterfaces/NIC-FRONT01`]]) {
      const r = await run(['routes', SMALL, ...argv, '--json']);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.stdout).toBe(byNic);
    }
  });

  it('a subnet without a route table keeps the reserved None routes and the Internet route', async () => {
    const { json } = await runJson<{ value: RouteJson[] }>(['routes', SMALL, '--subnet', 'vnet-cli/snet-back']);
    json.value.forEach(expectRouteShape);
    const active = json.value.filter((r) => r.state === 'Active').map((r) => `${r.addressPrefix.join(',')} ${r.nextHopType}`);
    expect(active).toEqual(expect.arrayContaining(['10.10.0.0/16 VnetLocal', '0.0.0.0/0 Internet', '10.0.0.0/8 None', '192.168.0.0/16 None', '100.64.0.0/10 None']));
  });

  it('text output is a portal-like table', async () => {
    const r = await run(['routes', SMALL, '--nic', 'nic-front01']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Source +State +Address prefixes +Next hop type +Next hop IP +User route name$/m);
    expect(r.stdout).toMatch(/^User +Active +0\.0\.0\.0\/0 +VirtualAppliance +10\.10\.2\.4 +default-to-nva$/m);
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('--nic and --subnet together is a usage error', async () => {
    const r = await run(['routes', SMALL, '--nic', 'nic-front01', '--subnet', 'vnet-cli/snet-front']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('either --nic or --subnet');
  });
});

interface RuleJson {
  name: string;
  protocol: string;
  direction: string;
  priority: number;
  access: string;
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
  expandedSourceAddressPrefix?: string[];
  expandedDestinationAddressPrefix?: string[];
  sourcePortRange?: string;
  sourcePortRanges?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
}
interface NsgJson {
  networkSecurityGroup: { id: string };
  association: { subnet?: { id: string }; networkInterface?: { id: string } };
  effectiveSecurityRules: RuleJson[];
}

describe('rules', () => {
  it('effective security rules in the ListEffectiveNetworkSecurityGroups shape (rule 13.4)', async () => {
    const { json } = await runJson<{ value: NsgJson[]; caveats: unknown[] }>(['rules', SMALL, '--nic', 'vm-front01']);
    expect(Object.keys(json).sort()).toEqual(['caveats', 'value']);
    expect(json.value).toHaveLength(1);
    const nsg = json.value[0];
    expect(nsg.networkSecurityGroup).toEqual({ id: NSG });
    expect(nsg.association).toEqual({ subnet: { id: '/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg-cli/providers/Microsoft.Network/virtualNetworks/vnet-cli/subnets/snet-front' } });
    for (const r of nsg.effectiveSecurityRules) {
      expect(r.name).toMatch(/^(securityRules|defaultSecurityRules)\/[\w.-]+$/);
      expect(['Tcp', 'Udp', 'All']).toContain(r.protocol);
      expect(['Inbound', 'Outbound']).toContain(r.direction);
      expect(['Allow', 'Deny']).toContain(r.access);
      expect(typeof r.priority).toBe('number');
      expect(typeof (r.sourceAddressPrefix ?? r.sourceAddressPrefixes)).not.toBe('undefined');
      expect(typeof (r.destinationAddressPrefix ?? r.destinationAddressPrefixes)).not.toBe('undefined');
      for (const p of [r.sourcePortRange, r.destinationPortRange, ...(r.sourcePortRanges ?? []), ...(r.destinationPortRanges ?? [])]) {
        if (p !== undefined) expect(p).toMatch(/^\d+-\d+$/);
      }
    }
    const names = nsg.effectiveSecurityRules.map((r) => `${r.direction} ${r.priority} ${r.name} ${r.access}`);
    expect(names).toEqual([
      'Inbound 100 securityRules/Allow-HTTPS-In Allow',
      'Inbound 200 securityRules/Deny-RDP-In Deny',
      'Inbound 300 securityRules/Allow-SSH-From-Back Allow',
      'Inbound 65000 defaultSecurityRules/AllowVnetInBound Allow',
      'Inbound 65001 defaultSecurityRules/AllowAzureLoadBalancerInBound Allow',
      'Inbound 65500 defaultSecurityRules/DenyAllInBound Deny',
      'Outbound 100 securityRules/Deny-Front-To-Back-8080 Deny',
      'Outbound 65000 defaultSecurityRules/AllowVnetOutBound Allow',
      'Outbound 65001 defaultSecurityRules/AllowInternetOutBound Allow',
      'Outbound 65500 defaultSecurityRules/DenyAllOutBound Deny',
    ]);
    const rdp = nsg.effectiveSecurityRules.find((r) => r.name === 'securityRules/Deny-RDP-In')!;
    expect(rdp).toMatchObject({ protocol: 'Tcp', sourceAddressPrefix: '0.0.0.0/0', sourcePortRange: '0-65535', destinationPortRange: '3389-3389' });
    const vnet = nsg.effectiveSecurityRules.find((r) => r.name === 'defaultSecurityRules/AllowVnetInBound')!;
    expect(vnet).toMatchObject({ protocol: 'All', sourceAddressPrefix: 'VirtualNetwork' });
    expect(Array.isArray(vnet.expandedSourceAddressPrefix)).toBe(true);
  });

  it('a NIC with no NSG at either level has an empty list', async () => {
    const { json } = await runJson<{ value: NsgJson[] }>(['rules', SMALL, '--nic', 'nic-nva01']);
    expect(json.value).toEqual([]);
  });

  it('text groups rules per NSG with the association', async () => {
    const r = await run(['rules', SMALL, '--nic', 'nic-front01']);
    expect(r.stdout).toContain('NSG nsg-front (associated with subnet snet-front)');
    expect(r.stdout).toMatch(/^ +Priority +Name +Direction +Access +Protocol +Source +Source ports +Destination +Dest ports$/m);
    expect(r.stdout).toMatch(/^ +200 +securityRules\/Deny-RDP-In +Inbound +Deny +Tcp +0\.0\.0\.0\/0 +0-65535 +0\.0\.0\.0\/0 +3389-3389$/m);
  });
});

interface VerifyJson {
  access: string;
  ruleName?: string;
  nsg?: string;
  evaluated: { nsg: string; side: string; ruleName: string; access: string }[];
  caveats: unknown[];
}

describe('verify', () => {
  const verify = (dir: string, proto: string, local: string, remote: string, nic = 'nic-front01') =>
    runJson<VerifyJson>(['verify', SMALL, '--nic', nic, '--direction', dir, '--protocol', proto, '--local', local, '--remote', remote]);

  it('{access, ruleName, nsg}: a user rule allows HTTPS from the internet', async () => {
    const { json } = await verify('Inbound', 'TCP', '10.10.1.4:443', '203.0.113.5:50000');
    expect(json).toMatchObject({ access: 'Allow', ruleName: 'securityRules/Allow-HTTPS-In', nsg: NSG });
    expect(typeof json.access).toBe('string');
    expect(json.evaluated).toEqual([{ nsg: NSG, side: 'destination-subnet', ruleName: 'securityRules/Allow-HTTPS-In', access: 'Allow' }]);
  });

  it('Deny exits 0 too; direction and protocol are case-insensitive', async () => {
    const r = await run(['verify', SMALL, '--nic', 'nic-front01', '--direction', 'inBOUND', '--protocol', 'tcp', '--local', '10.10.1.4:3389', '--remote', '203.0.113.5:50000', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ access: 'Deny', ruleName: 'securityRules/Deny-RDP-In', nsg: NSG });
  });

  it('default rules, and the VirtualNetwork tag widened by the 0.0.0.0/0 user route', async () => {
    // Rule 4.1 / A3 (issue #22178): with a 0.0.0.0/0 UDR on the subnet the VirtualNetwork tag is
    // 0.0.0.0/0, so AllowVnetOutBound (65000) decides before AllowInternetOutBound, with a caveat.
    const out = (await verify('Outbound', 'TCP', '10.10.1.4:50000', '8.8.8.8:443')).json;
    expect(out).toMatchObject({ access: 'Allow', ruleName: 'defaultSecurityRules/AllowVnetOutBound' });
    expect(out.caveats).toContainEqual(expect.objectContaining({ code: 'tag.virtualnetwork-udr' }));
    expect((await verify('Outbound', 'TCP', '10.10.1.4:50000', '10.10.2.4:8080')).json).toMatchObject({ access: 'Deny', ruleName: 'securityRules/Deny-Front-To-Back-8080' });
    expect((await verify('Outbound', 'UDP', '10.10.1.4:50000', '10.10.2.4:8080')).json).toMatchObject({ access: 'Allow', ruleName: 'defaultSecurityRules/AllowVnetOutBound' });
    expect((await verify('Inbound', 'TCP', '10.10.1.4:22', '10.10.2.9:40000')).json).toMatchObject({ access: 'Allow', ruleName: 'securityRules/Allow-SSH-From-Back' });
  });

  it('a NIC without any NSG: Allow and no ruleName (rule 13.1)', async () => {
    const { json } = await verify('Inbound', 'TCP', '10.10.2.4:22', '203.0.113.5:50000', 'nic-nva01');
    expect(json.access).toBe('Allow');
    expect(json.ruleName).toBeUndefined();
    expect(json.evaluated).toEqual([]);
  });

  it("--local may be the NIC's secondary IP; any other address is exit 2 naming the NIC's IPs", async () => {
    expect((await verify('Inbound', 'TCP', '10.10.1.5:443', '203.0.113.5:50000')).json.access).toBe('Allow');
    const r = await run(['verify', SMALL, '--nic', 'nic-front01', '--direction', 'Inbound', '--protocol', 'TCP', '--local', '10.10.1.9:443', '--remote', '203.0.113.5:50000']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--local 10.10.1.9 is not an address of nic-front01');
    expect(r.stderr).toContain('10.10.1.4, 10.10.1.5');
  });

  it('text: the decision line and every evaluated NSG', async () => {
    const r = await run(['verify', SMALL, '--nic', 'nic-front01', '--direction', 'Inbound', '--protocol', 'TCP', '--local', '10.10.1.4:443', '--remote', '203.0.113.5:50000']);
    expect(r.stdout).toMatch(/^Access Allow — securityRules\/Allow-HTTPS-In in nsg-front \(destination-subnet\)$/m);
    expect(r.stdout).toMatch(/^ {2}1\. nsg-front \(destination-subnet\): Allow by securityRules\/Allow-HTTPS-In$/m);
  });
});

interface NextHopJson {
  nextHopType: string;
  nextHopIpAddress: string | null;
  routeTableId: string;
}

describe('next-hop', () => {
  it('{nextHopType, nextHopIpAddress, routeTableId}: the user route to the appliance', async () => {
    const { json } = await runJson<NextHopJson>(['next-hop', SMALL, '--nic', 'nic-front01', '--dest', '8.8.8.8']);
    expect(json).toMatchObject({ nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.10.2.4', routeTableId: RT });
  });

  it('system routes: routeTableId "System Route", nextHopIpAddress null', async () => {
    expect((await runJson<NextHopJson>(['next-hop', SMALL, '--nic', 'nic-front01', '--dest', '10.10.2.4'])).json).toMatchObject({ nextHopType: 'VnetLocal', nextHopIpAddress: null, routeTableId: 'System Route' });
    expect((await runJson<NextHopJson>(['next-hop', SMALL, '--nic', 'nic-nva01', '--dest', '8.8.8.8'])).json).toMatchObject({ nextHopType: 'Internet', nextHopIpAddress: null, routeTableId: 'System Route' });
    expect((await runJson<NextHopJson>(['next-hop', SMALL, '--nic', 'nic-nva01', '--dest', '192.168.1.1'])).json).toMatchObject({ nextHopType: 'None', nextHopIpAddress: null, routeTableId: 'System Route' });
  });

  it('--source-ip must be one of the NIC\'s IPs', async () => {
    expect((await runJson<NextHopJson>(['next-hop', SMALL, '--nic', 'nic-front01', '--source-ip', '10.10.1.5', '--dest', '8.8.8.8'])).json.nextHopType).toBe('VirtualAppliance');
    const r = await run(['next-hop', SMALL, '--nic', 'nic-front01', '--source-ip', '10.10.2.4', '--dest', '8.8.8.8']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('10.10.1.4, 10.10.1.5');
  });
});

describe('REF resolution', () => {
  const verbs: string[][] = [
    ['routes'],
    ['rules'],
    ['next-hop', '--dest', '8.8.8.8'],
    ['verify', '--direction', 'Inbound', '--protocol', 'TCP', '--local', '10.10.2.5:22', '--remote', '10.10.1.4:50000'],
  ];

  it.each(verbs)('%s: an ambiguous name exits 2 listing both ids', async (verb, ...rest) => {
    const r = await run([verb, SMALL, '--nic', 'nic-batch', ...rest]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('ref.ambiguous');
    expect(r.stderr).toContain('/resourceGroups/rg-cli-a/providers/Microsoft.Network/networkInterfaces/nic-batch');
    expect(r.stderr).toContain('/resourceGroups/rg-cli-b/providers/Microsoft.Network/networkInterfaces/nic-batch');
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it.each(verbs)('%s: an unknown name exits 2 with suggestions', async (verb, ...rest) => {
    const r = await run([verb, SMALL, '--nic', 'front', ...rest]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('ref.unknown');
    expect(r.stderr).toContain('did you mean:');
    expect(r.stderr).toContain('nic-front01');
    expect(r.stderr).toContain('vm-front01');
  });

  it('the ambiguous NIC resolves by its id', async () => {
    const id = '/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg-cli-b/providers/Microsoft.Network/networkInterfaces/nic-batch';
    const r = await run(['rules', SMALL, '--nic', id, '--json']);
    expect(r.code).toBe(0);
  });

  it('--nic that is not an endpoint says what it resolved to', async () => {
    const subnet = await run(['rules', SMALL, '--nic', 'vnet-cli/snet-front']);
    expect(subnet.code).toBe(2);
    expect(subnet.stderr).toContain('--nic vnet-cli/snet-front resolved to the subnet vnet-cli/snet-front, not a network interface');
    const ext = await run(['rules', SMALL, '--nic', '8.8.8.8']);
    expect(ext.code).toBe(2);
    expect(ext.stderr).toContain('resolved to an address outside the estate (internet)');
    const sub = await run(['routes', SMALL, '--subnet', 'nic-front01']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('not a subnet');
  });
});
