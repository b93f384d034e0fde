// applyChange: change files (upsert / delete / edits) applied to a snapshot through the ordinary
// import path, with `change.*` errors that name the file, the JSON path and what is wrong.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSnapshots, type Snapshot } from '../../core/index.ts';
import { applyChange, importDocuments } from '../../importer/index.ts';
import { REPO_ROOT } from '../support/paths.ts';

const FILE = 'test/fixtures/whatif/nsg-rule-added/before/estate.json';
const SUB = '/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg-whatif/providers';
const NSG_DATA = `${SUB}/Microsoft.Network/networkSecurityGroups/nsg-data`;

function base(): Snapshot {
  return importDocuments([{ file: FILE, text: readFileSync(join(REPO_ROOT, FILE), 'utf8') }]);
}

function apply(change: unknown, snapshot = base()) {
  return applyChange(snapshot, typeof change === 'string' ? change : JSON.stringify(change), 'change.json');
}

function ruleNames(s: Snapshot, nsg = NSG_DATA): string[] {
  return s.networkSecurityGroups.get(nsg.toLowerCase())!.securityRules.map((r) => `${r.name}@${r.priority}`).sort();
}

describe('applyChange: upserts go through the importer', () => {
  it('an NSG as it will be (az CLI shape) replaces its rules; default rules stay; no duplicate warnings', () => {
    const s = base();
    const r = apply({
      upsert: [
        {
          id: NSG_DATA,
          name: 'nsg-data',
          type: 'Microsoft.Network/networkSecurityGroups',
          location: 'westeurope',
          securityRules: [
            { name: 'Allow-App-Https', priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '10.1.1.0/24', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '443' },
            { name: 'Deny-All-Inbound', priority: 4000, direction: 'Inbound', access: 'Deny', protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '*' },
          ],
        },
      ],
    }, s);
    expect(r.failed).toBe(false);
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(ruleNames(r.snapshot)).toEqual(['Allow-App-Https@200', 'Deny-All-Inbound@4000']);
    expect(r.snapshot.networkSecurityGroups.get(NSG_DATA.toLowerCase())!.defaultSecurityRules).toHaveLength(6);
    // Untouched resources are the snapshot's own objects: change detection finds them by identity.
    const nic = [...s.networkInterfaces.keys()][0];
    expect(r.snapshot.networkInterfaces.get(nic)).toBe(s.networkInterfaces.get(nic));
    expect(diffSnapshots(s, r.snapshot).changes.map((c) => c.id.split('/').pop())).toEqual(['nsg-data']);
    // The input snapshot is not modified.
    expect(ruleNames(s)).toEqual(['Allow-App-Https@200', 'Allow-App-Ssh@250', 'Deny-A1-Ssh@300', 'Deny-All-Inbound@4000']);
  });

  it('a standalone child (a security rule in the REST shape) is added to its parent, with its source in the change file', () => {
    const r = apply({ upsert: [{ id: `${NSG_DATA}/securityRules/Allow-Mon`, name: 'Allow-Mon', type: 'Microsoft.Network/networkSecurityGroups/securityRules', properties: { priority: 150, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '10.0.2.4', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '9100' } }] });
    expect(r.failed).toBe(false);
    expect(ruleNames(r.snapshot)).toContain('Allow-Mon@150');
    const rule = r.snapshot.networkSecurityGroups.get(NSG_DATA.toLowerCase())!.securityRules.find((x) => x.name === 'Allow-Mon')!;
    expect(JSON.parse(JSON.stringify(rule.source))).toEqual({ file: 'change.json', jsonPath: '$.upsert[0]' });
  });

  it('an identical upsert changes nothing', () => {
    const s = base();
    const text = JSON.parse(readFileSync(join(REPO_ROOT, FILE), 'utf8')) as { value: unknown[] };
    const r = apply({ upsert: text.value }, s);
    expect(r.failed).toBe(false);
    expect(diffSnapshots(s, r.snapshot).changes).toEqual([]);
  });
});

