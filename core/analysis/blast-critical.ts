// Critical asset selectors for blast radius (`--critical`): a resource name or id (NIC, VM, private
// endpoint, storage account), `vnet/subnet`, `tag:key=value` or `tag:key` (resource tags on the
// NIC, its VM, or the storage account), `asg:NAME` (NICs whose ip configuration is in the ASG).

import type { DataPlane } from '../dataplane/compile.ts';
import type { Endpoint } from '../dataplane/address-index.ts';
import type { ResourceId, StorageAccount } from '../model/types.ts';
import { normalizeId } from '../model/ids.ts';

export interface CriticalMatcher {
  /** The first selector the endpoint matches. */
  endpoint(e: Endpoint): string | undefined;
  storage(a: StorageAccount): string | undefined;
  /** Selectors that match nothing in the estate. */
  unmatched: string[];
}

type Selector =
  | { text: string; kind: 'tag'; key: string; value?: string }
  | { text: string; kind: 'asg'; asgIds: Set<ResourceId> }
  | { text: string; kind: 'subnet'; subnetIds: Set<ResourceId> }
  | { text: string; kind: 'resource'; ids: Set<ResourceId> };

function tagMatch(tags: Record<string, string> | undefined, key: string, value: string | undefined): boolean {
  if (!tags) return false;
  for (const [k, v] of Object.entries(tags)) {
    if (k.toLowerCase() !== key) continue;
    if (value === undefined || v.toLowerCase() === value) return true;
  }
  return false;
}

function parse(dp: DataPlane, text: string): Selector {
  const s = dp.snapshot;
  const t = text.trim();
  const lower = t.toLowerCase();
  if (lower.startsWith('tag:')) {
    const body = t.slice(4);
    const eq = body.indexOf('=');
    return eq < 0 ? { text: t, kind: 'tag', key: body.trim().toLowerCase() } : { text: t, kind: 'tag', key: body.slice(0, eq).trim().toLowerCase(), value: body.slice(eq + 1).trim().toLowerCase() };
  }
  if (lower.startsWith('asg:')) {
    const name = lower.slice(4).trim();
    const ids = new Set<ResourceId>();
    for (const a of s.applicationSecurityGroups.values()) if (a.name.toLowerCase() === name || a.id === normalizeId(t.slice(4).trim())) ids.add(a.id);
    // ASGs referenced by NICs but not exported themselves: match by the last id segment.
    for (const nic of s.networkInterfaces.values()) for (const c of nic.ipConfigurations) for (const id of c.asgIds) if (id.split('/').pop() === name) ids.add(id);
    return { text: t, kind: 'asg', asgIds: ids };
  }
  if (t.includes('/') && !t.startsWith('/')) {
    const [vnetName, subnetName] = lower.split('/');
    const ids = new Set<ResourceId>();
    for (const sub of s.subnets.values()) if (sub.name.toLowerCase() === subnetName && s.virtualNetworks.get(sub.vnetId)?.name.toLowerCase() === vnetName) ids.add(sub.id);
    return { text: t, kind: 'subnet', subnetIds: ids };
  }
  const ids = new Set<ResourceId>();
  if (t.startsWith('/')) {
    const id = normalizeId(t);
    if (s.subnets.has(id)) return { text: t, kind: 'subnet', subnetIds: new Set([id]) };
    if (s.networkInterfaces.has(id) || s.virtualMachines.has(id) || s.privateEndpoints.has(id) || s.storageAccounts.has(id)) ids.add(id);
  } else {
    for (const m of [s.networkInterfaces, s.virtualMachines, s.privateEndpoints, s.storageAccounts] as const) {
      for (const r of m.values()) if (r.name.toLowerCase() === lower) ids.add(r.id);
    }
  }
  return { text: t, kind: 'resource', ids };
}

export function compileCriticalSelectors(dp: DataPlane, texts: string[]): CriticalMatcher {
  const s = dp.snapshot;
  const selectors = texts.filter((t) => t.trim() !== '').map((t) => parse(dp, t));
  const endpoint = (e: Endpoint): string | undefined => {
    if (selectors.length === 0) return undefined;
    const nicId = e.kind === 'nic' || e.kind === 'privateEndpoint' ? e.nicId : undefined;
    const nic = nicId ? s.networkInterfaces.get(nicId) : undefined;
    const vm = nic?.vmId ? s.virtualMachines.get(nic.vmId) : undefined;
    const ipc = e.kind === 'nic' ? nic?.ipConfigurations.find((c) => c.id === e.ipConfigurationId) : undefined;
    for (const sel of selectors) {
      let hit = false;
      switch (sel.kind) {
        case 'tag':
          hit = tagMatch(nic?.tags, sel.key, sel.value) || tagMatch(vm?.tags, sel.key, sel.value) || (e.kind === 'privateEndpoint' && tagMatch(s.privateEndpoints.get(e.privateEndpointId)?.tags, sel.key, sel.value));
          break;
        case 'asg':
          hit = !!ipc?.asgIds.some((id) => sel.asgIds.has(id));
          break;
        case 'subnet':
          hit = sel.subnetIds.has(e.subnetId);
          break;
        case 'resource':
          hit = (!!nicId && sel.ids.has(nicId)) || (!!nic?.vmId && sel.ids.has(nic.vmId)) || (e.kind === 'privateEndpoint' && sel.ids.has(e.privateEndpointId));
          break;
      }
      if (hit) return sel.text;
    }
    return undefined;
  };
  const storage = (a: StorageAccount): string | undefined => {
    for (const sel of selectors) {
      if ((sel.kind === 'tag' && tagMatch(a.tags, sel.key, sel.value)) || (sel.kind === 'resource' && sel.ids.has(a.id))) return sel.text;
    }
    return undefined;
  };
  // Selectors that name nothing in the estate (typos), for a warning.
  const unmatched = selectors.filter((x) => !exists(dp, x)).map((x) => x.text);
  return { endpoint, storage, unmatched };
}

function exists(dp: DataPlane, sel: Selector): boolean {
  const s = dp.snapshot;
  switch (sel.kind) {
    case 'tag':
      return [...s.networkInterfaces.values(), ...s.virtualMachines.values(), ...s.storageAccounts.values(), ...s.privateEndpoints.values()].some((r) => tagMatch(r.tags, sel.key, sel.value));
    case 'asg':
      return sel.asgIds.size > 0;
    case 'subnet':
      return sel.subnetIds.size > 0;
    case 'resource':
      return sel.ids.size > 0;
  }
}
