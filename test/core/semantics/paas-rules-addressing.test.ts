// Addressing and tag facts (rule book 4.2, 4.5, 14.1, 14.2, 14.3), through the public API on
// REST-shaped estates. Sources:
// - learn.microsoft.com/azure/virtual-network/service-tags-overview (S4): AzureLoadBalancer "translates
//   to the virtual IP address of the host (168.63.129.16) where the Azure health probes originate.
//   This only includes probe traffic, not real traffic to your backend resource" (4.2); the tags a
//   user-defined route cannot use: AzurePlatformDNS, AzurePlatformIMDS, AzurePlatformLKM,
//   VirtualNetwork, AzureLoadBalancer, Internet (4.5).
// - learn.microsoft.com/azure/virtual-network/virtual-networks-faq (S8): each subnet reserves
//   x.x.x.0-x.x.x.3 and the last address (14.1); 224.0.0.0/4, 255.255.255.255/32, 127.0.0.0/8,
//   169.254.0.0/16 and 168.63.129.16/32 are not allowed in an address space, the smallest IPv4
//   subnet is /29 (14.2); "You can use TCP, UDP, and ICMP TCP/IP protocols within VNets ...
//   Multicast, broadcast, IP-in-IP encapsulated packets, and Generic Routing Encapsulation (GRE)
//   packets are blocked within VNets" (14.3).
//
// Already pinned elsewhere: 168.63.129.16 allowed inbound by the default rules
// (test/core/policy/nsg-evaluation.test.ts "4.2: health probes ..."); VirtualNetwork, Internet,
// AzureLoadBalancer and AzurePlatformDNS refused as route prefixes
// (test/core/dataplane/effective-routes.test.ts "4.5: the tags Azure refuses ...").

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeEffectiveRoutesView, computeExposure, traceFlow, verifyIpFlow, PROTOCOL_NUMBERS, type DataPlane, type Snapshot } from '../../../core/index.ts';
import { EstateBuilder, type RuleSpec } from '../../support/estate-builder.ts';
import { dataPlaneOf, endpoint, ip, PUBLIC_SERVICE_TAGS, snapshotOf } from '../../support/load.ts';
import { reach, ref, trace } from '../trace/helpers.ts';