describe('applyChange: deletes', () => {
  it('removes a child by id, and a parent with its children', () => {
    const r = apply({ delete: [`${NSG_DATA}/securityRules/Deny-A1-Ssh`] });
    expect(r.failed).toBe(false);
    expect(ruleNames(r.snapshot)).not.toContain('Deny-A1-Ssh@300');
    const pip = `${SUB}/Microsoft.Network/publicIPAddresses/pip-a1`;
    const r2 = apply({ delete: [pip.toUpperCase()] });
    expect(r2.failed).toBe(false);
    expect(r2.snapshot.publicIpAddresses.has(pip.toLowerCase())).toBe(false);
  });

  it('an unknown id is an error at its JSON path', () => {
    const r = apply({ delete: [`${SUB}/Microsoft.Network/networkSecurityGroups/nope`, 'nsg-data'] });
    expect(r.failed).toBe(true);
    expect(r.diagnostics.map((d) => [d.code, d.file, d.jsonPath])).toEqual([
      ['change.unknown-ref', 'change.json', '$.delete[0]'],
      ['change.invalid', 'change.json', '$.delete[1]'],
    ]);
  });
});

describe('applyChange: short edits', () => {
  it('addSecurityRule, setSecurityRule (merged), removeSecurityRule', () => {
    const r = apply({
      edits: [
        { op: 'addSecurityRule', nsg: 'nsg-data', rule: { name: 'Allow-Pg', priority: 210, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '10.1.1.0/24', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '5432' } },
        { op: 'setSecurityRule', nsg: NSG_DATA, rule: { name: 'Allow-App-Https', properties: { sourceAddressPrefixes: ['10.1.1.4', '10.1.1.5'] } } },
        { op: 'removeSecurityRule', nsg: 'nsg-data', name: 'Deny-A1-Ssh' },
      ],
    });
    expect(r.failed).toBe(false);
    expect(ruleNames(r.snapshot)).toEqual(['Allow-App-Https@200', 'Allow-App-Ssh@250', 'Allow-Pg@210', 'Deny-All-Inbound@4000']);
    const https = r.snapshot.networkSecurityGroups.get(NSG_DATA.toLowerCase())!.securityRules.find((x) => x.name === 'Allow-App-Https')!;
    expect(https).toMatchObject({ priority: 200, access: 'Allow', protocol: 'Tcp', sourceAddressPrefixes: ['10.1.1.4', '10.1.1.5'], destinationPortRanges: ['443'] });
  });

  it('routes, associations, peerings, public IPs, storage, IP forwarding', () => {
    const r = apply({
      edits: [
        { op: 'addRoute', routeTable: 'rt-spokes', route: { name: 'onprem', properties: { addressPrefix: '192.168.0.0/16', nextHopType: 'VirtualNetworkGateway' } } },
        { op: 'setRoute', routeTable: 'rt-spokes', route: { name: 'default-via-firewall', properties: { nextHopIpAddress: '10.0.1.5' } } },
        { op: 'associateRouteTable', subnet: 'vnet-a/snet-app', routeTable: 'rt-spokes' },
        { op: 'associateNsg', nic: 'vm-b1-nic', nsg: 'nsg-shared' },
        { op: 'dissociateNsg', subnet: 'vnet-b/snet-b' },
        { op: 'setPeering', peering: 'vnet-hub/vnet-hub-to-vnet-a', allowGatewayTransit: true, peeringState: 'Disconnected' },
        { op: 'attachPublicIp', nic: 'vm-a2-nic', publicIp: 'pip-a1' },
        { op: 'setStorageNetworkAcls', storageAccount: 'stwhatif01', networkAcls: { defaultAction: 'Deny', ipRules: [{ value: '198.51.100.0/24', action: 'Allow' }] } },
        { op: 'setIpForwarding', nic: 'vm-shared-nic', enabled: true },
      ],
    });
    expect(r.failed).toBe(false);
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const s = r.snapshot;
    const rt = [...s.routeTables.values()].find((x) => x.name === 'rt-spokes')!;
    expect(rt.routes.map((x) => `${x.name} ${x.addressPrefix} ${x.nextHopType} ${x.nextHopIpAddress ?? ''}`.trim()).sort()).toEqual(['default-via-firewall 0.0.0.0/0 VirtualAppliance 10.0.1.5', 'onprem 192.168.0.0/16 VirtualNetworkGateway']);
    const sub = (name: string) => [...s.subnets.values()].find((x) => x.name === name)!;
    expect(sub('snet-app').routeTableId).toBe(rt.id);
    expect(sub('snet-b').nsgId).toBeUndefined();
    const nic = (name: string) => [...s.networkInterfaces.values()].find((x) => x.name === name)!;
    expect(nic('vm-b1-nic').nsgId).toMatch(/nsg-shared$/);
    expect(nic('vm-a2-nic').ipConfigurations[0].publicIpId).toMatch(/pip-a1$/);
    expect(nic('vm-shared-nic').enableIpForwarding).toBe(true);
    const p = [...s.peerings.values()].find((x) => x.name === 'vnet-hub-to-vnet-a')!;
    expect(p).toMatchObject({ allowGatewayTransit: true, peeringState: 'Disconnected', allowForwardedTraffic: true });
    const st = [...s.storageAccounts.values()][0];
    expect(st.networkAcls).toMatchObject({ defaultAction: 'Deny', ipRules: [{ value: '198.51.100.0/24', action: 'Allow' }], bypass: ['AzureServices'] });
    expect(st.publicNetworkAccess).toBe('Enabled');
  });

  it('detachPublicIp and dissociateRouteTable undo what is there', () => {
    const withPip = apply({ edits: [{ op: 'attachPublicIp', nic: 'vm-a1-nic', publicIp: 'pip-a1' }] }).snapshot;
    const r = apply({ edits: [{ op: 'detachPublicIp', nic: 'vm-a1-nic' }] }, withPip);
    expect(r.failed).toBe(false);
    expect([...r.snapshot.networkInterfaces.values()].find((x) => x.name === 'vm-a1-nic')!.ipConfigurations[0].publicIpId).toBeUndefined();
    const noop = apply({ edits: [{ op: 'dissociateRouteTable', subnet: 'vnet-a/snet-app' }] });
    expect(noop.diagnostics.map((d) => [d.code, d.jsonPath])).toEqual([['change.noop', '$.edits[0].subnet']]);
  });
});

