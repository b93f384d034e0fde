// Audit round 2, AREA edge: load balancers, public IP SKUs, egress precedence, storage IP rules by
// egress address, Azure Firewall protocols and classic collections. Rule book
// (../shared/azure-semantics.md): 10.7, 12.1, 12.2, 12.7, 12.8, 13.1, 14.4, 14.5. Sources:
// "Public IP addresses" (learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses,
// SKU table) for 14.5; "Default outbound access" (learn.microsoft.com/azure/virtual-network/
// ip-services/default-outbound-access) for 14.4; "Outbound rules" (learn.microsoft.com/azure/
// load-balancer/outbound-rules: "Outbound rules will be followed only if the backend VM doesn't have
// an instance-level public IP address"); "Azure Firewall rule processing logic"
// (learn.microsoft.com/azure/firewall/rule-processing, S13) for 12.x; "Network security groups"
// (AllowAzureLoadBalancerInBound admits the platform's probes, not the clients the LB forwards).

import { describe, expect, it } from 'vitest';
import { computeBlastRadius, computeExposure, computeReach, computeWhatIf, PROTOCOL_NUMBERS, verifyIpFlow, type DataPlane, type Trace } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf, endpoint, ip } from '../../support/load.ts';
import { ref, reach, trace } from '../trace/helpers.ts';

type Json = Record<string, unknown>;

function egressStep(t: Trace): Json | undefined {
  for (const h of [t.source, ...t.hops]) for (const s of h.steps) if (s.kind === 'egress') return s as unknown as Json;
  return undefined;
}

