// Classic Azure Firewall rules (rule 12.2): rule collections embedded in the firewall
// (`natRuleCollections`, `networkRuleCollections`, `applicationRuleCollections`) rather than a
// Firewall Policy, "processed in priority order by rule type, from lower numbers to higher numbers
// (100 to 65,000)": DNAT first for traffic to the firewall's public IP, then network rules, then
// application rules. On the azure-rest-api-specs example AzureFirewallGet.json, whose rules name
// source IP ranges (`192.168.1.1-192.168.1.12`) and FQDNs.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, evaluateFirewall, PROTOCOL_NUMBERS, type DataPlane } from '../../../core/index.ts';
import { CORPUS, ip, snapshotOf } from '../../support/load.ts';

const FILE = join(CORPUS, 'azure-rest-api-specs/specification/network/resource-manager/Microsoft.Network/Network/examples/2025-05-01/AzureFirewallGet.json');
const example = JSON.parse(readFileSync(FILE, 'utf8')) as { responses: { '200': { body: { properties: { networkRuleCollections: unknown[] } } } } };

function dataPlane(edit?: (collections: unknown[]) => void): DataPlane {
  const doc = structuredClone(example);
  edit?.(doc.responses['200'].body.properties.networkRuleCollections);
  return compile(snapshotOf([{ file: 'AzureFirewallGet.json', text: JSON.stringify(doc) }], { allowErrors: true }));
}

function decide(dp: DataPlane, src: string, dst: string, protocol: 'Tcp' | 'Udp', port: number, q: { fqdn?: string; toPublicIp?: boolean } = {}) {
  const fw = dp.snapshot.azureFirewalls.values().next().value!;
  const d = evaluateFirewall(dp, fw, { protocol: PROTOCOL_NUMBERS[protocol], src: ip(src), srcPort: 50000, dst: ip(dst), dstPort: port }, q);
  return { action: d.action, ruleType: d.ruleType, rule: d.rule, ruleCollection: d.ruleCollection, ruleCollectionGroup: d.ruleCollectionGroup };
}

describe('classic firewall rule collections (rule 12.2), on the REST example', () => {
  const dp = dataPlane();

  it('a network rule matches its source IP range, ports and protocol; outside them the default Deny', () => {
    expect(decide(dp, '192.168.1.12', '8.8.8.8', 'Tcp', 8443)).toEqual({ action: 'Deny', ruleType: 'Network', rule: 'L4-traffic', ruleCollection: 'netrulecoll', ruleCollectionGroup: 'classic' });
    expect(decide(dp, '10.1.4.12', '8.8.8.8', 'Tcp', 444)).toMatchObject({ ruleType: 'Network', rule: 'L4-traffic' });
    // Just past the range, a port it does not list, another protocol: no rule, the default Deny.
    expect(decide(dp, '192.168.1.13', '8.8.8.8', 'Tcp', 443)).toMatchObject({ action: 'Deny', ruleType: 'Default', rule: undefined });
    expect(decide(dp, '192.168.1.5', '8.8.8.8', 'Tcp', 445)).toMatchObject({ ruleType: 'Default' });
    expect(decide(dp, '192.168.1.5', '8.8.8.8', 'Udp', 443)).toMatchObject({ ruleType: 'Default' });
  });

  it('an application rule matches by FQDN after the network rules', () => {
    expect(decide(dp, '10.0.0.5', '8.8.8.8', 'Tcp', 443, { fqdn: 'www.test.com' })).toEqual({ action: 'Deny', ruleType: 'Application', rule: 'rule1', ruleCollection: 'apprulecoll', ruleCollectionGroup: 'classic' });
    expect(decide(dp, '10.0.0.5', '8.8.8.8', 'Tcp', 443, { fqdn: 'www.example.org' })).toMatchObject({ ruleType: 'Default' });
  });

  it('DNAT rules first for traffic to the public IP: translated, or the default Deny', () => {
    const fw = dp.snapshot.azureFirewalls.values().next().value!;
    const d = evaluateFirewall(dp, fw, { protocol: PROTOCOL_NUMBERS.Tcp, src: ip('203.0.113.9'), srcPort: 50000, dst: ip('1.2.3.4'), dstPort: 443 }, { toPublicIp: true });
    expect(d).toMatchObject({ action: 'Allow', ruleType: 'DNAT', rule: 'DNAT-HTTPS-traffic', ruleCollection: 'natrulecoll', translated: { ip: ip('1.2.3.5'), port: 8443 } });
    expect(decide(dp, '203.0.113.9', '1.2.3.4', 'Tcp', 22, { toPublicIp: true })).toMatchObject({ action: 'Deny', ruleType: 'Default' });
  });

  it('collections of one type by priority, lower first: an Allow at 100 comes before the Deny at 112, one at 200 after it', () => {
    const allow = (priority: number) => (collections: unknown[]) =>
      collections.push({ name: `allow-${priority}`, properties: { priority, action: { type: 'Allow' }, rules: [{ name: 'allow-web', protocols: ['TCP'], sourceAddresses: ['192.168.1.0/24'], destinationAddresses: ['*'], destinationPorts: ['443'] }] } });
    expect(decide(dataPlane(allow(100)), '192.168.1.5', '8.8.8.8', 'Tcp', 443)).toMatchObject({ action: 'Allow', rule: 'allow-web', ruleCollection: 'allow-100' });
    expect(decide(dataPlane(allow(200)), '192.168.1.5', '8.8.8.8', 'Tcp', 443)).toMatchObject({ action: 'Deny', rule: 'L4-traffic' });
    // Past the Deny's range the Allow at 200 decides.
    expect(decide(dataPlane(allow(200)), '192.168.1.200', '8.8.8.8', 'Tcp', 443)).toMatchObject({ action: 'Allow', ruleCollection: 'allow-200' });
  });
});
