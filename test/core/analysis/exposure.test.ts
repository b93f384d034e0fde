// Exposure (issue "zero-trust questions", 1): false negatives and false positives as fixtures, the
// sample estate's intentional and planted exposures, and agreement with trace for every listed flow.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeExposure, formatIPv4, parseCidr, resolveRef, traceFlow, type DataPlane, type ExposureAnswer, type ExposedItem } from '../../../core/index.ts';
import { dataPlaneOf, readFolderDocuments, REPO_ROOT } from '../../support/load.ts';
import { EXPOSURE_CASES, fixtureText } from '../../fixtures/analysis/build.ts';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/analysis');
const exposureDp = () => dataPlaneOf(readFolderDocuments(join(FIXTURES, 'exposure')));
const sampleDp = () => dataPlaneOf(readFolderDocuments(join(REPO_ROOT, 'examples/hub-spoke')), { allowErrors: true });

/** `Protocol/ports` of an item, e.g. `Tcp/3389`, one per port range. */
function flat(item: ExposedItem | undefined): string[] {
  return (item?.allowed ?? []).flatMap((a) => (a.ports.length ? a.ports.map((p) => `${a.protocol}/${p}`) : [a.protocol])).sort();
}

function byName(r: ExposureAnswer, name: string): ExposedItem[] {
  return r.exposed.filter((x) => x.name === name);
}

function protocolNumber(p: string): number {
  return p === 'Tcp' ? 6 : p === 'Udp' ? 17 : p === 'Icmp' ? 1 : p === 'Esp' ? 50 : 51;
}

/**
 * Every listed flow is accepted by trace: for each item, entry and protocol, the lowest and the
 * highest port from the lowest and the highest source address.
 */
function checkAgainstTrace(dp: DataPlane, r: ExposureAnswer): number {
  let n = 0;
  for (const item of r.exposed) {
    for (const a of item.allowed) {
      const srcs = a.sources[0] === 'Internet' ? [a.example.src, '198.51.100.77'] : [a.sources[0], a.sources[a.sources.length - 1]].map((c) => {
        const p = parseCidr(c);
        return p.ok ? formatIPv4(p.cidr.start) : c;
      });
      const ports = a.ports.length ? [...new Set([a.ports[0].split('-')[0], a.ports[a.ports.length - 1].split('-').pop()!])].map(Number) : [undefined];
      for (const src of srcs) {
        for (const port of ports) {
          const from = resolveRef(dp, src);
          const to = item.kind === 'storageAccount' ? resolveRef(dp, item.name) : resolveRef(dp, item.resource);
          if (!from.ok || !to.ok) throw new Error(`cannot resolve ${src} or ${item.resource}`);
          const endpoints = item.kind === 'storageAccount' ? (port === 445 ? ['file'] : ['blob']) : [undefined];
          for (const endpoint of endpoints) {
            const t = traceFlow(dp, { from: from.ref, to: to.ref, protocol: protocolNumber(a.protocol), dstPort: port, viaPublicIp: r.from === 'internet' && item.kind !== 'storageAccount', endpoint });
            if (!t.ok) throw new Error(t.error);
            expect(t.trace.disposition, `${src} -> ${item.name} ${a.protocol}/${port} via ${item.entry.name}`).toBe('ACCEPTED');
            n++;
          }
        }
      }
    }
  }
  return n;
}

describe('exposure fixtures (false negatives and false positives)', () => {
  it('the checked-in fixture is what build.ts builds', () => {
    expect(readFileSync(join(FIXTURES, 'exposure/estate.json'), 'utf8')).toBe(fixtureText('exposure'));
  });

  const dp = exposureDp();
  const r = computeExposure(dp);

  it.each(EXPOSURE_CASES.map((c) => [c.name, c.exposed] as const))('%s', (name, expected) => {
    const items = byName(r, `nic-${name}`);
    expect(flat(items[0])).toEqual([...expected].sort());
    if (expected.length) {
      expect(items).toHaveLength(1);
      expect(items[0].entry.via).toBe('publicIp');
      expect(items[0].entry.name).toBe(`pip-${name}`);
      expect(items[0].allowed.every((a) => a.anySource && a.sources[0] === 'Internet')).toBe(true);
    } else expect(items).toHaveLength(0);
  });

  it('a load balancer NAT rule is exposed on its frontend port, not the backend port', () => {
    const [item] = byName(r, 'nic-lb-nat');
    expect(flat(item)).toEqual(['Tcp/50022']);
    expect(item.entry).toMatchObject({ via: 'inboundNatRule', name: 'lb-public/nat-ssh', publicIp: '198.18.1.1', frontendPort: 50022, backendPort: 22 });
    expect(item.allowed[0].example).toMatchObject({ dst: '198.18.1.1', dstPort: 50022 });
    expect(byName(r, 'nic-lb-other')).toHaveLength(0);
  });

  it('storage accounts whose public endpoint admits clients, with the admitted sources', () => {
    expect(byName(r, 'stopenall')[0].allowed[0]).toMatchObject({ protocol: 'Tcp', sources: ['Internet'], anySource: true });
    expect(byName(r, 'stiprule')[0].allowed[0]).toMatchObject({ sources: ['198.51.100.0/24'], anySource: false });
    expect(byName(r, 'stclosed')).toHaveLength(0);
  });

  it('asks only about endpoints with an entry point', () => {
    expect(r.summary.candidates).toBe(EXPOSURE_CASES.filter((c) => c.publicIp !== false).length + 1);
  });

  it('agrees with trace for every listed flow', () => {
    expect(checkAgainstTrace(dp, r)).toBeGreaterThan(20);
  });
});

