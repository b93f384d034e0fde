// Property (issue 2): the symbolic NSG evaluation and the one-flow evaluation agree. For each
// endpoint and direction we compute once the set of packets the NSGs permit, then check at least
// 10,000 random flows in total against evaluateEndpointFilter.

import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { computeEndpointPermits, evaluateEndpointFilter, filterPointFor, PacketSpace, type DataPlane, type Endpoint, type Flow } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf, readFolderDocuments, REPO_ROOT, ip } from '../../support/load.ts';

function mixedFixture(): DataPlane {
  const b = new EstateBuilder()
    .asg('asg-a')
    .asg('asg-b')
    .nsg('nsg-sub', [
      { name: 'deny-range', priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', source: '10.1.0.0/17', destinationPorts: ['1000-2000', '3389'] },
      { name: 'allow-asg', priority: 110, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAsgs: ['asg-b'], destinationAsgs: ['asg-a'], destinationPorts: '443' },
      { name: 'allow-net', priority: 120, direction: 'Inbound', access: 'Allow', protocol: '*', source: 'Internet', destinationPorts: '80-90' },
      { name: 'deny-udp', priority: 130, direction: 'Inbound', access: 'Deny', protocol: 'Udp', source: 'VirtualNetwork' },
      { name: 'out-deny', priority: 100, direction: 'Outbound', access: 'Deny', protocol: 'Tcp', destination: '52.0.0.0/8', destinationPorts: '443', sourcePorts: '1024-65535' },
      { name: 'out-icmp', priority: 110, direction: 'Outbound', access: 'Deny', protocol: 'Icmp', destination: 'Internet' },
    ])
    .nsg('nsg-nic', [
      { name: 'nic-allow', priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: ['10.0.0.0/8', '203.0.113.0/24'], destinationPorts: ['22', '80-85', '443'] },
      { name: 'nic-deny', priority: 300, direction: 'Inbound', access: 'Deny', protocol: '*', source: '*' },
    ])
    .vnet('a', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg-sub' }, { name: 't', prefix: '10.0.2.0/24' }])
    .vnet('b', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
    .peer('a', 'b')
    .nic('a1', { subnet: 'a/s', ip: '10.0.1.4', asgs: ['asg-a'], nsg: 'nsg-nic' })
    .nic('a2', { subnet: 'a/s', ip: '10.0.1.5', asgs: ['asg-a'] })
    // A rule may pair ASGs of one VNet only (rule 4.6): asg-b's member is in VNet a too.
    .nic('a3', { subnet: 'a/t', ip: '10.0.2.4', asgs: ['asg-b'] })
    .nic('b1', { subnet: 'b/s', ip: '10.1.1.4' });
  return dataPlaneOf(b.documents());
}

function endpointsOf(dp: DataPlane): Endpoint[] {
  const out: Endpoint[] = [];
  for (const m of dp.addresses.byVnet.values()) for (const e of m.values()) if (e.kind === 'nic' || e.kind === 'privateEndpoint') out.push(e);
  return out;
}

const PROTOCOLS = [1, 6, 17, 50];
const interesting = ['10.0.1.4', '10.0.1.5', '10.0.2.4', '10.1.1.4', '10.1.0.9', '203.0.113.7', '52.1.2.3', '168.63.129.16', '192.168.1.1', '13.107.21.200'];

function checkAgreement(dp: DataPlane, runs: number): number {
  const eps = endpointsOf(dp);
  if (eps.length === 0) return 0;
  const addrs = [...interesting.map(ip), ...eps.map((e) => e.ip)];
  const cache = new Map<string, PacketSpace>();
  let checked = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: eps.length - 1 }),
      fc.boolean(),
      fc.constantFrom(...PROTOCOLS),
      fc.oneof(fc.constantFrom(...addrs), fc.integer({ min: 0, max: 0xffffffff })),
      fc.oneof(fc.constantFrom(0, 22, 80, 85, 443, 1024, 1500, 3389, 65535), fc.integer({ min: 0, max: 65535 })),
      fc.oneof(fc.constantFrom(0, 22, 80, 86, 443, 1000, 2000, 3389), fc.integer({ min: 0, max: 65535 })),
      (i, inbound, protocol, other, otherPort, localPort) => {
        const e = eps[i];
        const direction = inbound ? 'Inbound' : 'Outbound';
        const point = filterPointFor(dp, e.subnetId, e.kind === 'nic' ? e.nicId : e.kind === 'privateEndpoint' ? e.nicId : undefined, e.kind === 'privateEndpoint');
        const flow: Flow = inbound
          ? { protocol, src: other, srcPort: otherPort, dst: e.ip, dstPort: localPort }
          : { protocol, src: e.ip, srcPort: localPort, dst: other, dstPort: otherPort };
        const key = `${e.vnetId}|${e.ip}|${direction}`;
        let permits = cache.get(key);
        if (!permits) cache.set(key, (permits = computeEndpointPermits(dp, point, direction, PacketSpace.ALL).allowed));
        const concrete = evaluateEndpointFilter(dp, point, direction, flow).access === 'Allow';
        expect(permits.has(flow)).toBe(concrete);
        checked++;
      },
    ),
    { numRuns: runs, seed: 20261128 },
  );
  return checked;
}

describe('symbolic and one-flow NSG evaluation agree', () => {
  it('on a fixture mixing ASGs, tags, ranges, protocols and both NSG levels', () => {
    expect(checkAgreement(mixedFixture(), 5000)).toBe(5000);
  });

  const sample = join(REPO_ROOT, 'examples/hub-spoke');
  it.skipIf(!existsSync(sample))('on the sample estate', () => {
    const dp = dataPlaneOf(readFolderDocuments(sample), { allowErrors: true });
    expect(checkAgreement(dp, 5000)).toBe(5000);
  });
});
