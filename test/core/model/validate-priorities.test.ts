// Rule 1.2: two security rules of one NSG may not share a priority and a direction (A21: the
// per-direction reading of the NSG overview). Checked through change files on the bundled sample,
// whose nsg-db lists Allow-App-Sql (Inbound, 100), Deny-Legacy-Sql (Inbound, 300) and
// Allow-Sql-Backup-Storage (Outbound, 100).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, type Snapshot } from '../../../core/index.ts';
import { applyChange } from '../../../importer/index.ts';
import { trace } from '../trace/helpers.ts';
import { readFolderDocuments, REPO_ROOT, snapshotOf } from '../../support/load.ts';

const sample = (): Snapshot => snapshotOf(readFolderDocuments(join(REPO_ROOT, 'examples/hub-spoke')));

function add(priority: number, direction: 'Inbound' | 'Outbound', access: 'Allow' | 'Deny' = 'Deny') {
  const rule = { name: 'Added-Rule', properties: { priority, direction, access, protocol: 'Tcp', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '1433' } };
  return applyChange(sample(), JSON.stringify({ edits: [{ op: 'addSecurityRule', nsg: 'nsg-db', rule }] }), 'change.json');
}
const priorityErrors = (r: ReturnType<typeof add>) => r.diagnostics.filter((d) => d.code === 'priority.duplicate');

describe('security rules sharing a priority and direction (rule 1.2)', () => {
  it('the sample has none', () => {
    expect(sample().diagnostics.filter((d) => d.code === 'priority.duplicate')).toEqual([]);
  });

  it('a rule added at an inbound priority taken is an error on the added rule, located in the change file', () => {
    const r = add(100, 'Inbound');
    expect(r.failed).toBe(false);
    const [d, ...rest] = priorityErrors(r);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'error', file: 'change.json', jsonPath: '$.edits[0].rule.properties.priority' });
    expect(d.resourceId).toMatch(/\/networkSecurityGroups\/nsg-db\/securityRules\/Added-Rule$/);
    expect(d.message).toBe('security rules Allow-App-Sql and Added-Rule of nsg-db have the same priority 100 and direction Inbound; Azure refuses this (rule 1.2). Evaluated in the order the NSG lists them (Allow-App-Sql first)');
    // As said: the rule listed first decides, so the app servers still reach SQL on 1433.
    expect(trace(compile(r.snapshot), 'vm-app01', 'vm-sql01', 'Tcp', 1433).disposition).toBe('ACCEPTED');
  });

  it('the same priority in the other direction, or a free priority, is no error', () => {
    expect(priorityErrors(add(300, 'Outbound'))).toEqual([]);
    expect(priorityErrors(add(105, 'Inbound'))).toEqual([]);
    expect(priorityErrors(add(100, 'Outbound')).map((d) => d.message)).toEqual([
      'security rules Allow-Sql-Backup-Storage and Added-Rule of nsg-db have the same priority 100 and direction Outbound; Azure refuses this (rule 1.2). Evaluated in the order the NSG lists them (Allow-Sql-Backup-Storage first)',
    ]);
  });
});