describe('exposure on the sample estate (examples/README.md)', () => {
  const dp = sampleDp();
  const r = computeExposure(dp);
  const item = (name: string, entry: string) => r.exposed.find((x) => x.name === name && x.entry.name === entry);

  it('lists the planted and the intentional exposures, and nothing else', () => {
    // Mistake 1: RDP to the jump box from anywhere.
    expect(item('vm-jump01', 'pip-vm-jump01')?.allowed).toEqual([expect.objectContaining({ protocol: 'Tcp', ports: ['3389'], sources: ['Internet'] })]);
    // The legacy portal on 80 and the office-only SSH NAT rule on 50022.
    for (const vm of ['vm-legacy01', 'vm-legacy02']) expect(flat(item(vm, 'lb-legacy-public/lbr-http-80'))).toEqual(['Tcp/80']);
    expect(item('vm-legacy01', 'lb-legacy-public/nat-ssh-vm-legacy01')?.allowed).toEqual([expect.objectContaining({ protocol: 'Tcp', ports: ['50022'], sources: ['203.0.113.64/27'], anySource: false })]);
    // HTTPS 443 through the Application Gateway, to the web tier.
    for (const vm of ['vm-web01', 'vm-web02', 'vm-web03', 'vm-web04']) expect(flat(item(vm, 'agw-web-weu/rr-shop-https'))).toEqual(['Tcp/443']);
    // The partner DNAT, from the partner range only.
    expect(item('lb-app-internal', 'afw-hub-weu/DNAT-Partner-Api-8443')?.allowed).toEqual([expect.objectContaining({ protocol: 'Tcp', ports: ['8443'], sources: ['198.51.100.0/24'] })]);
    // Mistake 4: the storage account open to all networks.
    expect(item('stlogsweu01', 'stlogsweu01')?.allowed[0]).toMatchObject({ anySource: true });
    expect(r.exposed.map((x) => `${x.name}|${x.entry.name}`).sort()).toEqual([
      'lb-app-internal|afw-hub-weu/DNAT-Partner-Api-8443',
      'stlogsweu01|stlogsweu01',
      'vm-jump01|pip-vm-jump01',
      'vm-legacy01|lb-legacy-public/lbr-http-80',
      'vm-legacy01|lb-legacy-public/nat-ssh-vm-legacy01',
      'vm-legacy02|lb-legacy-public/lbr-http-80',
      'vm-web01|agw-web-weu/rr-shop-https',
      'vm-web02|agw-web-weu/rr-shop-https',
      'vm-web03|agw-web-weu/rr-shop-https',
      'vm-web04|agw-web-weu/rr-shop-https',
    ]);
  });

  it('agrees with trace for every listed flow (internet)', () => {
    expect(checkAgainstTrace(dp, r)).toBeGreaterThan(10);
  });

  it('from on-premises: the gateway, the local network gateway prefixes, and trace agrees', () => {
    const o = computeExposure(dp, { from: 'onprem' });
    expect(o.from).toBe('onprem');
    // Flow H: the on-premises admin range reaches vm-app01 on SSH through the gateway and the firewall.
    const app01 = o.exposed.find((x) => x.name === 'vm-app01');
    expect(app01?.entry).toMatchObject({ via: 'gateway', name: 'vgw-hub-weu' });
    expect(app01?.allowed[0]).toMatchObject({ protocol: 'Tcp', sources: ['172.16.10.0/24'] });
    expect(app01?.allowed[0].ports).toContain('22');
    // The legacy VNet is not connected to the hub: nothing there is reachable from on-premises.
    expect(o.exposed.some((x) => x.subnet?.startsWith('vnet-legacy-weu/'))).toBe(false);
    expect(checkAgainstTrace(dp, { ...o, exposed: o.exposed.filter((x) => x.kind !== 'storageAccount') })).toBeGreaterThan(10);
  });

  it('carries the caveats of the reach computations it used', () => {
    expect(r.caveats.map((c) => c.code)).toEqual(expect.arrayContaining(['firewall.dnat-snat', 'appgw.instance']));
  });
});
