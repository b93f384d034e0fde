// The load balancers and Application Gateways that enterFromInternet considers for an endpoint, and
// the load balancers whose outbound rules egressForNic considers, come from an index
// (core/trace/pool-lookup.ts). It must give every one that could lead to the
// endpoint, in the snapshot's order, as the loop over all of them did: checked against that loop's
// own conditions on a built estate (rules, NAT rules of both forms, pools of several balancers)
// and on the sample estate.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile, computeExposure, type DataPlane } from '../../../core/index.ts';
import type { ApplicationGateway, LoadBalancer, NetworkInterface } from '../../../core/model/index.ts';
import { applicationGatewaysFor, loadBalancersFor, outboundBalancersFor } from '../../../core/trace/pool-lookup.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf, readFolderDocuments, snapshotOf } from '../../support/load.ts';

type IpConfiguration = NetworkInterface['ipConfigurations'][number];

/** enterFromInternet's conditions for a load balancer to give the IP configuration a path, as the loop over every load balancer read them. */
function namesIpConfiguration(lb: LoadBalancer, ipc: IpConfiguration): boolean {
  if (lb.loadBalancingRules.some((r) => r.backendPoolIds.some((p) => ipc.loadBalancerBackendPoolIds.includes(p)))) return true;
  return lb.inboundNatRules.some((r) =>
    r.frontendPortRangeStart !== undefined && r.frontendPortRangeEnd !== undefined && r.backendPoolId
      ? ipc.loadBalancerBackendPoolIds.includes(r.backendPoolId) || ipc.loadBalancerInboundNatRuleIds.includes(r.id)
      : r.backendIpConfigurationId === ipc.id || ipc.loadBalancerInboundNatRuleIds.includes(r.id),
  );
}

function poolsHold(agw: ApplicationGateway, ipc: IpConfiguration | undefined, address: string): boolean {
  return agw.backendPools.some((p) => (ipc && p.ipConfigurationIds.includes(ipc.id)) || p.addresses.some((a) => a.ipAddress === address));
}

/** Every IP configuration: what the loop would have found is in the lookup's answer, and the answer is in snapshot order. */
/** egressForNic's condition: an outbound rule of the load balancer for one of the IP configuration's pools. */
function hasOutboundFor(lb: LoadBalancer, ipc: IpConfiguration): boolean {
  return lb.outboundRules.some((r) => r.backendPoolId !== undefined && ipc.loadBalancerBackendPoolIds.includes(r.backendPoolId));
}

function checkAll(dp: DataPlane): { ipcs: number; withLb: number; withAgw: number; withOutbound: number } {
  const lbs = [...dp.snapshot.loadBalancers.values()];
  const agws = [...dp.snapshot.applicationGateways.values()];
  let ipcs = 0;
  let withLb = 0;
  let withAgw = 0;
  let withOutbound = 0;
  for (const nic of dp.snapshot.networkInterfaces.values()) {
    for (const ipc of nic.ipConfigurations) {
      ipcs++;
      const found = loadBalancersFor(dp, ipc);
      expect(found.filter((lb) => namesIpConfiguration(lb, ipc))).toEqual(lbs.filter((lb) => namesIpConfiguration(lb, ipc)));
      expect(found).toEqual(lbs.filter((lb) => found.includes(lb)));
      if (found.length) withLb++;
      const address = ipc.privateIp?.split('/')[0] ?? '';
      const gateways = applicationGatewaysFor(dp, ipc, address);
      expect(gateways.filter((g) => poolsHold(g, ipc, address))).toEqual(agws.filter((g) => poolsHold(g, ipc, address)));
      expect(gateways).toEqual(agws.filter((g) => gateways.includes(g)));
      if (gateways.length) withAgw++;
      const outbound = outboundBalancersFor(dp.snapshot, ipc);
      expect(outbound.filter((lb) => hasOutboundFor(lb, ipc))).toEqual(lbs.filter((lb) => hasOutboundFor(lb, ipc)));
      expect(outbound).toEqual(lbs.filter((lb) => outbound.includes(lb)));
      if (outbound.length) withOutbound++;
    }
  }
  return { ipcs, withLb, withAgw, withOutbound };
}

