// applyChange(snapshot, changeText, file): the snapshot as it will be after a change, for what-if.
//
// A change file is `{"upsert": [ARM resources], "delete": [resource ids], "edits": [short edits]}`
// (any of the three). Upserts go through the ordinary import path: an import store is seeded with
// the snapshot's model objects and the upserted documents are read into it, so the later copy wins
// for a duplicate id exactly as when two exports are imported together (a parent read again
// replaces its embedded children; a standalone child replaces one child), in whatever shape the
// importer reads (REST, az CLI, Resource Graph...). Deletes remove a resource and its children by
// id. Edits (change-edits.ts) follow, in file order. Objects the change leaves as they were are
// the snapshot's own objects, so what-if finds them unchanged by identity.

import type { Diagnostic, ModelResource, ResourceId, Snapshot } from '../core/model/index.ts';
import { validateSnapshot } from '../core/model/validate.ts';
import { assembleSnapshot } from './assemble.ts';
import { sameModel } from './change-equal.ts';
import { EDIT_OPS, EditRunner } from './change-edits.ts';
import { ImportContext, describeValue, isObject, member } from './context.ts';
import { readReplacement } from './envelope.ts';
import { canonId } from './ids.ts';
import { parseJsonText } from './parse-json.ts';
import { Store } from './store.ts';

export interface ChangeResult {
  /** The snapshot after the change (the input snapshot is not modified). */
  snapshot: Snapshot;
  /** What the change file produced: `change.*` errors for a bad change file, importer diagnostics for its resources, and validation problems the change introduced. */
  diagnostics: Diagnostic[];
  /** True when the change file itself is unusable (an error in its structure or references). */
  failed: boolean;
}

type MapName = {
  [K in keyof Snapshot]-?: Snapshot[K] extends Map<ResourceId, ModelResource> ? K : never;
}[keyof Snapshot];

const MAPS: MapName[] = [
  'virtualNetworks', 'subnets', 'peerings', 'networkInterfaces', 'networkSecurityGroups', 'applicationSecurityGroups', 'routeTables',
  'publicIpAddresses', 'natGateways', 'loadBalancers', 'applicationGateways', 'virtualNetworkGateways', 'localNetworkGateways', 'connections',
  'azureFirewalls', 'firewallPolicies', 'firewallPolicyRuleCollectionGroups', 'ipGroups', 'privateEndpoints', 'storageAccounts', 'virtualMachines',
];

/** Put the snapshot's objects into a fresh store; objects the assembly step writes to are copied. */
function seed(store: Store, s: Snapshot): void {
  const snap = store.snap;
  for (const v of s.virtualNetworks.values()) store.addParent(snap.virtualNetworks, { ...v }, 'virtual network', { subnets: [...v.subnetIds], virtualNetworkPeerings: [...v.peeringIds] });
  for (const nsg of s.networkSecurityGroups.values()) {
    store.addParent(snap.networkSecurityGroups, { ...nsg }, 'network security group', { securityRules: nsg.securityRules.map((r) => r.id), defaultSecurityRules: nsg.defaultSecurityRules.map((r) => r.id) });
    store.rulesByNsg.set(nsg.id, new Map([...nsg.securityRules, ...nsg.defaultSecurityRules].map((r) => [r.id, r])));
  }
  for (const rt of s.routeTables.values()) {
    store.addParent(snap.routeTables, { ...rt }, 'route table', { routes: rt.routes.map((r) => r.id) });
    store.routesByTable.set(rt.id, new Map(rt.routes.map((r) => [r.id, r])));
  }
  for (const p of s.firewallPolicies.values()) store.addParent(snap.firewallPolicies, { ...p, ruleCollectionGroupIds: [...p.ruleCollectionGroupIds] }, 'firewall policy', { ruleCollectionGroups: [...p.ruleCollectionGroupIds] });
  for (const x of s.networkInterfaces.values()) snap.networkInterfaces.set(x.id, { ...x });
  for (const x of s.publicIpAddresses.values()) snap.publicIpAddresses.set(x.id, { ...x });
  for (const x of s.natGateways.values()) snap.natGateways.set(x.id, { ...x, subnetIds: [...x.subnetIds] });
  for (const x of s.privateEndpoints.values()) snap.privateEndpoints.set(x.id, { ...x, nicIds: [...x.nicIds] });
  const shared: MapName[] = ['subnets', 'peerings', 'applicationSecurityGroups', 'loadBalancers', 'applicationGateways', 'virtualNetworkGateways', 'localNetworkGateways', 'connections', 'azureFirewalls', 'firewallPolicyRuleCollectionGroups', 'ipGroups', 'storageAccounts', 'virtualMachines'];
  for (const m of shared) {
    const from = s[m] as Map<ResourceId, ModelResource>;
    const to = snap[m] as Map<ResourceId, ModelResource>;
    for (const [id, x] of from) to.set(id, x);
  }
  for (const u of s.unsupported) store.addUnsupported(u);
  snap.files.push(...s.files);
}

/** Remove a resource (and its children, by id prefix) wherever it is. */
function remove(store: Store, id: ResourceId): number {
  let n = 0;
  const prefix = `${id}/`;
  const snap = store.snap;
  for (const m of MAPS) {
    const map = snap[m] as Map<ResourceId, ModelResource>;
    if (map.delete(id)) n++;
    for (const k of [...map.keys()]) if (k.startsWith(prefix) && map.delete(k)) n++;
  }
  for (const [nsgId, rules] of store.rulesByNsg) {
    if (nsgId === id || nsgId.startsWith(prefix)) {
      n += rules.size;
      store.rulesByNsg.delete(nsgId);
    } else if (rules.delete(id)) n++;
  }
  for (const [rtId, routes] of store.routesByTable) {
    if (rtId === id || rtId.startsWith(prefix)) {
      n += routes.size;
      store.routesByTable.delete(rtId);
    } else if (routes.delete(id)) n++;
  }
  for (const k of [...store.unsupported.keys()]) if ((k === id || k.startsWith(prefix)) && store.unsupported.delete(k)) n++;
  return n;
}

