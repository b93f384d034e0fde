// The real Azure JSON of the corpus (azure-rest-api-specs examples, Resource Graph, the python SDK
// recording) imports without error-level diagnostics and gives the expected model.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDocuments } from '../../importer/index.ts';
import {
  asJson,
  corpusFile,
  corpusPresent,
  corpusRoot,
  diags,
  errors,
  jsonFilesBelow,
  lc,
  restExample,
} from './helpers.ts';

if (!corpusPresent) {
  console.warn(`[importer tests] corpus not found at ${corpusRoot}: corpus tests are skipped`);
}

const SPECS = 'azure-rest-api-specs';
const ROOT = '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network';

/** Examples that hold Network Watcher answers or service tags, not resources. */
const NOT_RESOURCES = [
  'NetworkInterfaceEffectiveNSGList',
  'NetworkInterfaceEffectiveRouteTableList',
  'NetworkWatcherConnectivityCheck',
  'NetworkWatcherIpFlowVerify',
  'NetworkWatcherNextHopGet',
  'NetworkWatcherSecurityGroupViewGet',
  'NetworkWatcherTopologyGet',
  'ServiceTagsList',
];

function importExample(name: string) {
  return importDocuments([restExample(name)]);
}

describe.skipIf(!corpusPresent)('corpus: azure-rest-api-specs and recordings', () => {
  const files = corpusPresent ? jsonFilesBelow(path.join(corpusRoot, SPECS), corpusRoot) : [];

  it('finds the corpus files', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  it('all files together import with no error-level diagnostic', () => {
    const s = importDocuments(files.map(corpusFile));
    expect(errors(s)).toEqual([]);
    expect(s.files).toHaveLength(files.length);
    expect(s.networkSecurityGroups.size).toBe(1);
    expect(s.unsupported).toHaveLength(3);
  });

  it.each(files)('%s alone: no error-level diagnostic about the file', (file) => {
    const s = importDocuments([corpusFile(file)]);
    const base = path.basename(file, '.json');
    if (NOT_RESOURCES.includes(base)) {
      // A file with no resources at all makes the whole input empty: that error names no file.
      expect(errors(s).map((d) => d.code)).toEqual(['input.empty']);
      expect(errors(s)[0].file).toBeUndefined();
      expect(diags(s, 'input.unrecognized', 'warning')).toHaveLength(1);
      expect(diags(s, 'input.unrecognized')[0].file).toBe(file);
    } else {
      expect(errors(s)).toEqual([]);
    }
  });

  it('NetworkSecurityGroupGet: 1 NSG, 1 custom rule and the 6 default rules as given', () => {
    const s = importExample('NetworkSecurityGroupGet');
    expect(s.networkSecurityGroups.size).toBe(1);
    const nsg = s.networkSecurityGroups.get(lc(`${ROOT}/networkSecurityGroups/testnsg`))!;
    expect(nsg.name).toBe('testnsg');
    expect(nsg.location).toBe('westus');
    expect(nsg.securityRules).toHaveLength(1);
    expect(nsg.securityRules[0]).toMatchObject({
      name: 'rule1',
      collection: 'securityRules',
      priority: 130,
      direction: 'Inbound',
      access: 'Allow',
      protocol: '*',
      sourceAddressPrefixes: ['*'],
      destinationAddressPrefixes: ['*'],
      sourcePortRanges: ['*'],
      destinationPortRanges: ['80'],
      displayId: `${ROOT}/networkSecurityGroups/testnsg/securityRules/rule1`,
    });
    expect(nsg.defaultSecurityRules.map((r) => r.name)).toEqual([
      'AllowVnetInBound',
      'AllowAzureLoadBalancerInBound',
      'DenyAllInBound',
      'AllowVnetOutBound',
      'AllowInternetOutBound',
      'DenyAllOutBound',
    ]);
    expect(nsg.defaultSecurityRules.map((r) => r.priority)).toEqual([65000, 65001, 65500, 65000, 65001, 65500]);
    expect(nsg.defaultSecurityRules.every((r) => r.collection === 'defaultSecurityRules')).toBe(true);
    // Imported as given (they carry their source), not synthesised.
    expect(nsg.defaultSecurityRules[0].source?.jsonPath).toBe("$.responses['200'].body.properties.defaultSecurityRules[0]");
    expect(diags(s, 'nsg.defaultRulesAdded')).toEqual([]);
    expect(s.diagnostics).toEqual([]);
  });

  it('VirtualNetworkGet: address space and subnets', () => {
    const s = importExample('VirtualNetworkGet');
    const vnet = s.virtualNetworks.get(lc(`${ROOT}/virtualNetworks/test-vnet`))!;
    expect(vnet.addressSpace).toEqual(['10.0.0.0/16']);
    expect(vnet.subnetIds).toEqual([lc(`${ROOT}/virtualNetworks/test-vnet/subnets/subnet1`)]);
    const subnet = s.subnets.get(vnet.subnetIds[0])!;
    expect(subnet).toMatchObject({ name: 'subnet1', vnetId: vnet.id, addressPrefixes: ['10.0.1.0/24'], privateEndpointNetworkPolicies: 'Disabled' });
    expect(subnet.source?.jsonPath).toBe("$.responses['200'].body.properties.subnets[0]");
    expect(s.diagnostics).toEqual([]);
  });

  it('SubnetGet: a standalone subnet (no type field) joins its VNet by id', () => {
    const s = importExample('SubnetGet');
    const id = lc('/subscriptions/subid/resourceGroups/subnet-test/providers/Microsoft.Network/virtualNetworks/vnetname/subnets/subnet1');
    expect(s.subnets.get(id)?.vnetId).toBe(lc('/subscriptions/subid/resourceGroups/subnet-test/providers/Microsoft.Network/virtualNetworks/vnetname'));
    expect(s.subnets.get(id)?.addressPrefixes).toEqual(['10.0.0.0/16']);
    const dangling = diags(s, 'ref.dangling', 'warning');
    expect(dangling).toHaveLength(1);
    expect(dangling[0].jsonPath).toBe("$.responses['200'].body");
  });

  it('NetworkInterfaceGet: ip configurations, and the CIDR-shaped private IP with a warning', () => {
    const s = importExample('NetworkInterfaceGet');
    const nic = s.networkInterfaces.get(lc(`${ROOT}/networkInterfaces/test-nic`))!;
    expect(nic.enableIpForwarding).toBe(false);
    expect(nic.nsgId).toBe(lc(`${ROOT}/networkSecurityGroups/nsg`));
    expect(nic.vmId).toBe(lc('/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1'));
    expect(nic.ipConfigurations.map((c) => [c.name, c.privateIp, c.primary])).toEqual([
      ['ipconfig1', '172.20.2.4', true],
      ['ipconfig2', '172.20.2.16', false],
    ]);
    expect(nic.ipConfigurations[0].publicIpId).toBe(lc(`${ROOT}/publicIPAddresses/test-ip`));
    expect(nic.ipConfigurations[0].subnetId).toBe(lc(`${ROOT}/virtualNetworks/rg1-vnet/subnets/default`));
    const quirk = diags(s, 'ip.prefix', 'warning');
    expect(quirk).toHaveLength(1);
    expect(quirk[0]).toMatchObject({
      file: restExample('NetworkInterfaceGet').file,
      resourceId: `${ROOT}/networkInterfaces/test-nic/ipConfigurations/ipconfig2`,
      jsonPath: "$.responses['200'].body.properties.ipConfigurations[1].properties.privateIPAddress",
    });
    expect(quirk[0].message).toContain('172.20.2.16/28');
  });

  it('RouteTableGet: routes', () => {
    const s = importExample('RouteTableGet');
    const rt = s.routeTables.get(lc(`${ROOT}/routeTables/testrt`))!;
    expect(rt.disableBgpRoutePropagation).toBe(false);
    expect(rt.routes).toHaveLength(1);
    expect(rt.routes[0]).toMatchObject({ name: 'route1', addressPrefix: '10.0.3.0/24', nextHopType: 'VirtualNetworkGateway', routeTableId: rt.id });
    expect(rt.routes[0].nextHopIpAddress).toBeUndefined();
  });

  it('VirtualNetworkPeeringGet: a standalone peering keeps the remote address space', () => {
    const s = importExample('VirtualNetworkPeeringGet');
    const p = [...s.peerings.values()][0];
    expect(p).toMatchObject({
      name: 'peer',
      vnetId: lc('/subscriptions/subid/resourceGroups/peerTest/providers/Microsoft.Network/virtualNetworks/vnet1'),
      remoteVnetId: lc('/subscriptions/subid/resourceGroups/peerTest/providers/Microsoft.Network/virtualNetworks/vnet2'),
      remoteAddressSpace: ['12.0.0.0/8'],
      peeringState: 'Initiated',
      allowForwardedTraffic: true,
      allowGatewayTransit: false,
      allowVirtualNetworkAccess: true,
      useRemoteGateways: false,
    });
    const remote = diags(s, 'ref.dangling').find((d) => d.jsonPath?.endsWith('remoteVirtualNetwork.id'));
    expect(remote?.severity).toBe('warning');
    expect(remote?.message).toContain('12.0.0.0/8');
  });

  it('ApplicationSecurityGroupGet and PublicIpAddressGet', () => {
    const s = importDocuments([restExample('ApplicationSecurityGroupGet'), restExample('PublicIpAddressGet')]);
    expect([...s.applicationSecurityGroups.values()].map((a) => a.name)).toEqual(['test-asg']);
    const pip = s.publicIpAddresses.get(lc(`${ROOT}/publicIPAddresses/testDNS-ip`))!;
    expect(pip.allocationMethod).toBe('Dynamic');
    expect(pip.ipAddress).toBeUndefined();
    expect(pip.ipConfigurationId).toBe(lc(`${ROOT}/networkInterfaces/testDNS649/ipConfigurations/ipconfig1`));
    // The example has no sku: assumed Basic (the cautious reading), and said so.
    expect(pip.sku).toBe('Basic');
    expect(diags(s, 'field.missing')).toEqual([
      expect.objectContaining({ severity: 'info', resourceId: pip.displayId, jsonPath: "$.responses['200'].body.properties.sku" }),
    ]);
  });

  it('LoadBalancerGet: frontends, pools and rules', () => {
    const s = importExample('LoadBalancerGet');
    const lb = s.loadBalancers.get(lc(`${ROOT}/loadBalancers/lb`))!;
    expect(lb.sku).toBe('Basic');
    expect(lb.frontends).toEqual([
      { id: lc(`${ROOT}/loadBalancers/lb/frontendIPConfigurations/fe-lb`), name: 'fe-lb', privateIp: '10.0.1.4', subnetId: lc(`${ROOT}/virtualNetworks/vnetlb/subnets/subnetlb`), publicIpId: undefined },
    ]);
    expect(lb.backendPools.map((p) => p.name)).toEqual(['be-lb']);
    expect(lb.loadBalancingRules[0]).toMatchObject({ name: 'rulelb', protocol: 'Tcp', frontendPort: 80, backendPort: 80, backendPoolIds: [lc(`${ROOT}/loadBalancers/lb/backendAddressPools/be-lb`)] });
    expect(lb.inboundNatRules[0]).toMatchObject({ name: 'in-nat-rule', protocol: 'Tcp', frontendPort: 3389, backendPort: 3389 });
  });

  it('PrivateEndpointGet: subnet, NIC (with the upstream "provders" typo), IPs and connections', () => {
    const s = importExample('PrivateEndpointGet');
    const pe = [...s.privateEndpoints.values()][0];
    expect(pe.name).toBe('testPe');
    expect(pe.subnetId).toBe(lc('/subscriptions/subId/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/myVnet/subnets/mySubnet'));
    expect(pe.nicIds).toEqual([lc('/subscriptions/subId/resourceGroups/rg1/provders/Microsoft.Network/networkInterfaces/testPe.nic.abcd1234')]);
    expect(pe.privateIps).toEqual(['192.168.0.6', '192.168.0.7', '192.168.0.4', '192.168.0.5']);
    expect(pe.connections).toEqual([
      { targetId: lc('/subscriptions/subId/resourceGroups/rg1/providers/Microsoft.Network/privateLinkServices/testPls'), groupIds: ['groupIdFromResource'], status: 'Approved' },
    ]);
    expect(diags(s, 'ref.dangling').map((d) => d.jsonPath)).toEqual([
      "$.responses['200'].body.properties.subnet.id",
      "$.responses['200'].body.properties.networkInterfaces[0].id",
    ]);
  });

  it('AzureFirewallGet: classic application, NAT and network collections', () => {
    const s = importExample('AzureFirewallGet');
    const fw = s.azureFirewalls.get(lc(`${ROOT}/azureFirewalls/azurefirewall`))!;
    expect(fw.location).toBe('West US');
    expect(fw.sku).toBe('AZFW_VNet');
    expect(fw.threatIntelMode).toBe('Alert');
    expect(fw.ipConfigurations[0]).toMatchObject({ name: 'azureFirewallIpConfiguration', privateIp: '10.0.0.0', subnetId: lc(`${ROOT}/virtualNetworks/vnet2/subnets/AzureFirewallSubnet`) });
    const byName = new Map(fw.classicCollections.map((c) => [c.name, c]));
    expect(byName.get('apprulecoll')).toMatchObject({ ruleType: 'application', action: 'Deny', priority: 110 });
    expect(byName.get('apprulecoll')!.rules[0]).toMatchObject({ kind: 'application', name: 'rule1', protocols: [{ protocolType: 'Https', port: 443 }], targetFqdns: ['www.test.com'], sourceAddresses: ['216.58.216.164', '10.0.0.0/24'] });
    expect(byName.get('natrulecoll')).toMatchObject({ ruleType: 'nat', action: 'Dnat', priority: 112 });
    expect(byName.get('natrulecoll')!.rules).toMatchObject([
      { kind: 'nat', name: 'DNAT-HTTPS-traffic', protocols: ['TCP'], destinationAddresses: ['1.2.3.4'], destinationPorts: ['443'], translatedAddress: '1.2.3.5', translatedPort: '8443' },
      { kind: 'nat', name: 'DNAT-HTTP-traffic-With-FQDN', translatedFqdn: 'internalhttpserver', translatedPort: '880' },
    ]);
    expect(byName.get('netrulecoll')).toMatchObject({ ruleType: 'network', action: 'Deny', priority: 112 });
    expect(byName.get('netrulecoll')!.rules).toMatchObject([
      { kind: 'network', name: 'L4-traffic', protocols: ['TCP'], sourceAddresses: ['192.168.1.1-192.168.1.12', '10.1.4.12-10.1.4.255'], destinationPorts: ['443-444', '8443'] },
      { kind: 'network', name: 'L4-traffic-with-FQDN', destinationFqdns: ['www.amazon.com'] },
    ]);
  });

  it('FirewallPolicyRuleCollectionGroupGet: a standalone group with its collections and rules', () => {
    const s = importExample('FirewallPolicyRuleCollectionGroupGet');
    const g = [...s.firewallPolicyRuleCollectionGroups.values()][0];
    expect(g.name).toBe('ruleCollectionGroup1');
    expect(g.policyId).toBe(lc(`${ROOT}/firewallPolicies/firewallPolicy`));
    expect(g.priority).toBe(110);
    expect(g.ruleCollections).toEqual([
      {
        name: 'Example-Filter-Rule-Collection',
        priority: 200,
        action: 'Deny',
        ruleType: 'network',
        rules: [
          {
            kind: 'network',
            name: 'network-rule1',
            protocols: ['TCP'],
            sourceAddresses: ['10.1.25.0/24'],
            sourceIpGroupIds: [],
            destinationAddresses: ['*'],
            destinationIpGroupIds: [],
            destinationFqdns: [],
            destinationPorts: ['*'],
          },
        ],
      },
    ]);
  });

  it('VirtualNetworkGatewayGet and VirtualNetworkGatewayConnectionGet', () => {
    const s = importDocuments([restExample('VirtualNetworkGatewayGet'), restExample('VirtualNetworkGatewayConnectionGet')]);
    const gw = s.virtualNetworkGateways.get(lc(`${ROOT}/virtualNetworkGateways/vpngw`))!;
    expect(gw).toMatchObject({ gatewayType: 'Vpn', vpnType: 'RouteBased', sku: 'VpnGw1', enableBgp: false, activeActive: false });
    expect(gw.subnetId).toBe(lc(`${ROOT}/virtualNetworks/vnet1/subnets/GatewaySubnet`));
    expect(gw.vnetId).toBe(lc(`${ROOT}/virtualNetworks/vnet1`));
    expect(gw.publicIpIds).toEqual([lc(`${ROOT}/publicIPAddresses/gwpip`)]);
    expect(gw.bgpPeeringAddresses).toEqual(['10.0.1.30', '10.3.1.254', '169.254.21.10']);
    const conn = [...s.connections.values()][0];
    expect(conn).toMatchObject({ connectionType: 'IPsec', connectionStatus: 'Connecting', enableBgp: false, virtualNetworkGateway1Id: gw.id });
    expect(conn.localNetworkGateway2Id).toBe(lc(`${ROOT}/localNetworkGateways/localgw`));
    // The connection's gateway is in the input now; only the local network gateway dangles.
    expect(diags(s, 'ref.dangling').filter((d) => d.resourceId === conn.displayId).map((d) => d.jsonPath)).toEqual([
      "$.responses['200'].body.properties.localNetworkGateway2.id",
    ]);
  });

  it('Resource Graph: the {data} envelope, lower-cased types recorded as unsupported', () => {
    const file = `${SPECS}/specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/stable/2024-04-01/examples/ResourcesFirstPageQuery.json`;
    const s = importDocuments([corpusFile(file)]);
    expect(s.unsupported.map((u) => [u.type, u.name])).toEqual([
      ['microsoft.compute/disks', 'yetanothertest_OsDisk_1_f396cbcb625a457bb69fe2abf5975820'],
      ['microsoft.automation/automationaccounts', 'TestAA'],
      ['microsoft.automation/automationaccounts/runbooks', 'TestRB'],
    ]);
    expect(asJson(s.unsupported[1].source)).toEqual({ file, jsonPath: "$.responses['200'].body.data[1]" });
    // The example is the first page of a query: what the other pages hold is not in the input.
    expect(s.diagnostics.map((d) => `${d.severity} ${d.code} ${d.jsonPath}`)).toEqual(["warning input.paged $.responses['200'].body"]);
  });

  it('StorageAccountGetProperties and NfsV3AccountCreate: networkAcls', () => {
    const dir = `${SPECS}/specification/storage/resource-manager/Microsoft.Storage/stable/2025-06-01/examples`;
    const s = importDocuments([corpusFile(`${dir}/StorageAccountGetProperties.json`), corpusFile(`${dir}/NfsV3AccountCreate.json`)]);
    const a = [...s.storageAccounts.values()].find((x) => x.name === 'sto8596')!;
    expect(a.networkAcls).toEqual({ defaultAction: 'Allow', bypass: ['AzureServices'], ipRules: [], virtualNetworkRules: [] });
    const b = [...s.storageAccounts.values()].find((x) => x.name === 'sto4445')!;
    expect(b.networkAcls.virtualNetworkRules).toEqual([
      { subnetId: lc('/subscriptions/{subscription-id}/resourceGroups/res9101/providers/Microsoft.Network/virtualNetworks/net123/subnets/subnet12'), action: 'Allow', state: undefined },
    ]);
    const d = diags(s, 'ref.dangling');
    expect(d).toHaveLength(1);
    expect(d[0].jsonPath).toBe("$.responses['200'].body.properties.networkAcls.virtualNetworkRules[0].id");
  });

  it('python SDK recording: the response body of a PUT, empty plural arrays merged away', () => {
    const s = importDocuments([corpusFile('azure-sdk-for-python-recordings/test_mgmt_network.test_network_security_groups.interaction1.json')]);
    expect(s.diagnostics).toEqual([]);
    const nsg = [...s.networkSecurityGroups.values()][0];
    expect(nsg.name).toBe('pysecgroupc575136b');
    expect(nsg.source?.jsonPath).toBe('$.response.body');
    expect(nsg.securityRules).toHaveLength(1);
    expect(nsg.securityRules[0]).toMatchObject({
      name: 'pysecgrouprulec575136b',
      protocol: 'Tcp',
      priority: 500,
      sourcePortRanges: ['655'],
      destinationPortRanges: ['123-3500'],
      sourceAddressPrefixes: ['*'],
      destinationAddressPrefixes: ['*'],
      description: 'Test security rule',
    });
    expect(nsg.defaultSecurityRules).toHaveLength(6);
  });

  it('non-resource examples are reported as unrecognized, saying what was seen', () => {
    const s = importExample('NetworkWatcherIpFlowVerify');
    const [d] = diags(s, 'input.unrecognized');
    expect(d.jsonPath).toBe("$.responses['200'].body");
    expect(d.message).toContain('access, ruleName');
    const tags = diags(importExample('ServiceTagsList'), 'input.unrecognized')[0];
    expect(tags.hint).toContain('--service-tags');
    const routes = diags(importExample('NetworkInterfaceEffectiveRouteTableList'), 'input.unrecognized')[0];
    expect(routes.message).toMatch(/^6 of 6 items/);
  });
});
