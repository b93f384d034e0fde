// Audit: the importer against the real Azure JSON of the corpus and the shapes users export it in
// (REST, az CLI flattened, Resource Graph, list pages, ARM templates). Nothing the user gave may
// be silently dropped or misread: every resource of a modelled network type is imported or
// reported (a diagnostic, or the unsupported list).

import { describe, expect, it } from 'vitest';
import type { Diagnostic, Snapshot } from '../../core/model/index.ts';
import { importDocuments } from '../../importer/index.ts';
import { corpusFile, corpusRoot, importInline, jsonFilesBelow, restExample } from './helpers.ts';

type Json = Record<string, unknown>;

const N = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network';

/** The 200 body of a REST example of the corpus. */
function restBody(name: string): Json {
  const doc = JSON.parse(restExample(name).text) as { responses: Record<string, { body: Json }> };
  return doc.responses['200'].body;
}

/** The flattened shape az CLI and the SDK print: every `properties` hoisted into its object, recursively. */
function flatten(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(flatten);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Json;
  const out: Json = {};
  for (const [k, x] of Object.entries(o)) if (k !== 'properties') out[k] = flatten(x);
  const p = o.properties;
  if (p !== null && typeof p === 'object' && !Array.isArray(p)) for (const [k, x] of Object.entries(p as Json)) out[k] = flatten(x);
  return out;
}

/** The older az CLI (msrest `todict`) spelling of keys: `frontendIpConfigurations`, `privateIpAddress`. */
function camelIp(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelIp);
  if (v === null || typeof v !== 'object') return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v as Json)) out[k.replace(/IP/g, 'Ip')] = camelIp(x);
  return out;
}

/** The model as comparable JSON: every map's values, without source locations (they differ by shape). */
function modelJson(s: Snapshot): Json {
  const m: Json = {};
  for (const [k, v] of Object.entries(s)) if (v instanceof Map && v.size > 0) m[k] = [...(v as Map<string, unknown>).values()];
  return JSON.parse(JSON.stringify(m, (k: string, v: unknown) => (k === 'source' ? undefined : v))) as Json;
}

const atLeastWarning = (d: Diagnostic) => d.severity === 'warning' || d.severity === 'error';

describe('corpus sweep', () => {
  it('every corpus file yields resources or a warning/error saying why not (never silently nothing)', () => {
    const files = jsonFilesBelow(corpusRoot).filter((f) => !f.startsWith('service-tags/'));
    expect(files.length).toBeGreaterThan(40);
    const silent: string[] = [];
    for (const f of files) {
      const s = importDocuments([corpusFile(f)]);
      const imported = Object.values(modelJson(s)).length + s.unsupported.length;
      if (imported === 0 && !s.diagnostics.some((d) => atLeastWarning(d) && d.code !== 'input.empty')) silent.push(f);
    }
    expect(silent).toEqual([]);
  });

  it('REST examples: the az CLI flattened shape of NSG, NIC, route table, peering, VNet+subnets, subnet gives the same model and diagnostics', () => {
    for (const name of ['NetworkSecurityGroupGet', 'NetworkInterfaceGet', 'RouteTableGet', 'VirtualNetworkPeeringGet', 'VirtualNetworkGet', 'SubnetGet', 'AzureFirewallGet', 'PrivateEndpointGet']) {
      const body = restBody(name);
      const a = importInline([`${name}.json`, body]);
      const b = importInline([`${name}.json`, flatten(body)]);
      expect(modelJson(b), name).toEqual(modelJson(a));
      expect(Object.keys(modelJson(a)).length, name).toBeGreaterThan(0);
      expect(b.diagnostics.map((d) => `${d.severity} ${d.code}`), name).toEqual(a.diagnostics.map((d) => `${d.severity} ${d.code}`));
    }
  });

  it('LoadBalancerGet in the older az CLI spelling (frontendIpConfigurations, frontendIpConfiguration) keeps its frontends and rule bindings', () => {
    // az CLI before the aaz rewrite printed msrest attribute names camelCased: `frontendIpConfigurations`,
    // `frontendIpConfiguration`, `privateIpAddress`. The importer accepts `privateIpAddress` for NICs
    // but reads only `frontendIPConfigurations` for load balancers: the frontend vanishes silently.
    const body = restBody('LoadBalancerGet');
    const a = importInline(['lb.json', flatten(body)]);
    const b = importInline(['lb.json', camelIp(flatten(body))]);
    const lbA = [...a.loadBalancers.values()][0];
    const lbB = [...b.loadBalancers.values()][0];
    expect(lbA.frontends.length).toBeGreaterThan(0);
    expect(lbB.frontends.map((f) => f.id)).toEqual(lbA.frontends.map((f) => f.id));
    expect(lbB.loadBalancingRules.map((r) => r.frontendIpConfigurationId)).toEqual(lbA.loadBalancingRules.map((r) => r.frontendIpConfigurationId));
  });
});