function diagKey(d: Diagnostic): string {
  return `${d.severity}|${d.code}|${d.resourceId ?? ''}|${d.message}`;
}

export function applyChange(snapshot: Snapshot, changeText: string, file: string): ChangeResult {
  const ctx = new ImportContext();
  ctx.file = file;
  const fail = (jsonPath: string, message: string, hint?: string) => ctx.report('error', 'change.invalid', message, { file, jsonPath, ...(hint ? { hint } : {}) });
  const done = (s: Snapshot): ChangeResult => {
    const diagnostics = ctx.diagnostics;
    const failed = diagnostics.some((d) => d.severity === 'error' && (d.code.startsWith('change.') || d.code.startsWith('json.')));
    return { snapshot: s, diagnostics, failed };
  };

  const parsed = parseJsonText(changeText, ctx, 'change file');
  if (!parsed.ok) return done(snapshot);
  const v = parsed.value;
  if (!isObject(v)) {
    fail('$', `a change file is an object {"upsert": [...], "delete": [...], "edits": [...]}, found ${describeValue(v)}`, 'see docs/whatif.md for the format');
    return done(snapshot);
  }
  for (const k of Object.keys(v)) {
    if (k !== 'upsert' && k !== 'delete' && k !== 'edits' && k !== '$schema' && k !== 'description') fail(member('$', k), `unknown key '${k}' (a change file has upsert, delete and edits)`);
  }
  const upsert = v.upsert;
  const del = v.delete;
  const edits = v.edits;
  if (upsert !== undefined && !Array.isArray(upsert)) fail('$.upsert', `'upsert' should be an array of ARM resources, found ${describeValue(upsert)}`);
  if (del !== undefined && (!Array.isArray(del) || del.some((x) => typeof x !== 'string'))) fail('$.delete', `'delete' should be an array of resource ids (strings)`);
  if (edits !== undefined && !Array.isArray(edits)) fail('$.edits', `'edits' should be an array of {"op": ...} objects (ops: ${EDIT_OPS.join(', ')})`);
  if (upsert === undefined && del === undefined && edits === undefined) fail('$', 'the change file is empty: give upsert, delete or edits');
  if (ctx.diagnostics.some((d) => d.severity === 'error')) return done(snapshot);

  const store = new Store(ctx);
  seed(store, snapshot);
  store.snap.files.push(file);

  // 1. Upserts, through the ordinary readers.
  if (Array.isArray(upsert) && upsert.length) {
    // Read where the upserts stand in the change file, so that every source location (ip
    // configurations and other nested parts included) and diagnostic points into it.
    const from = ctx.diagnostics.length;
    readReplacement(upsert, '$.upsert', ctx, store);
    // An upsert that is not a resource would leave the change empty, and a what-if that compares
    // nothing would pass its gates: the change file is wrong, not a document to skip.
    for (let i = from; i < ctx.diagnostics.length; i++) {
      const d = ctx.diagnostics[i];
      if (d.code === 'input.unrecognized') ctx.diagnostics[i] = { ...d, severity: 'error', code: 'change.invalid', message: `an upsert is not an ARM resource (no id and type): ${d.message}` };
    }
  }

  // 2. Deletes.
  if (Array.isArray(del)) {
    del.forEach((raw, i) => {
      if (typeof raw !== 'string' || !raw.trim().startsWith('/')) {
        ctx.report('error', 'change.invalid', `delete[${i}] should be a resource id (starting with /subscriptions/...)`, { file, jsonPath: `$.delete[${i}]` });
        return;
      }
      if (remove(store, canonId(raw.trim())) === 0) ctx.report('error', 'change.unknown-ref', `no resource with id ${raw.trim()} in the snapshot`, { file, jsonPath: `$.delete[${i}]`, resourceId: raw.trim() });
    });
  }

  // 3. Edits, in order.
  if (Array.isArray(edits)) {
    const runner = new EditRunner(ctx, store, file);
    edits.forEach((e, i) => runner.run(e, `$.edits[${i}]`));
  }

  // 4. Link, check, and share what did not change.
  const from = ctx.diagnostics.length;
  const after = assembleSnapshot(store, ctx);
  ctx.diagnostics.splice(from).forEach((d) => {
    if (d.code !== 'resource.duplicate' && d.code !== 'nsg.defaultRulesAdded') ctx.diagnostics.push(d);
  });
  const known = new Set(snapshot.diagnostics.map(diagKey));
  for (const d of validateSnapshot(after)) if (!known.has(diagKey(d))) ctx.diagnostics.push(d);
  for (const m of MAPS) {
    const now = after[m] as Map<ResourceId, ModelResource>;
    const was = snapshot[m] as Map<ResourceId, ModelResource>;
    for (const [id, x] of now) {
      const old = was.get(id);
      if (old !== undefined && old !== x && sameModel(old, x)) now.set(id, old);
    }
  }
  after.serviceTags = snapshot.serviceTags;
  after.diagnostics = [...snapshot.diagnostics, ...ctx.diagnostics];
  return done(after);
}
