// Findings on the sample estate (examples/hub-spoke): each of the seven planted mistakes of
// examples/README.md is reported by the finding meant for it, and nothing else is, except the
// deliberate oddities at low or info severity with their reason.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG, compile, computeFindings, type FindingsAnswer } from '../../../core/index.ts';
import { REPO_ROOT, readFolderDocuments, snapshotOf } from '../../support/load.ts';

const SAMPLE = join(REPO_ROOT, 'examples/hub-spoke');

describe.skipIf(!existsSync(SAMPLE))('findings on examples/hub-spoke', () => {
  let answer: FindingsAnswer;
  const get = () => (answer ??= computeFindings(compile(snapshotOf(readFolderDocuments(SAMPLE)))));
  const one = (id: string, name: string) => {
    const f = get().findings.filter((x) => x.id === id && x.name === name);
    expect(f, `${id} ${name}`).toHaveLength(1);
    return f[0];
  };

  it('judged: every catalog id, less those --only leaves out and a skipped blast-radius ranking', () => {
    const dp = compile(snapshotOf(readFolderDocuments(SAMPLE)));
    const ids = CATALOG.map((c) => c.id);
    expect(get().judged).toEqual(ids);
    expect(computeFindings(dp, { only: ['ZT-SUBNET-NO-NSG', 'ZT-REDUNDANT-RULE'] }).judged).toEqual(['ZT-SUBNET-NO-NSG', 'ZT-REDUNDANT-RULE'].sort((a, b) => ids.indexOf(a) - ids.indexOf(b)));
    const withoutBlast = ids.filter((id) => id !== 'ZT-LARGEST-BLAST-RADIUS');
    expect(computeFindings(dp, { skipBlast: true }).judged).toEqual(withoutBlast);
    expect(computeFindings(dp, { blastFootholds: 0 }).judged).toEqual(withoutBlast);
  });

  it('mistake 1: RDP open to the internet on the jump box', () => {
    const f = one('ZT-EXPOSED-MGMT-PORT', 'nic-vm-jump01');
    expect(f.severity).toBe('high');
    expect(f.evidence).toMatchObject({ disposition: 'ACCEPTED', flow: { dst: '10.0.3.4', protocol: 'Tcp', dstPort: 3389 } });
    expect(f.evidence.allowedBy).toContainEqual(expect.objectContaining({ rule: 'securityRules/Allow-RDP-Internet' }));
    expect(f.fix).toContain('Allow-RDP-Internet');
    expect(f.fix).toContain('pip-vm-jump01');
    expect(one('ZT-EXPOSED-DIRECT', 'nic-vm-jump01').severity).toBe('medium');
  });

  it('mistake 2: snet-batch has no NSG (GatewaySubnet and AzureFirewallSubnet are not reported)', () => {
    const f = one('ZT-SUBNET-NO-NSG', 'vnet-app-weu/snet-batch');
    expect(f.severity).toBe('high');
    expect(f.evidence.disposition).toBe('ACCEPTED');
    expect(get().findings.filter((x) => x.id === 'ZT-SUBNET-NO-NSG')).toHaveLength(1);
  });

  it('mistake 3: snet-batch egress skips the firewall (and relies on default outbound access)', () => {
    const f = one('ZT-EGRESS-BYPASSES-FIREWALL', 'vnet-app-weu/snet-batch');
    expect(f.severity).toBe('medium');
    expect(f.evidence).toMatchObject({ disposition: 'EXITS_NETWORK', routes: [{ addressPrefix: '0.0.0.0/0', nextHopType: 'Internet', source: 'Default' }] });
    expect(one('ZT-DEFAULT-OUTBOUND', 'vnet-app-weu/snet-batch').severity).toBe('low');
  });

  it('mistake 4: stlogsweu01 is open to all networks', () => {
    const f = one('ZT-PAAS-PUBLIC-ACCESS', 'stlogsweu01');
    expect(f.severity).toBe('high');
    expect(f.evidence.disposition).toBe('ACCEPTED');
    expect(get().findings.some((x) => x.name === 'stdataweu01')).toBe(false);
  });

  it('mistake 5: the legacy <-> data peering bypasses the hub firewall (SQL and the private endpoint)', () => {
    const f = one('ZT-SPOKE-BYPASSES-HUB', 'peer-legacy-to-data');
    expect(f.severity).toBe('high');
    expect(f.message).toContain('vm-sql01');
    expect(f.message).toContain('pe-stdata-blob');
    expect(f.evidence.path).not.toContain('firewall:afw-hub-weu');
  });

  it('mistake 6: Deny-Legacy-Sql is shadowed by Allow-Internal-Any, shown by the legacy -> SQL flow', () => {
    const f = one('ZT-SHADOWED-RULE', 'nsg-db/Deny-Legacy-Sql');
    expect(f.severity).toBe('high');
    expect(f.message).toContain('Allow-Internal-Any');
    expect(f.evidence).toMatchObject({ disposition: 'ACCEPTED', flow: { src: expect.stringMatching(/^10\.9\.1\./), dst: '10.3.1.4', dstPort: 1433 } });
  });

  it('mistake 7: web -> app is admitted only by AllowVnetInBound', () => {
    const f = one('ZT-IMPLIED-TRUST', 'nsg-app');
    expect(f.severity).toBe('medium');
    expect(f.message).toContain('from vnet-web-weu/snet-web (Tcp 8443)');
  });

  it('the deliberate oddities are low or info, with their reason, and nothing else is reported', () => {
    const rest = get().findings.filter(
      (f) =>
        f.id !== 'ZT-LARGEST-BLAST-RADIUS' &&
        !['nic-vm-jump01', 'vnet-app-weu/snet-batch', 'stlogsweu01', 'peer-legacy-to-data', 'nsg-db/Deny-Legacy-Sql', 'nsg-app'].includes(f.name),
    );
    expect(rest.map((f) => `${f.severity} ${f.id} ${f.name}`)).toEqual([
      // Comes with mistake 1: rt-mgmt has no 0.0.0.0/0 so that RDP to the jump box works (README).
      'medium ZT-EGRESS-BYPASSES-FIREWALL vnet-hub-weu/snet-mgmt',
      // Intentional: SSH from the head office only, through the NAT rule 50022 -> 22.
      'low ZT-EXPOSED-MGMT-PORT nic-vm-legacy01',
      // The legacy VNet has its own NAT gateway and no connection to the hub (mistake 5).
      'low ZT-EGRESS-BYPASSES-FIREWALL vnet-legacy-weu/snet-legacy',
      // 0.0.0.0/0 user routes put 0.0.0.0/0 into VirtualNetwork (README "deliberately odd").
      'low ZT-VNET-TAG-WIDENED rt-app',
      'low ZT-VNET-TAG-WIDENED rt-data',
      // The cause of mistake 6 (README fix: delete Allow-Internal-Any).
      'low ZT-BROAD-ALLOW nsg-db/Allow-Internal-Any',
      'low ZT-DEFAULT-OUTBOUND vnet-hub-weu/snet-mgmt',
      // Side effect of mistake 6 (README: "a redundant rule finding there is expected").
      'info ZT-REDUNDANT-RULE nsg-db/Allow-App-Sql',
    ]);
    expect(rest.find((f) => f.name === 'nic-vm-legacy01')!.message).toContain('restricted to 32 addresses');
    expect(rest.find((f) => f.name === 'vnet-legacy-weu/snet-legacy')!.message).toContain('not connected to any firewall');
    // Not reported: the Bastion NSG's required rules, nsg-pe (not applied), the App Gateway,
    // the partner DNAT and HTTP 80 on the legacy load balancer.
    for (const name of ['nsg-bastion', 'nsg-pe', 'nsg-appgw', 'agw-web-weu', 'lb-legacy-public', 'nic-vm-legacy02']) {
      expect(get().findings.some((f) => f.name.startsWith(name))).toBe(false);
    }
  });

  it('the largest blast radii are info findings, ranked, the jump box (reachable from the internet) first', () => {
    const blast = get().findings.filter((f) => f.id === 'ZT-LARGEST-BLAST-RADIUS');
    expect(blast.map((f) => f.severity)).toEqual(['info', 'info', 'info']);
    const first = blast.find((f) => f.message.startsWith('Blast radius #1 '))!;
    expect(first.name).toBe('nic-vm-jump01');
    expect(first.message).toContain('reachable from the internet');
  });

  it('every finding has a location in the input for SARIF, evidence and a fix', () => {
    for (const f of get().findings) {
      expect(f.location?.file, f.fingerprint).toMatch(/^examples\/hub-spoke\/.+\.json$/);
      expect(f.location?.jsonPath).toMatch(/^\$\.value\[\d+\]/);
      expect(f.fix.length).toBeGreaterThan(10);
      expect(f.evidence).toHaveProperty('allowedBy');
    }
  });

  it('nsgScope: the per-NSG checks judge only the NSGs named, the other checks run in full', () => {
    const dp = compile(snapshotOf(readFolderDocuments(SAMPLE)));
    const nsgId = (name: string) => [...dp.snapshot.networkSecurityGroups.values()].find((n) => n.name === name)!.id;
    const full = computeFindings(dp, { skipBlast: true });
    const scoped = computeFindings(dp, { skipBlast: true, nsgScope: new Set([nsgId('nsg-app'), nsgId('nsg-db')]) });
    const RULES = ['ZT-SHADOWED-RULE', 'ZT-REDUNDANT-RULE', 'ZT-BROAD-ALLOW'];
    const PER_NSG = [...RULES, 'ZT-IMPLIED-TRUST', 'ZT-VNET-TAG-WIDENED'];
    const label = (f: { id: string; name: string }) => `${f.id} ${f.name}`;
    expect(scoped.findings.filter((f) => !PER_NSG.includes(f.id)).map(label)).toEqual(full.findings.filter((f) => !PER_NSG.includes(f.id)).map(label));
    // Rule findings of the two NSGs only, as the full run has them (mistake 6's among them).
    const ofTheTwo = (f: { id: string; name: string }) => RULES.includes(f.id) && /^nsg-(app|db)\//.test(f.name);
    expect(scoped.findings.filter((f) => RULES.includes(f.id))).toEqual(full.findings.filter(ofTheTwo));
    expect(scoped.findings.filter((f) => RULES.includes(f.id)).map(label)).toContain('ZT-REDUNDANT-RULE nsg-db/Allow-App-Sql');
    // Implied trust is reported on nsg-app (mistake 7), which is in scope.
    expect(scoped.findings.filter((f) => f.id === 'ZT-IMPLIED-TRUST')).toEqual(full.findings.filter((f) => f.id === 'ZT-IMPLIED-TRUST' && f.name === 'nsg-app'));
    // The widened tag: for route tables whose subnets the two NSGs filter, as in the full run.
    const tagged = scoped.findings.filter((f) => f.id === 'ZT-VNET-TAG-WIDENED');
    expect(tagged.map((f) => f.name)).toEqual(['rt-app', 'rt-data']);
    expect(tagged).toEqual(full.findings.filter((f) => f.id === 'ZT-VNET-TAG-WIDENED'));
    expect(computeFindings(dp, { skipBlast: true, nsgScope: new Set() }).findings.filter((f) => PER_NSG.includes(f.id))).toEqual([]);
  });
});
