// Change detection: two snapshots compared resource by resource. Objects shared by both (a what-if
// snapshot reuses every object the change did not touch) are equal at once; others are compared
// structurally on the model (never on JSON text), ignoring where they were read from (`source`).

import type { ModelResource, ResourceId, SecurityRule, Snapshot, Route } from '../../model/types.ts';
import type { ResourceChangeSummary } from './types.ts';

export const COLLECTIONS = [
  'virtualNetworks',
  'subnets',
  'peerings',
  'networkInterfaces',
  'networkSecurityGroups',
  'applicationSecurityGroups',
  'routeTables',
  'publicIpAddresses',
  'natGateways',
  'loadBalancers',
  'applicationGateways',
  'virtualNetworkGateways',
  'localNetworkGateways',
  'connections',
  'azureFirewalls',
  'firewallPolicies',
  'firewallPolicyRuleCollectionGroups',
  'ipGroups',
  'privateEndpoints',
  'storageAccounts',
  'virtualMachines',
] as const;

export type Collection = (typeof COLLECTIONS)[number];

export interface ResourceChange {
  collection: Collection;
  id: ResourceId;
  change: 'added' | 'removed' | 'modified';
  before?: ModelResource;
  after?: ModelResource;
  /** Top-level fields that differ (modified only). */
  fields: string[];
}

export interface SnapshotDiff {
  changes: ResourceChange[];
  byCollection: Map<Collection, ResourceChange[]>;
  /** The service tag catalogs differ (the whole answer is recomputed). */
  serviceTagsChanged: boolean;
}

const IGNORED = new Set(['source']);

/** Structural equality of model values; `source` locations and undefined fields are ignored. */
export function modelEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!modelEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !modelEqual(v, b.get(k))) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let na = 0;
  for (const k in ao) {
    if (IGNORED.has(k) || ao[k] === undefined) continue;
    na++;
    if (!modelEqual(ao[k], bo[k])) return false;
  }
  let nb = 0;
  for (const k in bo) if (!IGNORED.has(k) && bo[k] !== undefined) nb++;
  return na === nb;
}

/** Fields a parent holds only as a mirror of its children (rebuilt when a snapshot is assembled). */
const DERIVED: Partial<Record<Collection, string[]>> = {
  virtualNetworks: ['subnetIds', 'peeringIds'],
};

function changedFields(collection: Collection, a: ModelResource, b: ModelResource): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const ao = a as unknown as Record<string, unknown>;
  const bo = b as unknown as Record<string, unknown>;
  const out: string[] = [];
  for (const k of keys) {
    if (IGNORED.has(k)) continue;
    if (!modelEqual(ao[k], bo[k])) out.push(k);
  }
  const derived = DERIVED[collection];
  return derived ? out.filter((f) => !derived.includes(f)) : out;
}

function serviceTagsKey(s: Snapshot): string {
  const t = s.serviceTags;
  if (!t) return '';
  return `${t.origin}|${t.changeNumber ?? ''}|${t.tags.size}`;
}

export function diffSnapshots(before: Snapshot, after: Snapshot): SnapshotDiff {
  const changes: ResourceChange[] = [];
  const byCollection = new Map<Collection, ResourceChange[]>();
  for (const collection of COLLECTIONS) {
    const mb = before[collection] as Map<ResourceId, ModelResource>;
    const ma = after[collection] as Map<ResourceId, ModelResource>;
    if (mb === ma) continue;
    const list: ResourceChange[] = [];
    for (const [id, b] of mb) {
      const a = ma.get(id);
      if (a === undefined) list.push({ collection, id, change: 'removed', before: b, fields: [] });
      else if (a !== b && !modelEqual(a, b)) {
        const fields = changedFields(collection, b, a);
        if (fields.length > 0) list.push({ collection, id, change: 'modified', before: b, after: a, fields });
      }
    }
    for (const [id, a] of ma) if (!mb.has(id)) list.push({ collection, id, change: 'added', after: a, fields: [] });
    if (list.length) {
      byCollection.set(collection, list);
      changes.push(...list);
    }
  }
  const serviceTagsChanged = before.serviceTags !== after.serviceTags && (serviceTagsKey(before) !== serviceTagsKey(after) || !modelEqual(before.serviceTags, after.serviceTags));
  return { changes, byCollection, serviceTagsChanged };
}

function childChanges<T extends SecurityRule | Route>(label: string, before: T[], after: T[]): string[] {
  const out: string[] = [];
  const b = new Map(before.map((r) => [r.id, r]));
  const a = new Map(after.map((r) => [r.id, r]));
  for (const [id, r] of a) {
    const old = b.get(id);
    if (!old) out.push(`${label}/${r.name} added`);
    else if (!modelEqual(old, r)) out.push(`${label}/${r.name} changed (${changedKeys(old, r).join(', ')})`);
  }
  for (const [id, r] of b) if (!a.has(id)) out.push(`${label}/${r.name} removed`);
  return out;
}

function changedKeys(a: object, b: object): string[] {
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  return [...new Set([...Object.keys(ao), ...Object.keys(bo)])].filter((k) => !IGNORED.has(k) && !modelEqual(ao[k], bo[k]));
}

/** What changed, in words a reviewer reads (the `changes` section of a what-if answer). */
export function summarizeChanges(diff: SnapshotDiff): ResourceChangeSummary[] {
  return diff.changes.map((c) => {
    const r = (c.after ?? c.before)!;
    let details = c.fields;
    if (c.change === 'modified' && c.before && c.after) {
      if (c.before.kind === 'networkSecurityGroup' && c.after.kind === 'networkSecurityGroup') {
        details = [...c.fields.filter((f) => f !== 'securityRules' && f !== 'defaultSecurityRules'), ...childChanges('securityRules', c.before.securityRules, c.after.securityRules), ...childChanges('defaultSecurityRules', c.before.defaultSecurityRules, c.after.defaultSecurityRules)];
      } else if (c.before.kind === 'routeTable' && c.after.kind === 'routeTable') {
        details = [...c.fields.filter((f) => f !== 'routes'), ...childChanges('routes', c.before.routes, c.after.routes)];
      } else {
        const bo = c.before as unknown as Record<string, unknown>;
        const ao = c.after as unknown as Record<string, unknown>;
        details = c.fields.map((f) => {
          const x = bo[f];
          const y = ao[f];
          const simple = (v: unknown) => v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
          return simple(x) && simple(y) ? `${f}: ${x === undefined ? '(none)' : String(x)} -> ${y === undefined ? '(none)' : String(y)}` : f;
        });
      }
    }
    return { collection: c.collection, id: r.displayId, name: r.name, change: c.change, details };
  });
}