describe('rule 4.2: AzureLoadBalancer is 168.63.129.16 and only the probes', () => {
  function probeOnly(rules: RuleSpec[]): DataPlane {
    const b = new EstateBuilder()
      .publicIp('pip-lb', '20.60.0.10')
      .nsg('nsg-web', rules)
      .vnet('v', ['10.0.0.0/16'], [{ name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg-web' }, { name: 'other', prefix: '10.0.2.0/24' }])
      .nic('web-nic', { subnet: 'v/web', ip: '10.0.1.4' })
      .nic('other-nic', { subnet: 'v/other', ip: '10.0.2.4' })
      .loadBalancer('lb', { publicIp: 'pip-lb', pool: ['web-nic'], rules: [{ name: 'http', protocol: 'Tcp', frontendPort: 80, backendPort: 80 }] });
    return dataPlaneOf(b.documents());
  }
  const allowProbe: RuleSpec = { name: 'Allow-Probe', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'AzureLoadBalancer', destinationPorts: '80' };
  const denyAll: RuleSpec = { name: 'Deny-All-In', priority: 4000, direction: 'Inbound', access: 'Deny' };

  it('an NSG rule with source AzureLoadBalancer matches 168.63.129.16 and nothing else', () => {
    const dp = probeOnly([allowProbe, denyAll]);
    const verify = (remote: string) => {
      const r = verifyIpFlow(dp, endpoint(dp, 'web-nic'), { direction: 'Inbound', protocol: PROTOCOL_NUMBERS.Tcp, localIp: ip('10.0.1.4'), localPort: 80, remoteIp: ip(remote), remotePort: 50000 });
      return `${r.access} ${r.ruleName}`;
    };
    expect(verify('168.63.129.16')).toBe('Allow securityRules/Allow-Probe');
    expect(verify('168.63.129.17')).toBe('Deny securityRules/Deny-All-In');
    expect(verify('10.0.2.4')).toBe('Deny securityRules/Deny-All-In');
    expect(verify('198.51.100.7')).toBe('Deny securityRules/Deny-All-In');
  });

  it('client traffic through the public load balancer is not AzureLoadBalancer: the probe rule does not let it in', () => {
    const dp = probeOnly([allowProbe, denyAll]);
    expect(trace(dp, '198.51.100.7', 'web-nic', 'Tcp', 80, { viaPublicIp: true })).toMatchObject({ disposition: 'DENIED_IN', stoppedBy: { rule: 'securityRules/Deny-All-In' } });
    expect(reach(dp, 'internet', 'web-nic', { viaPublicIp: true }).allowed).toEqual([]);
    expect(computeExposure(dp).exposed.filter((e) => e.name === 'web-nic' || e.ip === '10.0.1.4')).toEqual([]);
    // Whereas a rule for the clients (Internet) does.
    const open = probeOnly([{ ...allowProbe, name: 'Allow-Web', source: 'Internet' }, denyAll]);
    expect(trace(open, '198.51.100.7', 'web-nic', 'Tcp', 80, { viaPublicIp: true }).disposition).toBe('ACCEPTED');
  });
});

describe.skipIf(!existsSync(PUBLIC_SERVICE_TAGS))('rule 4.5: AzurePlatformIMDS and AzurePlatformLKM are refused as route prefixes too; other tags are not', () => {
  it('the two platform tags are left out and named; a Storage tag route beside them is kept', () => {
    const b = new EstateBuilder()
      .routeTable('rt', [
        { name: 'to-imds', prefix: 'AzurePlatformIMDS', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.5' },
        { name: 'to-lkm', prefix: 'AzurePlatformLKM', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.5' },
        { name: 'to-storage', prefix: 'Storage', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.6' },
      ])
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' }]);
    const dp = dataPlaneOf(b.documents(), { serviceTagsFile: PUBLIC_SERVICE_TAGS });
    const view = computeEffectiveRoutesView(dp, b.subnetId('v', 's').toLowerCase());
    expect(view.value.filter((r) => r.source === 'User').map((r) => r.name)).toEqual(['to-storage']);
    expect(view.caveats.find((c) => c.code === 'route.tag-forbidden')?.message).toContain('AzurePlatformIMDS');
  });
});

/** Diagnostics of an import that name `resourceName` (any severity but info). */
function diagnosticsFor(s: Snapshot, resourceName: string) {
  return s.diagnostics.filter((d) => d.severity !== 'info' && (d.resourceId ?? '').toLowerCase().includes(resourceName.toLowerCase()));
}

describe('rule 14.1: the first four and the last address of a subnet are Azure\'s', () => {
  it('the first usable address is .4: a NIC there imports cleanly', () => {
    const s = snapshotOf(new EstateBuilder().vnet('v', ['10.0.0.0/16'], [{ name: 'a', prefix: '10.0.1.0/24' }]).nic('ok-nic', { subnet: 'v/a', ip: '10.0.1.4' }).documents());
    expect(diagnosticsFor(s, 'ok-nic')).toEqual([]);
  });

  it('a NIC claiming a reserved address (.1, the gateway; .255, the last) is reported, not silently modelled', () => {
    for (const addr of ['10.0.1.1', '10.0.1.255']) {
      const s = snapshotOf(new EstateBuilder().vnet('v', ['10.0.0.0/16'], [{ name: 'a', prefix: '10.0.1.0/24' }]).nic('bad-nic', { subnet: 'v/a', ip: addr }).documents(), { allowErrors: true });
      expect(diagnosticsFor(s, 'bad-nic').length, addr).toBeGreaterThan(0);
    }
  });
});

describe('rule 14.2: address spaces Azure refuses, and subnets smaller than /29', () => {
  it('a VNet with 169.254.0.0/16, or one holding 168.63.129.16, is reported', () => {
    for (const space of ['169.254.0.0/16', '168.63.0.0/16', '224.0.0.0/4', '127.0.0.0/8']) {
      const s = snapshotOf(new EstateBuilder().vnet('badvnet', [space], []).documents(), { allowErrors: true });
      expect(diagnosticsFor(s, 'badvnet').length, space).toBeGreaterThan(0);
    }
    // A normal private space is not.
    expect(diagnosticsFor(snapshotOf(new EstateBuilder().vnet('goodvnet', ['10.0.0.0/16'], []).documents()), 'goodvnet')).toEqual([]);
  });

  it('a /30 subnet is reported', () => {
    const s = snapshotOf(new EstateBuilder().vnet('v', ['10.0.0.0/16'], [{ name: 'tiny', prefix: '10.0.1.0/30' }]).documents(), { allowErrors: true });
    expect(diagnosticsFor(s, 'subnets/tiny').length).toBeGreaterThan(0);
  });
});

describe('rule 14.3: TCP, UDP and ICMP within a VNet; GRE, IP-in-IP, multicast and broadcast blocked', () => {
  const dp = dataPlaneOf(
    new EstateBuilder()
      .vnet('v', ['10.0.0.0/16'], [{ name: 'a', prefix: '10.0.1.0/24' }, { name: 'b', prefix: '10.0.2.0/24' }])
      .nic('a-nic', { subnet: 'v/a', ip: '10.0.1.4' })
      .nic('b-nic', { subnet: 'v/b', ip: '10.0.2.4' })
      .documents(),
  );
  const disposition = (to: string, protocol: number, dstPort?: number) => {
    const r = traceFlow(dp, { from: ref(dp, 'a-nic'), to: ref(dp, to), protocol, dstPort });
    if (!r.ok) throw new Error(r.error);
    return r.trace.disposition;
  };

  it('TCP, UDP and ICMP between two VMs of the VNet are delivered (no NSG at all)', () => {
    expect(disposition('b-nic', PROTOCOL_NUMBERS.Tcp, 22)).toBe('ACCEPTED');
    expect(disposition('b-nic', PROTOCOL_NUMBERS.Udp, 53)).toBe('ACCEPTED');
    expect(disposition('b-nic', PROTOCOL_NUMBERS.Icmp)).toBe('ACCEPTED');
  });

  it('GRE (47) and IP-in-IP (4) between the same two VMs are not delivered', () => {
    expect(disposition('b-nic', 47)).not.toBe('ACCEPTED');
    expect(disposition('b-nic', 4)).not.toBe('ACCEPTED');
  });

  it('multicast and broadcast destinations are neither delivered nor sent out to the internet', () => {
    for (const to of ['224.0.0.5', '239.1.1.1', '255.255.255.255', '10.0.2.255']) {
      expect(['ACCEPTED', 'EXITS_NETWORK'], to).not.toContain(disposition(to, PROTOCOL_NUMBERS.Udp, 5000));
    }
  });
});