/** web-nic (subnet NSG allowing TCP 8080 from Internet) and bare-nic (no NSG anywhere) behind one public Standard LB. */
function lbEstate(o: { lbSubnetNsg?: 'allow8080' | 'defaultsOnly' } = {}) {
  const b = new EstateBuilder()
    .publicIp('pip-lb', '20.50.0.10')
    .nsg('nsg-web', o.lbSubnetNsg === 'defaultsOnly' ? [] : [{ name: 'Allow-8080', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationPorts: '8080' }])
    .vnet('v', ['10.0.0.0/16'], [{ name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg-web' }, { name: 'bare', prefix: '10.0.2.0/24' }])
    .nic('web-nic', { subnet: 'v/web', ip: '10.0.1.4' })
    .nic('bare-nic', { subnet: 'v/bare', ip: '10.0.2.4' })
    .loadBalancer('lb', {
      publicIp: 'pip-lb',
      pool: ['web-nic', 'bare-nic'],
      rules: [{ name: 'http', protocol: 'Tcp', frontendPort: 80, backendPort: 8080 }],
      natRules: [
        { name: 'ssh-web', nic: 'web-nic', protocol: 'Tcp', frontendPort: 50001, backendPort: 22 },
        { name: 'ssh-bare', nic: 'bare-nic', protocol: 'Tcp', frontendPort: 50002, backendPort: 22 },
      ],
    });
  return { b, dp: dataPlaneOf(b.documents()) };
}

describe('public Standard load balancer in front of NICs with and without NSGs (rule 14.5)', () => {
  it('trace: port 80 reaches web-nic on 8080; the NAT rule to SSH is refused by the NSG; bare-nic (no NSG) is closed on both', () => {
    const { dp } = lbEstate();
    expect(trace(dp, 'internet', 'web-nic', 'Tcp', 80, { viaPublicIp: true }).disposition).toBe('ACCEPTED');
    expect(trace(dp, 'internet', 'web-nic', 'Tcp', 50001, { viaPublicIp: true }).disposition).toBe('DENIED_IN');
    expect(trace(dp, 'internet', 'bare-nic', 'Tcp', 80, { viaPublicIp: true }).disposition).toBe('DENIED_IN');
    expect(trace(dp, 'internet', 'bare-nic', 'Tcp', 50002, { viaPublicIp: true }).disposition).toBe('DENIED_IN');
  });

  it('exposure and reach agree with trace: only web-nic, only TCP 80 via lb/http', () => {
    const { dp } = lbEstate();
    const o = computeExposure(dp, { storage: false });
    const items = o.exposed.map((x) => `${x.name} ${x.entry.via} ${x.allowed.map((a) => `${a.protocol} ${a.ports.join(',')}`).join(';')}`);
    expect(items).toEqual(['web-nic loadBalancerRule Tcp 80']);
    expect(reach(dp, 'internet', 'web-nic', { viaPublicIp: true }).allowed.map((p) => `${p.protocol} ${p.ports.join(',')} via ${p.via}`)).toEqual(['Tcp 80 via lb/http']);
    expect(reach(dp, 'internet', 'bare-nic', { viaPublicIp: true }).allowed).toEqual([]);
  });

  it('an NSG with only the default rules refuses LB-forwarded clients: AllowAzureLoadBalancerInBound is for the probe source, not internet clients', () => {
    const { dp } = lbEstate({ lbSubnetNsg: 'defaultsOnly' });
    const t = trace(dp, 'internet', 'web-nic', 'Tcp', 80, { viaPublicIp: true });
    expect(t.disposition).toBe('DENIED_IN');
    expect(JSON.stringify(t)).toContain('DenyAllInBound');
    expect(computeExposure(dp, { storage: false }).exposed).toEqual([]);
  });

  it('13.1: IP flow verify on web-nic judges the backend port seen by the NIC (8080 allowed, 80 denied)', () => {
    const { dp } = lbEstate();
    const e = endpoint(dp, 'web-nic');
    const q = { direction: 'Inbound' as const, protocol: PROTOCOL_NUMBERS.Tcp, localIp: ip('10.0.1.4'), remoteIp: ip('198.51.100.7'), remotePort: 40000 };
    expect(verifyIpFlow(dp, e, { ...q, localPort: 8080 })).toMatchObject({ access: 'Allow', ruleName: 'securityRules/Allow-8080' });
    expect(verifyIpFlow(dp, e, { ...q, localPort: 80 })).toMatchObject({ access: 'Deny', ruleName: 'defaultSecurityRules/DenyAllInBound' });
  });

  it('what-if, incremental and full: associating an allowing NSG to the bare subnet newly exposes bare-nic through lb/http (an added NSG opens a Standard frontend)', () => {
    const { dp: before } = lbEstate();
    const b = new EstateBuilder()
      .publicIp('pip-lb', '20.50.0.10')
      .nsg('nsg-web', [{ name: 'Allow-8080', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationPorts: '8080' }])
      .vnet('v', ['10.0.0.0/16'], [{ name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg-web' }, { name: 'bare', prefix: '10.0.2.0/24', nsg: 'nsg-web' }])
      .nic('web-nic', { subnet: 'v/web', ip: '10.0.1.4' })
      .nic('bare-nic', { subnet: 'v/bare', ip: '10.0.2.4' })
      .loadBalancer('lb', { publicIp: 'pip-lb', pool: ['web-nic', 'bare-nic'], rules: [{ name: 'http', protocol: 'Tcp', frontendPort: 80, backendPort: 8080 }], natRules: [{ name: 'ssh-web', nic: 'web-nic', protocol: 'Tcp', frontendPort: 50001, backendPort: 22 }, { name: 'ssh-bare', nic: 'bare-nic', protocol: 'Tcp', frontendPort: 50002, backendPort: 22 }] });
    const after = dataPlaneOf(b.documents());
    expect(trace(after, 'internet', 'bare-nic', 'Tcp', 80, { viaPublicIp: true }).disposition).toBe('ACCEPTED');
    for (const mode of ['incremental', 'full'] as const) {
      const w = computeWhatIf(before, after, { mode, traces: false });
      expect(w.exposure.added.map((x) => `${x.name} ${x.protocol} ${x.ports.join(',')} ${x.via}`), mode).toEqual(['bare-nic Tcp 80 lb/http']);
      expect(w.exposure.removed, mode).toEqual([]);
    }
  });
});

describe('rule 14.5: a Basic public IP is open by default', () => {
  it('a NIC with a Basic public IP and no NSG is reached from the internet on any port, with the retirement caveat; Standard is closed', () => {
    for (const [sku, expected] of [['Basic', 'ACCEPTED'], ['Standard', 'DENIED_IN']] as const) {
      const b = new EstateBuilder().publicIp('pip-vm', '20.50.0.20', sku).vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24' }]).nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4', publicIp: 'pip-vm' });
      const dp = dataPlaneOf(b.documents());
      const t = trace(dp, 'internet', 'vm-nic', 'Tcp', 3389, { viaPublicIp: true });
      expect(t.disposition, sku).toBe(expected);
      if (sku === 'Basic') {
        expect(t.caveats.map((c) => c.code)).toContain('pip.basic');
        const o = computeExposure(dp, { storage: false });
        expect(o.exposed.map((x) => x.name)).toEqual(['vm-nic']);
      }
    }
  });
});

/** A VM in westeurope with any mix of NAT gateway, instance public IP and LB outbound rule; a storage account in eastus that admits only the LB frontend. */
function egressEstate(o: { natGateway: boolean; nicPublicIp: boolean; lbOutbound: boolean; privateSubnet?: boolean }) {
  const b = new EstateBuilder()
    .publicIp('pip-nat', '20.60.0.1')
    .publicIp('pip-vm', '20.60.0.2')
    .publicIp('pip-lb', '20.60.0.3');
  if (o.natGateway) {
    b.add({ id: b.id('Microsoft.Network/natGateways', 'ng'), name: 'ng', type: 'Microsoft.Network/natGateways', location: b.location, sku: { name: 'Standard' }, properties: { publicIpAddresses: [{ id: b.id('Microsoft.Network/publicIPAddresses', 'pip-nat') }] } });
  }
  b.vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', ...(o.natGateway ? { natGateway: 'ng' } : {}), ...(o.privateSubnet ? { defaultOutboundAccess: false } : {}) }])
    .nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4', ...(o.nicPublicIp ? { publicIp: 'pip-vm' } : {}) });
  if (o.lbOutbound) b.loadBalancer('lb', { publicIp: 'pip-lb', pool: ['vm-nic'], outboundRules: [{ name: 'out', protocol: 'All' }] });
  const sa = new EstateBuilder('rg-test', 'eastus').storageAccount('saeast', { defaultAction: 'Deny', ipRules: ['20.60.0.3'] });
  b.add(sa.resources[0]);
  return dataPlaneOf(b.documents());
}

describe('rule 14.4 and 10.7: which egress method a NIC uses, and which address a storage IP rule sees', () => {
  it('NAT gateway > instance public IP > LB outbound rule > default outbound access > none (private subnet)', () => {
    const m = (o: Parameters<typeof egressEstate>[0]) => egressStep(trace(egressEstate(o), 'vm-nic', '93.184.216.34', 'Tcp', 443))?.method;
    expect(m({ natGateway: true, nicPublicIp: true, lbOutbound: true })).toBe('natGateway');
    expect(m({ natGateway: false, nicPublicIp: true, lbOutbound: true })).toBe('publicIp');
    expect(m({ natGateway: false, nicPublicIp: false, lbOutbound: true, privateSubnet: true })).toBe('loadBalancerOutbound');
    expect(m({ natGateway: false, nicPublicIp: false, lbOutbound: false })).toBe('defaultOutboundAccess');
    expect(trace(egressEstate({ natGateway: false, nicPublicIp: false, lbOutbound: false, privateSubnet: true }), 'vm-nic', '93.184.216.34', 'Tcp', 443).disposition).toBe('NO_ROUTE');
  });

  it('the cross-region account admits the LB frontend address only when the LB outbound rule is the method used', () => {
    const to = (o: Parameters<typeof egressEstate>[0]) => trace(egressEstate(o), 'vm-nic', 'saeast', 'Tcp', 443).disposition;
    expect(to({ natGateway: false, nicPublicIp: false, lbOutbound: true })).toBe('ACCEPTED');
    // An instance public IP wins over the outbound rule: the account sees 20.60.0.2 and refuses it.
    expect(to({ natGateway: false, nicPublicIp: true, lbOutbound: true })).not.toBe('ACCEPTED');
    // A NAT gateway wins over both: the account sees 20.60.0.1.
    expect(to({ natGateway: true, nicPublicIp: false, lbOutbound: true })).not.toBe('ACCEPTED');
    const dp = egressEstate({ natGateway: false, nicPublicIp: false, lbOutbound: true });
    expect(computeReach(dp, { from: ref(dp, 'vm-nic'), to: ref(dp, 'saeast') }).allowed.length).toBeGreaterThan(0);
  });
});

describe('load balancer outbound rule protocol (learn.microsoft.com/azure/load-balancer/outbound-rules: outbound rules control "which protocols to provide outbound translation for"; REST enum Tcp|Udp|All)', () => {
  it('in a private subnet (14.4, no default outbound access), an outbound rule for TCP only lets TCP out and not UDP; trace and blast agree', () => {
    const b = new EstateBuilder().publicIp('pip-lb', '20.60.0.3')
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', defaultOutboundAccess: false }])
      .nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4' })
      .loadBalancer('lb', { publicIp: 'pip-lb', pool: ['vm-nic'], outboundRules: [{ name: 'out-tcp', protocol: 'Tcp' }] });
    const dp = dataPlaneOf(b.documents());
    const tcp = trace(dp, 'vm-nic', '93.184.216.34', 'Tcp', 443);
    expect([tcp.disposition, egressStep(tcp)?.method]).toEqual(['EXITS_NETWORK', 'loadBalancerOutbound']);
    const udp = trace(dp, 'vm-nic', '93.184.216.34', 'Udp', 53);
    expect([udp.disposition, egressStep(udp)?.method]).toEqual(['NO_ROUTE', 'none']);
    const exit = computeBlastRadius(dp, { from: ref(dp, 'vm-nic') }).exits.find((x) => x.kind === 'internet');
    expect(exit?.path.at(-1)?.allowed.map((a) => a.protocol)).toEqual(['Tcp']);
  });
});

/** Subnets a (10.0.1.0/24) and b (10.0.2.0/24) routed to each other through a classic Azure Firewall at 10.0.0.4. */
function fwEstate(collections: Json[]) {
  const b = new EstateBuilder()
    .routeTable('rt-a', [{ name: 'to-b', prefix: '10.0.2.0/24', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.0.4' }])
    .routeTable('rt-b', [{ name: 'to-a', prefix: '10.0.1.0/24', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.0.4' }])
    .vnet('hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.0.0/26' }, { name: 'a', prefix: '10.0.1.0/24', routeTable: 'rt-a' }, { name: 'b', prefix: '10.0.2.0/24', routeTable: 'rt-b' }])
    .nic('a-nic', { subnet: 'hub/a', ip: '10.0.1.4' })
    .nic('b-nic', { subnet: 'hub/b', ip: '10.0.2.4' });
  const id = b.id('Microsoft.Network/azureFirewalls', 'fw');
  b.add({
    id, name: 'fw', type: 'Microsoft.Network/azureFirewalls', location: b.location,
    properties: {
      sku: { name: 'AZFW_VNet', tier: 'Standard' },
      ipConfigurations: [{ id: `${id}/azureFirewallIpConfigurations/ipconfig`, name: 'ipconfig', properties: { privateIPAddress: '10.0.0.4', subnet: { id: b.subnetId('hub', 'AzureFirewallSubnet') } } }],
      networkRuleCollections: collections,
      applicationRuleCollections: [],
      natRuleCollections: [],
    },
  });
  return dataPlaneOf(b.documents());
}

const classicNet = (name: string, priority: number, action: 'Allow' | 'Deny', rules: { name: string; protocols: string[]; src: string[]; dst: string[]; ports: string[] }[]): Json => ({
  name,
  properties: { priority, action: { type: action }, rules: rules.map((r) => ({ name: r.name, protocols: r.protocols, sourceAddresses: r.src, destinationAddresses: r.dst, destinationPorts: r.ports })) },
});

describe('rules 12.1, 12.2, 12.7, 12.8 on a classic firewall, trace and reach together', () => {
  it('12.2 / 12.9: Deny collection at 100 beats Allow collection at 200 for SSH (collections given in the other order)', () => {
    const dp = fwEstate([
      classicNet('Allow-SSH', 200, 'Allow', [{ name: 'ssh', protocols: ['TCP'], src: ['10.0.1.0/24'], dst: ['10.0.2.0/24'], ports: ['22'] }]),
      classicNet('Deny-SSH', 100, 'Deny', [{ name: 'no-ssh', protocols: ['TCP'], src: ['*'], dst: ['*'], ports: ['22'] }]),
    ]);
    const t = trace(dp, 'a-nic', 'b-nic', 'Tcp', 22);
    expect(t.disposition).not.toBe('ACCEPTED');
    expect(JSON.stringify(t)).toContain('no-ssh');
    expect(reach(dp, 'a-nic', 'b-nic').allowed).toEqual([]);
  });

  it('12.7 and 12.1: an ICMP rule passes ping only (reach: exactly Icmp); Any passes TCP, UDP and ICMP; no collection passes nothing', () => {
    const dp = fwEstate([classicNet('Allow-ICMP', 100, 'Allow', [{ name: 'ping', protocols: ['ICMP'], src: ['10.0.1.0/24'], dst: ['10.0.2.0/24'], ports: ['*'] }])]);
    expect(trace(dp, 'a-nic', 'b-nic', 'Icmp').disposition).toBe('ACCEPTED');
    expect(trace(dp, 'a-nic', 'b-nic', 'Tcp', 443).disposition).not.toBe('ACCEPTED');
    expect(reach(dp, 'a-nic', 'b-nic').allowed.map((p) => p.protocol)).toEqual(['Icmp']);
    // Any with all ports passes TCP, UDP and ICMP; 12.1: with no collection at all, nothing passes.
    const any = fwEstate([classicNet('Allow-Any', 100, 'Allow', [{ name: 'any', protocols: ['Any'], src: ['10.0.1.0/24'], dst: ['10.0.2.0/24'], ports: ['*'] }])]);
    for (const [p, port] of [['Tcp', 1433], ['Udp', 53], ['Icmp', undefined]] as const) expect(trace(any, 'a-nic', 'b-nic', p, port).disposition, p).toBe('ACCEPTED');
    const none = fwEstate([]);
    expect(trace(none, 'a-nic', 'b-nic', 'Icmp').disposition).not.toBe('ACCEPTED');
    expect(reach(none, 'a-nic', 'b-nic').allowed).toEqual([]);
  });

  it('12.8: an allow a→b does not allow a new connection b→a, even though the return traffic of a→b passes', () => {
    const dp = fwEstate([classicNet('Allow-a-to-b', 100, 'Allow', [{ name: 'a2b', protocols: ['TCP'], src: ['10.0.1.0/24'], dst: ['10.0.2.0/24'], ports: ['443'] }])]);
    expect(trace(dp, 'a-nic', 'b-nic', 'Tcp', 443).disposition).toBe('ACCEPTED');
    expect(trace(dp, 'b-nic', 'a-nic', 'Tcp', 443).disposition).not.toBe('ACCEPTED');
    expect(reach(dp, 'b-nic', 'a-nic').allowed).toEqual([]);
  });
});

describe('rule 14.4 precedence at an Azure Firewall: a NAT gateway on AzureFirewallSubnet carries its internet egress (learn.microsoft.com/azure/firewall/integrate-with-nat-gateway)', () => {
  /** Spoke VM forced through a policy firewall (allow everything) whose subnet has a NAT gateway; an eastus account admits only the NAT gateway address. */
  function estate() {
    const b = new EstateBuilder()
      .publicIp('pip-fw', '20.70.0.1')
      .publicIp('pip-nat', '20.70.0.2')
      .routeTable('rt-spoke', [{ name: 'default', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }], true);
    b.add({ id: b.id('Microsoft.Network/natGateways', 'ng-fw'), name: 'ng-fw', type: 'Microsoft.Network/natGateways', location: b.location, sku: { name: 'Standard' }, properties: { publicIpAddresses: [{ id: b.id('Microsoft.Network/publicIPAddresses', 'pip-nat') }] } });
    b.vnet('hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.1.0/26', natGateway: 'ng-fw' }])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', routeTable: 'rt-spoke' }])
      .peer('hub', 'spoke', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
      .firewallPolicy('pol')
      .ruleCollectionGroup('pol', 'rcg', 100, [{ ruleCollectionType: 'FirewallPolicyFilterRuleCollection', name: 'allow-all', priority: 100, action: { type: 'Allow' }, rules: [{ ruleType: 'NetworkRule', name: 'any', ipProtocols: ['Any'], sourceAddresses: ['*'], destinationAddresses: ['*'], destinationPorts: ['*'] }] }])
      .firewall('afw', { vnet: 'hub', privateIp: '10.0.1.4', publicIp: 'pip-fw', policy: 'pol' })
      .nic('vm-nic', { subnet: 'spoke/s', ip: '10.1.1.4' });
    b.add(new EstateBuilder('rg-test', 'eastus').storageAccount('saeast', { defaultAction: 'Deny', ipRules: ['20.70.0.2'] }).resources[0]);
    return dataPlaneOf(b.documents());
  }

  it('the egress step names the NAT gateway, and the account that admits only its address is reached; trace and reach agree', () => {
    const dp = estate();
    const toSa = trace(dp, 'vm-nic', 'saeast', 'Tcp', 443);
    expect([egressStep(trace(dp, 'vm-nic', '93.184.216.34', 'Tcp', 443))?.method, toSa.disposition]).toEqual(['natGateway', 'ACCEPTED']);
    expect(computeReach(dp, { from: ref(dp, 'vm-nic'), to: ref(dp, 'saeast') }).allowed.length).toBeGreaterThan(0);
  });
});
