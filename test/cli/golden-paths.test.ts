// The sample estate's expected flows (examples/README.md, "Flows that should work, and some that
// should not", and the planted mistakes): each trace's disposition and key hops are asserted, and
// the whole --json answer is kept as a golden file, reviewed by eye.
// Regenerate with: UPDATE_GOLDEN=1 npx vitest run test/cli/golden-paths.test.ts

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE, repoPath, run } from './helpers.ts';

const GOLDEN_DIR = repoPath('test', 'cli', 'golden', 'paths');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Case {
  argv: string[];
  disposition: string;
  /** `kind:name` of the hops, in order. */
  hops?: string[];
  /** Rules that must appear in allowedBy, or the rule in stoppedBy. */
  rules?: string[];
}

const t = (from: string, to: string, protocol: string, port: string | undefined, ...more: string[]) => ['trace', SAMPLE, '--from', from, '--to', to, '--protocol', protocol, ...(port ? ['--port', port] : []), ...more];

const CASES: Record<string, Case> = {
  'A-internet-appgw-web': { argv: t('internet', 'vm-web01', 'Tcp', '443', '--via-public-ip'), disposition: 'ACCEPTED', hops: ['applicationGateway:agw-web-weu', 'nic:vm-web01'], rules: ['securityRules/AllowHttpsInternet', 'securityRules/Allow-AppGw-To-Web'] },
  'B-web-to-app-lb': { argv: t('vm-web01', '10.2.1.100', 'Tcp', '8443'), disposition: 'ACCEPTED', hops: ['firewall:afw-hub-weu', 'loadBalancer:lb-app-internal', 'nic:vm-app01'], rules: ['Allow-Web-To-App-8443', 'defaultSecurityRules/AllowVnetInBound'] },
  'C-app-to-sql': { argv: t('vm-app01', 'vm-sql01', 'Tcp', '1433'), disposition: 'ACCEPTED', hops: ['firewall:afw-hub-weu', 'nic:vm-sql01'], rules: ['Allow-App-To-Data-Sql', 'securityRules/Allow-App-Sql'] },
  'D-app-to-storage-service-endpoint': { argv: t('vm-app01', 'stdataweu01', 'Tcp', '443'), disposition: 'ACCEPTED', hops: ['service:stdataweu01'], rules: ['networkAcls.virtualNetworkRules[0]'] },
  'E-app-to-private-endpoint': { argv: t('vm-app01', '10.3.2.4', 'Tcp', '443'), disposition: 'ACCEPTED', hops: ['firewall:afw-hub-weu', 'privateEndpoint:pe-stdata-blob', 'service:stdataweu01'], rules: ['Allow-App-To-PE-Blob'] },
  'F-sql-to-onprem': { argv: t('vm-sql01', '192.168.20.10', 'Tcp', '445'), disposition: 'EXITS_NETWORK', hops: ['firewall:afw-hub-weu', 'gateway:vgw-hub-weu', 'onPremises:on-premises'], rules: ['Allow-Spokes-To-OnPrem-Services'] },
  'G-sql-to-onprem-dns-parent-policy': { argv: t('vm-sql01', '192.168.10.4', 'Udp', '53'), disposition: 'EXITS_NETWORK', rules: ['Allow-DNS-OnPrem'] },
  'H-onprem-admin-to-app': { argv: t('172.16.10.20', 'vm-app01', 'Tcp', '22'), disposition: 'ACCEPTED', hops: ['gateway:vgw-hub-weu', 'firewall:afw-hub-weu', 'nic:vm-app01'], rules: ['Allow-OnPremAdmin-To-Spokes', 'securityRules/Allow-Admin-SSH'] },
  'I-jump-to-web': { argv: t('vm-jump01', 'vm-web01', 'Tcp', '22'), disposition: 'ACCEPTED', hops: ['firewall:afw-hub-weu', 'nic:vm-web01'], rules: ['Allow-Mgmt-To-Spokes', 'securityRules/Allow-Admin-SSH'] },
  'K-partner-dnat': { argv: t('198.51.100.10', '10.2.1.100', 'Tcp', '8443', '--via-public-ip'), disposition: 'ACCEPTED', hops: ['firewall:afw-hub-weu', 'loadBalancer:lb-app-internal', 'nic:vm-app01'], rules: ['DNAT-Partner-Api-8443', 'defaultSecurityRules/AllowVnetInBound'] },
  'L-internet-legacy-http': { argv: t('internet', 'vm-legacy01', 'Tcp', '80', '--via-public-ip'), disposition: 'ACCEPTED', hops: ['loadBalancer:lb-legacy-public', 'nic:vm-legacy01'], rules: ['securityRules/Allow-HTTP-Internet', 'securityRules/HTTP'] },
  'M-office-ssh-nat': { argv: t('203.0.113.70', 'vm-legacy01', 'Tcp', '50022', '--via-public-ip'), disposition: 'ACCEPTED', rules: ['securityRules/Allow-SSH-Office', 'securityRules/SSH'] },
  'N-internet-ssh-nat-denied': { argv: t('8.8.8.8', 'vm-legacy01', 'Tcp', '50022', '--via-public-ip'), disposition: 'DENIED_IN', rules: ['securityRules/Deny-All-Inbound'] },
  'O-web-to-sql-denied-out': { argv: t('vm-web01', 'vm-sql01', 'Tcp', '1433'), disposition: 'DENIED_OUT', rules: ['securityRules/Deny-All-Outbound'] },
  'P-web-to-app-ssh-denied-out': { argv: t('vm-web01', 'vm-app01', 'Tcp', '22'), disposition: 'DENIED_OUT', rules: ['securityRules/Deny-All-Outbound'] },
  'Q-app-to-internet-ip-firewall-deny': { argv: t('vm-app01', '1.1.1.1', 'Tcp', '80'), disposition: 'DENIED_BY_FIREWALL', hops: ['firewall:afw-hub-weu'] },
  'R-internet-to-sql-no-entry': { argv: t('internet', 'vm-sql01', 'Tcp', '1433', '--via-public-ip'), disposition: 'NO_ENTRY_POINT' },
  'S-batch-to-sql-null-routed': { argv: t('vm-batch01', 'vm-sql01', 'Tcp', '1433'), disposition: 'NULL_ROUTED' },
  'mistake1-internet-rdp-jump': { argv: t('internet', 'vm-jump01', 'Tcp', '3389', '--via-public-ip'), disposition: 'ACCEPTED', rules: ['securityRules/Allow-RDP-Internet'] },
  'mistake2-app-to-batch-no-nsg': { argv: t('vm-app01', 'vm-batch01', 'Tcp', '22'), disposition: 'ACCEPTED', hops: ['nic:vm-batch01'] },
  'mistake3-batch-egress-skips-firewall': { argv: t('vm-batch01', '93.184.216.34', 'Tcp', '443'), disposition: 'EXITS_NETWORK', hops: ['internet:internet'] },
  'mistake4-internet-to-open-storage': { argv: t('internet', 'stlogsweu01', 'Tcp', '443'), disposition: 'ACCEPTED', rules: ['networkAcls.defaultAction'] },
  'mistake5-legacy-to-sql-bypasses-hub': { argv: t('vm-legacy03', 'vm-sql01', 'Tcp', '1433'), disposition: 'ACCEPTED', hops: ['nic:vm-sql01'], rules: ['securityRules/Allow-Internal-Any'] },
};

function rulesOf(trace: { allowedBy: { rule: string }[]; stoppedBy: { rule?: string } | null }): string[] {
  return [...trace.allowedBy.map((a) => a.rule), ...(trace.stoppedBy?.rule ? [trace.stoppedBy.rule] : [])];
}

describe.skipIf(!existsSync(repoPath(SAMPLE)))('sample estate flows (examples/README.md)', () => {
  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const r = await run([...c.argv, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const trace = JSON.parse(r.stdout);
    expect(trace.disposition).toBe(c.disposition);
    if (c.hops) expect(trace.hops.map((h: { kind: string; name: string }) => `${h.kind}:${h.name}`)).toEqual(c.hops);
    for (const rule of c.rules ?? []) expect(rulesOf(trace)).toContain(rule);
    const file = path.join(GOLDEN_DIR, `${name}.json`);
    if (UPDATE) {
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, r.stdout);
    }
    expect(r.stdout).toBe(readFileSync(file, 'utf8'));
  });

  it('has no stale golden files', () => {
    expect(readdirSync(GOLDEN_DIR).map((f) => f.replace(/\.json$/, '')).sort()).toEqual(Object.keys(CASES).sort());
  });
});
