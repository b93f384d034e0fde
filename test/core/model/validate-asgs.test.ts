// Rule 4.6: an ASG's network interfaces are all in one VNet, and a rule that names ASGs as both
// source and destination pairs ASGs of one VNet. Exports of live estates satisfy both; a change
// (here a change file on the bundled sample) may not, and the error says Azure would refuse it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic, Snapshot } from '../../../core/index.ts';
import { applyChange } from '../../../importer/index.ts';
import { readFolderDocuments, REPO_ROOT, snapshotOf } from '../../support/load.ts';

const SUB = '/subscriptions/3f2c8a91-5b7d-4e6a-9c1f-2d8e7b4a6c05/resourceGroups';
const ASG = (rg: string, name: string) => ({ id: `${SUB}/${rg}/providers/Microsoft.Network/applicationSecurityGroups/${name}` });

const sample = (): Snapshot => snapshotOf(readFolderDocuments(join(REPO_ROOT, 'examples/hub-spoke')));
const asgDiagnostics = (ds: Diagnostic[]) => ds.filter((d) => d.code.startsWith('asg.'));

function rule(name: string, priority: number, src: object[], dst: object[]) {
  return {
    name,
    properties: {
      priority, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '1433',
      sourceApplicationSecurityGroups: src, destinationApplicationSecurityGroups: dst,
    },
  };
}

/** nic-vm-batch01 of the sample (snet-batch, vnet-app-weu) with its ip configuration in `asgs`. */
function batchNicIn(asgs: object[]): unknown {
  const doc = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/hub-spoke/rg-app.json'), 'utf8')) as { value: { name: string; properties: { ipConfigurations: { properties: Record<string, unknown> }[] } }[] };
  const nic = structuredClone(doc.value.find((r) => r.name === 'nic-vm-batch01')!);
  nic.properties.ipConfigurations[0].properties.applicationSecurityGroups = asgs;
  return nic;
}

describe('rule 4.6: application security groups within one virtual network', () => {
  it('the sample (an ASG per VNet) has no ASG errors', () => {
    expect(asgDiagnostics(sample().diagnostics)).toEqual([]);
  });

  it('a rule pairing ASGs of one VNet is accepted; one pairing ASGs of two VNets is an error naming the rule and field', () => {
    const same = applyChange(sample(), JSON.stringify({ edits: [{ op: 'addSecurityRule', nsg: 'nsg-app', rule: rule('Allow-App-App', 150, [ASG('rg-app', 'asg-app')], [ASG('rg-app', 'asg-app')]) }] }), 'same.json');
    expect(same.failed).toBe(false);
    expect(asgDiagnostics(same.diagnostics)).toEqual([]);

    const cross = applyChange(sample(), JSON.stringify({ edits: [{ op: 'addSecurityRule', nsg: 'nsg-db', rule: rule('Allow-App-Db', 150, [ASG('rg-app', 'asg-app')], [ASG('rg-data', 'asg-db')]) }] }), 'cross.json');
    expect(cross.failed).toBe(false);
    const [d, ...rest] = asgDiagnostics(cross.diagnostics);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'error', code: 'asg.rule-vnet-mismatch', file: 'cross.json' });
    expect(d.resourceId).toMatch(/\/networkSecurityGroups\/nsg-db\/securityRules\/Allow-App-Db$/);
    // Located in the change file, where the edit's rule stands.
    expect(d.jsonPath).toBe('$.edits[0].rule.properties.destinationApplicationSecurityGroups');
    expect(d.message).toContain('asg-app in vnet-app-weu');
    expect(d.message).toContain('asg-db in vnet-data-weu');
    // Evaluated as written, and said so: the rule is in the model.
    expect(cross.snapshot.networkSecurityGroups.get(`${SUB}/rg-data/providers/Microsoft.Network/networkSecurityGroups/nsg-db`.toLowerCase())!.securityRules.map((r) => r.name)).toContain('Allow-App-Db');
    expect(d.message).toContain('evaluated as written');
  });

  it('a NIC of another VNet joining an ASG is an error on that NIC ip configuration; joining its own VNet\'s ASG is not', () => {
    const own = applyChange(sample(), JSON.stringify({ upsert: [batchNicIn([ASG('rg-app', 'asg-app')])] }), 'own.json');
    expect(asgDiagnostics(own.diagnostics)).toEqual([]);

    const other = applyChange(sample(), JSON.stringify({ upsert: [batchNicIn([ASG('rg-web', 'asg-web')])] }), 'other.json');
    const [d, ...rest] = asgDiagnostics(other.diagnostics);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'error', code: 'asg.vnet-mismatch', file: 'other.json' });
    expect(d.resourceId).toMatch(/\/networkInterfaces\/nic-vm-batch01\/ipConfigurations\/ipconfig1$/);
    // Located in the change file: the upserted NIC's ip configuration, nested parts included.
    expect(d.jsonPath).toBe('$.upsert[0].properties.ipConfigurations[0].properties.applicationSecurityGroups');
    // The VNet most members are in is the ASG's: the NIC that joined from elsewhere is the one named.
    expect(d.message).toContain('asg-web has members in more than one virtual network: 4 in vnet-web-weu, and nic-vm-batch01 (vnet-app-weu)');
  });

  it('a rule whose ASGs are each in one VNet, but one of them spans two, reports the ASG once and not the rule', () => {
    // asg-web made to span two VNets; a rule pairing it with asg-app is then not judged by VNet
    // (Azure keeps the first member's VNet, which an export does not record).
    const r = applyChange(
      sample(),
      JSON.stringify({
        upsert: [batchNicIn([ASG('rg-web', 'asg-web')])],
        edits: [{ op: 'addSecurityRule', nsg: 'nsg-app', rule: rule('Allow-Web-App', 150, [ASG('rg-web', 'asg-web')], [ASG('rg-app', 'asg-app')]) }],
      }),
      'both.json',
    );
    expect(asgDiagnostics(r.diagnostics).map((d) => d.code)).toEqual(['asg.vnet-mismatch']);
  });
});
