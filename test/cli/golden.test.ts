// Golden answers on the sample estate (examples/hub-spoke): the exact --json output of routes,
// rules, verify and next-hop for the NICs and flows that examples/README.md calls out. Reviewed by
// eye against the rule book (azure-semantics.md) and the README's expected flows.
// Regenerate with: UPDATE_GOLDEN=1 npx vitest run test/cli

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE, repoPath, run } from './helpers.ts';

const GOLDEN_DIR = repoPath('test', 'cli', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const verify = (nic: string, direction: string, local: string, remote: string, protocol = 'TCP') => [
  'verify', SAMPLE, '--nic', nic, '--direction', direction, '--protocol', protocol, '--local', local, '--remote', remote,
];

/** name -> argv (without --json). The comment says what the answer must show. */
const CASES: Record<string, string[]> = {
  // Forced tunnelling: user 0.0.0.0/0 -> 10.0.1.4 invalidates the default Internet route; reserved
  // None routes removed (rule 7.5); gateway routes absent (disableBgpRoutePropagation).
  'routes-vm-web01': ['routes', SAMPLE, '--nic', 'vm-web01'],
  // Service endpoint route (Microsoft.Storage on snet-app) next to the forced tunnel.
  'routes-vm-app01': ['routes', SAMPLE, '--nic', 'vm-app01'],
  // Mistake 3 side effect: no route table, so gateway-transit routes and the Internet route apply.
  'routes-vm-batch01': ['routes', SAMPLE, '--nic', 'vm-batch01'],
  // Gateway routes (192.168.0.0/16, 172.16.10.0/24 via 10.0.0.30) and UDRs that invalidate the
  // peering routes of the same prefixes (rule 7.2/7.4); the PE /32 of the directly peered data VNet.
  'routes-gateway-subnet': ['routes', SAMPLE, '--subnet', 'vnet-hub-weu/GatewaySubnet'],
  // Mistake 5: the direct legacy<->data peering, and the PE /32 reaching the peered VNet.
  'routes-vm-legacy03': ['routes', SAMPLE, '--nic', 'vm-legacy03'],

  // ASG members expanded (10.1.1.4/30), Internet expanded, VirtualNetwork = 0.0.0.0/0 (UDR).
  'rules-vm-web01': ['rules', SAMPLE, '--nic', 'vm-web01'],
  // Two NSGs: the NIC's (vm-legacy01-nsg) listed first, then the subnet's (nsg-legacy).
  'rules-vm-legacy01': ['rules', SAMPLE, '--nic', 'vm-legacy01'],
  // Private endpoint with network policies Disabled: nsg-pe does not apply (rule 11.4).
  'rules-pe-stdata-blob': ['rules', SAMPLE, '--nic', 'pe-stdata-blob'],

  // Mistake 1: internet RDP to the jump box, allowed by nsg-mgmt Allow-RDP-Internet.
  'verify-internet-rdp-jump01': verify('vm-jump01', 'Inbound', '10.0.3.4:3389', '198.51.100.7:50123'),
  // Mistakes 5 and 6: legacy03 -> sql01:1433 allowed by Allow-Internal-Any (200), the deny (300) shadowed.
  'verify-legacy03-to-sql01-1433': verify('vm-sql01', 'Inbound', '10.3.1.4:1433', '10.9.1.6:49152'),
  // Mistake 7: web -> app 8443 admitted only by defaultSecurityRules/AllowVnetInBound.
  'verify-web01-to-app01-8443': verify('vm-app01', 'Inbound', '10.2.1.4:8443', '10.1.1.4:50000'),
  // Flow M: office SSH to vm-legacy01 passes the subnet NSG then the NIC NSG.
  'verify-office-ssh-legacy01': verify('vm-legacy01', 'Inbound', '10.9.1.4:22', '203.0.113.70:40000'),
  // Flow N: any other internet address is denied at the subnet; the NIC NSG is not evaluated.
  'verify-internet-ssh-legacy01': verify('vm-legacy01', 'Inbound', '10.9.1.4:22', '198.51.100.7:40000'),
  // Flow O: web -> sql 1433 denied on the way out by nsg-web Deny-All-Outbound.
  'verify-web01-out-sql01-1433': verify('vm-web01', 'Outbound', '10.1.1.4:50000', '10.3.1.4:1433'),
  // No UDR on snet-legacy: internet egress allowed by defaultSecurityRules/AllowInternetOutBound.
  'verify-legacy01-out-internet-udp': verify('vm-legacy01', 'Outbound', '10.9.1.4:50000', '93.184.216.34:443', 'UDP'),

  // Spoke egress goes to the firewall (rt-app default-to-afw).
  'next-hop-app01-to-internet': ['next-hop', SAMPLE, '--nic', 'vm-app01', '--dest', '93.184.216.34'],
  // Mistake 3: snet-batch egress skips the firewall.
  'next-hop-batch01-to-internet': ['next-hop', SAMPLE, '--nic', 'vm-batch01', '--dest', '93.184.216.34'],
  // Flow S: batch -> sql is null-routed by Default 10.0.0.0/8 None.
  'next-hop-batch01-to-sql01': ['next-hop', SAMPLE, '--nic', 'vm-batch01', '--dest', '10.3.1.4'],
  // Mistake 5: legacy -> sql over the peering, no firewall.
  'next-hop-legacy03-to-sql01': ['next-hop', SAMPLE, '--nic', 'vm-legacy03', '--dest', '10.3.1.4'],
  // Flow F, first hop: sql -> on-premises goes to the firewall (no gateway routes on snet-db).
  'next-hop-sql01-to-onprem': ['next-hop', SAMPLE, '--nic', 'vm-sql01', '--dest', '192.168.20.10'],
  // The hub learns on-premises prefixes from the VPN gateway (BGP peering address 10.0.0.30).
  'next-hop-jump01-to-onprem-admin': ['next-hop', SAMPLE, '--nic', 'vm-jump01', '--dest', '172.16.10.20'],
  // Flow I, first hop: jump -> web through the firewall (rt-mgmt to-spoke-web).
  'next-hop-jump01-to-web01': ['next-hop', SAMPLE, '--nic', 'vm-jump01', '--dest', '10.1.1.4'],
};

const sampleExists = existsSync(repoPath(SAMPLE));

describe.skipIf(!sampleExists)('golden answers on examples/hub-spoke', () => {
  it.each(Object.entries(CASES))('%s', async (name, argv) => {
    const r = await run([...argv, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const file = path.join(GOLDEN_DIR, `${name}.json`);
    if (UPDATE || !existsSync(file)) {
      if (!UPDATE) throw new Error(`golden file ${path.relative(repoPath(), file)} is missing: run UPDATE_GOLDEN=1 npx vitest run test/cli`);
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, r.stdout);
    }
    expect(r.stdout).toBe(readFileSync(file, 'utf8'));
  });

  it('has no stale golden files', async () => {
    const { readdirSync } = await import('node:fs');
    // Other verbs keep their goldens beside these; only this file's verbs are checked here.
    const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.json') && /^(routes|rules|verify|next-hop)-/.test(f)).map((f) => f.slice(0, -5)).sort();
    expect(files).toEqual(Object.keys(CASES).sort());
  });
});