describe('applyChange: bad change files name the file, the JSON path and what is wrong', () => {
  it('malformed JSON', () => {
    const r = apply('{"edits": [ {"op": "removeSecurityRule", }');
    expect(r.failed).toBe(true);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', code: 'json.malformed', file: 'change.json', line: 1 });
  });

  it('the wrong top level, unknown keys, empty files', () => {
    expect(apply([]).diagnostics.map((d) => [d.code, d.jsonPath])).toEqual([['change.invalid', '$']]);
    expect(apply({ upsert: {}, frobnicate: 1 }).diagnostics.map((d) => [d.code, d.jsonPath])).toEqual([
      ['change.invalid', '$.frobnicate'],
      ['change.invalid', '$.upsert'],
    ]);
    expect(apply({}).diagnostics.map((d) => d.message)).toEqual(['the change file is empty: give upsert, delete or edits']);
  });

  it('edits: unknown ops, fields, references; adding what exists', () => {
    const r = apply({
      edits: [
        { op: 'frob' },
        { op: 'removeSecurityRule', nsg: 'nsg-nope', name: 'x' },
        { op: 'addSecurityRule', nsg: 'nsg-data', rule: { name: 'Deny-All-Inbound', properties: {} } },
        { op: 'associateNsg', subnet: 'vnet-a/snet-app' },
        { op: 'setPeering', peering: 'vnet-a/vnet-a-to-vnet-hub', allowForwardedTraffic: 'yes' },
        { op: 'removeRoute', routeTable: 'rt-spokes', name: 'nope', extra: 1 },
      ],
    });
    expect(r.failed).toBe(true);
    expect(r.diagnostics.map((d) => [d.code, d.jsonPath])).toEqual([
      ['change.invalid', '$.edits[0].op'],
      ['change.unknown-ref', '$.edits[1].nsg'],
      ['change.exists', '$.edits[2].rule.name'],
      ['change.invalid', '$.edits[3].nsg'],
      ['change.invalid', '$.edits[4].allowForwardedTraffic'],
      ['change.invalid', '$.edits[5].extra'],
    ]);
    expect(r.diagnostics[1].message).toBe("no network security group named 'nsg-nope'");
    expect(r.diagnostics.every((d) => d.file === 'change.json')).toBe(true);
  });

  it('resource problems in upserts are reported at their path in the change file', () => {
    const r = apply({ upsert: [{ id: `${NSG_DATA}/securityRules/Bad`, name: 'Bad', type: 'Microsoft.Network/networkSecurityGroups/securityRules', properties: { priority: 150, direction: 'Sideways', access: 'Allow', protocol: 'Tcp' } }] });
    expect(r.failed).toBe(false);
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ file: 'change.json', jsonPath: expect.stringMatching(/^\$\.upsert\[0\]/) }));
  });
});