function builtEstate(): DataPlane {
  const b = new EstateBuilder()
    .publicIp('pip-c', '20.1.2.3')
    .publicIp('pip-a', '20.1.2.4')
    .publicIp('pip-b', '20.1.2.5')
    .nsg('nsg', [{ name: 'Allow-In', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationPorts: '22,443' }])
    .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }, { name: 'agw', prefix: '10.0.2.0/24' }])
    .nic('vm1-nic', { subnet: 'v/s', ip: '10.0.1.4' })
    .nic('vm2-nic', { subnet: 'v/s', ip: '10.0.1.5' })
    .nic('vm3-nic', { subnet: 'v/s', ip: '10.0.1.6' })
    // Added in this order, which is not the order of their names: answers follow the snapshot.
    .loadBalancer('lb-c', { publicIp: 'pip-c', pool: ['vm1-nic'], rules: [{ name: 'https', protocol: 'Tcp', frontendPort: 443, backendPort: 443 }] })
    .loadBalancer('lb-a', { publicIp: 'pip-a', pool: [], natRules: [{ name: 'ssh-vm1', nic: 'vm1-nic', protocol: 'Tcp', frontendPort: 2222, backendPort: 22 }] })
    .loadBalancer('lb-b', { publicIp: 'pip-b', pool: ['vm2-nic'], poolNatRules: [{ name: 'ssh-pool', protocol: 'Tcp', frontendPortRangeStart: 50000, frontendPortRangeEnd: 50009, backendPort: 22 }], outboundRules: [{ name: 'out', protocol: 'All' }] })
    .publicIp('pip-d', '20.1.2.6')
    .loadBalancer('lb-d', { publicIp: 'pip-d', pool: [], natRules: [{ name: 'ssh-vm3', nic: 'vm3-nic', protocol: 'Tcp', frontendPort: 2223, backendPort: 22 }] })
    .publicIp('pip-agw', '20.1.2.7');
  // An Application Gateway whose pool names vm3 by address, not by IP configuration.
  const gw = b.id('Microsoft.Network/applicationGateways', 'agw');
  b.add({
    id: gw,
    name: 'agw',
    type: 'Microsoft.Network/applicationGateways',
    location: b.location,
    properties: {
      sku: { name: 'Standard_v2', tier: 'Standard_v2' },
      gatewayIPConfigurations: [{ id: `${gw}/gatewayIPConfigurations/gwip`, name: 'gwip', properties: { subnet: { id: b.subnetId('v', 'agw') } } }],
      frontendIPConfigurations: [{ id: `${gw}/frontendIPConfigurations/pub`, name: 'pub', properties: { publicIPAddress: { id: b.id('Microsoft.Network/publicIPAddresses', 'pip-agw') } } }],
      frontendPorts: [{ id: `${gw}/frontendPorts/p443`, name: 'p443', properties: { port: 443 } }],
      httpListeners: [{ id: `${gw}/httpListeners/l1`, name: 'l1', properties: { frontendIPConfiguration: { id: `${gw}/frontendIPConfigurations/pub` }, frontendPort: { id: `${gw}/frontendPorts/p443` }, protocol: 'Https' } }],
      backendAddressPools: [{ id: `${gw}/backendAddressPools/b1`, name: 'b1', properties: { backendAddresses: [{ ipAddress: '10.0.1.6' }] } }],
      backendHttpSettingsCollection: [{ id: `${gw}/backendHttpSettingsCollection/s1`, name: 's1', properties: { port: 443, protocol: 'Https' } }],
      requestRoutingRules: [{ id: `${gw}/requestRoutingRules/r1`, name: 'r1', properties: { priority: 10, httpListener: { id: `${gw}/httpListeners/l1` }, backendAddressPool: { id: `${gw}/backendAddressPools/b1` }, backendHttpSettings: { id: `${gw}/backendHttpSettingsCollection/s1` } } }],
    },
  });
  // vm3's NAT rule is named by the load balancer only (its backendIPConfiguration), not by the NIC.
  const docs = b.documents().map((d) => {
    const json = JSON.parse(d.text) as { resources?: unknown[]; value?: unknown[] } | unknown[];
    const list = (Array.isArray(json) ? json : (json.value ?? json.resources ?? [])) as { name: string; properties: { ipConfigurations?: { properties: Record<string, unknown> }[] } }[];
    for (const r of list) if (r.name === 'vm3-nic') delete r.properties.ipConfigurations![0].properties.loadBalancerInboundNatRules;
    return { file: d.file, text: JSON.stringify(json) };
  });
  expect(docs.map((d) => d.text).join('')).not.toMatch(/"loadBalancerInboundNatRules":\[\{"id":"[^"]*ssh-vm3"/);
  return dataPlaneOf(docs);
}

describe('entry lookup: the load balancers and gateways enterFromInternet considers', () => {
  it('a built estate: each NIC gets exactly the balancers that name it, in snapshot order', () => {
    const dp = builtEstate();
    const nic = (name: string) => [...dp.snapshot.networkInterfaces.values()].find((n) => n.name === name)!.ipConfigurations[0];
    expect(loadBalancersFor(dp, nic('vm1-nic')).map((lb) => lb.name)).toEqual(['lb-c', 'lb-a']);
    expect(loadBalancersFor(dp, nic('vm2-nic')).map((lb) => lb.name)).toEqual(['lb-b']);
    expect(loadBalancersFor(dp, nic('vm3-nic')).map((lb) => lb.name)).toEqual(['lb-d']);
    expect(nic('vm3-nic').loadBalancerInboundNatRuleIds).toEqual([]);
    expect(applicationGatewaysFor(dp, nic('vm3-nic'), '10.0.1.6').map((g) => g.name)).toEqual(['agw']);
    expect(applicationGatewaysFor(dp, nic('vm1-nic'), '10.0.1.4')).toEqual([]);
    expect(outboundBalancersFor(dp.snapshot, nic('vm2-nic')).map((lb) => lb.name)).toEqual(['lb-b']);
    expect(outboundBalancersFor(dp.snapshot, nic('vm1-nic'))).toEqual([]);
    expect(checkAll(dp)).toEqual({ ipcs: 3, withLb: 3, withAgw: 1, withOutbound: 1 });
  });

  it('a built estate: exposure names both ways in to vm1, the pool rule to vm2 and the NAT rule only the balancer names and the gateway pool address to vm3', () => {
    const a = computeExposure(builtEstate(), {});
    expect(a.exposed.map((x) => [x.name, x.entry.via, x.entry.name, x.entry.frontendPort])).toEqual([
      ['vm1-nic', 'inboundNatRule', 'lb-a/ssh-vm1', 2222],
      ['vm1-nic', 'loadBalancerRule', 'lb-c/https', 443],
      ['vm2-nic', 'inboundNatRule', 'lb-b/ssh-pool', 50000],
      ['vm3-nic', 'applicationGateway', 'agw/r1', 443],
      ['vm3-nic', 'inboundNatRule', 'lb-d/ssh-vm3', 2223],
    ]);
  });

  it('the sample estate (two load balancers, an Application Gateway): each lookup holds every one the full loop would find, in snapshot order', () => {
    const dir = fileURLToPath(new URL('../../../examples/hub-spoke', import.meta.url));
    const dp = compile(snapshotOf(readFolderDocuments(dir), { allowErrors: true }));
    expect(dp.snapshot.loadBalancers.size).toBe(2);
    const counts = checkAll(dp);
    expect(counts.withLb).toBeGreaterThan(0);
    expect(counts.withAgw).toBeGreaterThan(0);
  });
});