describe('list envelopes', () => {
  it('Resource Graph first page (corpus ResourcesFirstPageQuery: count 3 of totalRecords 386, $skipToken) is reported as incomplete', () => {
    const s = importDocuments([corpusFile('azure-rest-api-specs/specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/stable/2024-04-01/examples/ResourcesFirstPageQuery.json')]);
    expect(s.unsupported).toHaveLength(3);
    // 383 resources are on pages the file does not hold: the user must be told.
    expect(s.diagnostics.filter((d) => atLeastWarning(d) && /skipToken|386|page/i.test(d.message))).not.toEqual([]);
  });

  it('a REST / az list page with nextLink is reported as incomplete, not read as the whole list', () => {
    const asg = { id: `${N}/applicationSecurityGroups/a1`, type: 'Microsoft.Network/applicationSecurityGroups', name: 'a1', location: 'westeurope', properties: {} };
    const s = importInline(['page1.json', { value: [asg], nextLink: 'https://management.azure.com/subscriptions/s1/providers/Microsoft.Network/applicationSecurityGroups?api-version=2024-05-01&$skiptoken=abc' }]);
    expect(s.applicationSecurityGroups.size).toBe(1);
    expect(s.diagnostics.filter((d) => atLeastWarning(d) && /nextLink|page/i.test(d.message))).not.toEqual([]);
  });

  it('a Resource Graph row of an NSG projected without its properties is not read as an NSG with no rules', () => {
    // `Resources | where type =~ "microsoft.network/networksecuritygroups" | project id, name, type`
    const s = importInline(['arg.json', { totalRecords: 1, count: 1, data: [{ id: `${N}/networkSecurityGroups/nsg-web`, name: 'nsg-web', type: 'microsoft.network/networksecuritygroups' }] }]);
    expect(s.networkSecurityGroups.size + s.unsupported.length).toBe(1);
    // Its custom rules are unknown, not absent: a warning must say so (today only the info that
    // the six default rules were added).
    expect(s.diagnostics.filter((d) => atLeastWarning(d) && d.resourceId !== undefined && d.resourceId.toLowerCase() === `${N}/networkSecurityGroups/nsg-web`.toLowerCase())).not.toEqual([]);
  });
});

describe('names, expressions, IPv6', () => {
  const denySsh = { protocol: 'Tcp', sourceAddressPrefix: '*', destinationAddressPrefix: '*', sourcePortRange: '*', destinationPortRange: '22', access: 'Deny', priority: 100, direction: 'Inbound' };

  it('type names are case-insensitive; PascalCase property names (SecurityRules) are read or reported, never dropped', () => {
    const s = importInline(['nsg.json', { id: `${N}/NetworkSecurityGroups/nsg1`, type: 'Microsoft.Network/NetworkSecurityGroups', name: 'nsg1', location: 'westeurope', properties: { SecurityRules: [{ name: 'deny-ssh', properties: denySsh }] } }]);
    expect(s.networkSecurityGroups.size).toBe(1);
    const nsg = [...s.networkSecurityGroups.values()][0];
    const reported = s.diagnostics.some((d) => atLeastWarning(d) && /SecurityRules/.test(`${d.message} ${d.jsonPath ?? ''}`));
    // Either the Deny rule is imported, or the user is told that SecurityRules was not read.
    expect(nsg.securityRules.length === 1 || reported).toBe(true);
  });

  it('an ARM expression in a concrete resource field ([parameters(...)]) is reported as unevaluated, not taken as a service tag', () => {
    const s = importInline(['deployed-template.json', { resources: [{ id: `${N}/networkSecurityGroups/nsg1`, type: 'Microsoft.Network/networkSecurityGroups', name: 'nsg1', location: 'westeurope', properties: { securityRules: [{ name: 'deny-blocked', properties: { ...denySsh, sourceAddressPrefix: "[parameters('blockedRange')]" } }] } }] }]);
    const rules = [...s.networkSecurityGroups.values()].flatMap((n) => n.securityRules);
    const literal = rules.some((r) => r.sourceAddressPrefixes.includes("[parameters('blockedRange')]"));
    const reported = s.diagnostics.some((d) => atLeastWarning(d) && (d.jsonPath ?? '').endsWith('sourceAddressPrefix'));
    expect({ literal, reported }).toEqual({ literal: false, reported: true });
  });

  it('IPv6 prefixes in address spaces, subnet addressPrefixes, and rule prefix lists are reported, IPv4 siblings kept', () => {
    const s = importInline(
      ['vnet.json', { id: `${N}/virtualNetworks/v`, type: 'Microsoft.Network/virtualNetworks', name: 'v', location: 'x', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16', 'fd00:db8::/48'] }, subnets: [{ name: 's', id: `${N}/virtualNetworks/v/subnets/s`, properties: { addressPrefixes: ['10.0.1.0/24', '10.0.2.0/24', 'fd00:db8:0:1::/64'] } }] } }],
      ['nsg.json', { id: `${N}/networkSecurityGroups/n`, type: 'Microsoft.Network/networkSecurityGroups', name: 'n', location: 'x', properties: { securityRules: [{ name: 'r', properties: { ...denySsh, destinationAddressPrefix: undefined, destinationAddressPrefixes: ['10.0.1.4', '10.0.2.0/24', 'fd00::4'] } }] } }],
    );
    expect([...s.virtualNetworks.values()][0].addressSpace).toEqual(['10.0.0.0/16']);
    expect([...s.subnets.values()][0].addressPrefixes).toEqual(['10.0.1.0/24', '10.0.2.0/24']);
    expect([...s.networkSecurityGroups.values()][0].securityRules[0].destinationAddressPrefixes).toEqual(['10.0.1.4', '10.0.2.0/24']);
    expect(s.diagnostics.filter((d) => d.code === 'ipv6.unsupported').map((d) => d.jsonPath)).toEqual([
      '$.properties.addressSpace.addressPrefixes[1]',
      '$.properties.subnets[0].properties.addressPrefixes[2]',
      '$.properties.securityRules[0].properties.destinationAddressPrefixes[2]',
    ]);
  });
});
