// Policy selectors -> what they stand for in the snapshot: endpoints inside the estate, storage
// accounts, and address sets outside it (internet, on-premises). Forms:
//   internet | onprem | group:NAME | asg:NAME | tag:KEY=VALUE (or tag:KEY) | vnet:NAME |
//   VNET/SUBNET (or subnet:VNET/SUBNET) | CIDR | IP | resource name | resource id

import type { DataPlane } from '../../dataplane/compile.ts';
import type { Endpoint } from '../../dataplane/address-index.ts';
import { endpointKey } from '../../dataplane/equivalence.ts';
import { PRIVATE_SET } from '../../dataplane/well-known-addresses.ts';
import { normalizeId } from '../../model/ids.ts';
import type { ResourceId } from '../../model/types.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { cidrsToSet, parseCidr } from '../../sets/cidr.ts';
import { formatIPv4 } from '../../sets/ipv4.ts';
import { resolveRef } from '../resolve-ref.ts';
import { INTERNET_CLIENTS } from '../findings/flows.ts';
import type { PolicySelector } from './policy.ts';

export interface ExternalTarget {
  where: 'internet' | 'onPremises';
  set: IntervalSet;
  label: string;
}

export interface Target {
  endpoints: Map<string, Endpoint>;
  storage: Set<ResourceId>;
  external: ExternalTarget[];
}

export type Resolved = { ok: true; target: Target } | { ok: false; message: string };

function emptyTarget(): Target {
  return { endpoints: new Map(), storage: new Set(), external: [] };
}

export function mergeTargets(list: Target[]): Target {
  const t = emptyTarget();
  for (const x of list) {
    x.endpoints.forEach((e, k) => t.endpoints.set(k, e));
    x.storage.forEach((s) => t.storage.add(s));
    for (const ext of x.external) {
      const same = t.external.find((y) => y.where === ext.where);
      if (same) {
        same.set = same.set.union(ext.set);
        same.label = same.label === ext.label ? same.label : `${same.label}, ${ext.label}`;
      } else t.external.push({ ...ext });
    }
  }
  return t;
}

function endpointsWhere(dp: DataPlane, pred: (e: Endpoint) => boolean): Target {
  const t = emptyTarget();
  for (const m of dp.addresses.byVnet.values()) for (const e of m.values()) if (e.kind !== 'firewall' && e.kind !== 'applicationGateway' && pred(e)) t.endpoints.set(endpointKey(e), e);
  return t;
}

function vnetSpace(dp: DataPlane): IntervalSet {
  let s = IntervalSet.EMPTY;
  for (const v of dp.topology.vnets.values()) s = s.union(v.addressSet);
  return s;
}

export function onPremisesPrefixes(dp: DataPlane): IntervalSet {
  return cidrsToSet([...dp.snapshot.localNetworkGateways.values()].flatMap((l) => l.addressPrefixes)).set;
}

/** Addresses outside every VNet, split into internet and private (on-premises) parts. */
function outside(dp: DataPlane, set: IntervalSet, label: string): ExternalTarget[] {
  const rest = set.subtract(vnetSpace(dp));
  const out: ExternalTarget[] = [];
  const pub = rest.intersect(INTERNET_CLIENTS);
  const priv = rest.intersect(PRIVATE_SET.union(onPremisesPrefixes(dp)));
  if (!pub.isEmpty()) out.push({ where: 'internet', set: pub, label });
  if (!priv.isEmpty()) out.push({ where: 'onPremises', set: priv, label });
  return out;
}

function tagMatch(tags: Record<string, string> | undefined, key: string, value: string | undefined): boolean {
  if (!tags) return false;
  for (const [k, v] of Object.entries(tags)) if (k.toLowerCase() === key && (value === undefined || v.toLowerCase() === value)) return true;
  return false;
}

/** Resolve one selector (groups already expanded by the caller). */
export function resolveSelector(dp: DataPlane, text: string): Resolved {
  const s = dp.snapshot;
  const t = text.trim();
  const lower = t.toLowerCase();
  if (lower === 'internet') return { ok: true, target: { ...emptyTarget(), external: [{ where: 'internet', set: INTERNET_CLIENTS, label: 'internet' }] } };
  if (lower === 'onprem' || lower === 'on-premises' || lower === 'onpremises') {
    const set = onPremisesPrefixes(dp);
    if (set.isEmpty()) return { ok: false, message: `'${t}': the input has no local network gateway, so there are no on-premises prefixes` };
    return { ok: true, target: { ...emptyTarget(), external: [{ where: 'onPremises', set, label: 'on-premises' }] } };
  }
  let m = /^asg:(.+)$/i.exec(t);
  if (m) {
    const want = m[1].trim().toLowerCase();
    const asgs = [...s.applicationSecurityGroups.values()].filter((a) => a.id === normalizeId(want) || a.name.toLowerCase() === want);
    if (asgs.length === 0) return { ok: false, message: `'${t}': no application security group named ${m[1].trim()}` };
    if (asgs.length > 1) return { ok: false, message: `'${t}' names ${asgs.length} application security groups; use asg:<resource id> (${asgs.map((a) => a.displayId).join(', ')})` };
    const id = asgs[0].id;
    const target = endpointsWhere(dp, (e) => e.kind === 'nic' && (s.networkInterfaces.get(e.nicId)?.ipConfigurations.find((c) => c.id === e.ipConfigurationId)?.asgIds.includes(id) ?? false));
    return target.endpoints.size ? { ok: true, target } : { ok: false, message: `'${t}': application security group ${asgs[0].name} has no member NIC in the input` };
  }
  m = /^tag:([^=]+)(?:=(.*))?$/i.exec(t);
  if (m) {
    const key = m[1].trim().toLowerCase();
    const value = m[2]?.trim().toLowerCase();
    const target = endpointsWhere(dp, (e) => {
      const vnet = s.virtualNetworks.get(e.vnetId);
      if (tagMatch(vnet?.tags, key, value)) return true;
      if (e.kind === 'nic') {
        const nic = s.networkInterfaces.get(e.nicId);
        const vm = nic?.vmId ? s.virtualMachines.get(nic.vmId) : undefined;
        return tagMatch(nic?.tags, key, value) || tagMatch(vm?.tags, key, value);
      }
      if (e.kind === 'privateEndpoint') return tagMatch(s.privateEndpoints.get(e.privateEndpointId)?.tags, key, value);
      if (e.kind === 'loadBalancerFrontend') return tagMatch(s.loadBalancers.get(e.loadBalancerId)?.tags, key, value);
      return false;
    });
    for (const a of s.storageAccounts.values()) if (tagMatch(a.tags, key, value)) target.storage.add(a.id);
    if (target.endpoints.size === 0 && target.storage.size === 0) return { ok: false, message: `'${t}': no NIC, VM, private endpoint, load balancer, VNet or storage account has tag ${m[1].trim()}${m[2] !== undefined ? `=${m[2].trim()}` : ''}` };
    return { ok: true, target };
  }
  m = /^vnet:(.+)$/i.exec(t);
  if (m) {
    const want = m[1].trim().toLowerCase();
    const vnets = [...s.virtualNetworks.values()].filter((v) => v.id === normalizeId(want) || v.name.toLowerCase() === want);
    if (vnets.length !== 1) return { ok: false, message: vnets.length ? `'${t}' names ${vnets.length} VNets; use vnet:<resource id>` : `'${t}': no VNet named ${m[1].trim()}` };
    return { ok: true, target: endpointsWhere(dp, (e) => e.vnetId === vnets[0].id) };
  }
  const text2 = /^subnet:/i.test(t) ? t.slice(7).trim() : t;
  // CIDRs (a bare IP is a resource reference: a NIC's address, or an outside host).
  if (/^[0-9.]+\/\d{1,2}$/.test(text2)) {
    const p = parseCidr(text2);
    if (!p.ok) return { ok: false, message: `'${t}': ${p.reason}` };
    const set = IntervalSet.range(p.cidr.start, p.cidr.end);
    const target = endpointsWhere(dp, (e) => set.has(e.ip));
    target.external = outside(dp, set, text2);
    return { ok: true, target };
  }
  const r = resolveRef(dp, text2);
  if (!r.ok) return { ok: false, message: `${r.message}${r.candidates.length ? ` (${r.code === 'ref.ambiguous' ? 'candidates' : 'did you mean'}: ${[...new Set(r.candidates)].slice(0, 5).join(', ')})` : ''}` };
  const ref = r.ref;
  switch (ref.kind) {
    case 'internet':
      return { ok: true, target: { ...emptyTarget(), external: [{ where: 'internet', set: INTERNET_CLIENTS, label: 'internet' }] } };
    case 'external': {
      const set = IntervalSet.point(ref.ip);
      return { ok: true, target: { ...emptyTarget(), external: [{ where: ref.where, set, label: formatIPv4(ref.ip) }] } };
    }
    case 'storageAccount':
      return { ok: true, target: { ...emptyTarget(), storage: new Set([ref.storageAccountId]) } };
    case 'subnet': {
      const target = endpointsWhere(dp, (e) => e.subnetId === ref.subnetId);
      return target.endpoints.size ? { ok: true, target } : { ok: false, message: `'${t}': subnet ${ref.label} holds no NIC, private endpoint or load balancer frontend` };
    }
    case 'endpoint': {
      const e = ref.endpoint;
      if (e.kind === 'firewall' || e.kind === 'applicationGateway') return { ok: false, message: `'${t}' is ${e.kind === 'firewall' ? 'an Azure Firewall' : 'an Application Gateway'}, which is not a source or destination of flows here (use it in 'through', or name what is behind it)` };
      const target = emptyTarget();
      target.endpoints.set(endpointKey(e), e);
      return { ok: true, target };
    }
  }
}

/** `through`: the firewalls and appliance NICs that count as passing. */
export function resolveThrough(dp: DataPlane, text: string): { ok: true; ids: Set<string>; label: string } | { ok: false; message: string } {
  const s = dp.snapshot;
  const r = resolveRef(dp, text.trim());
  if (!r.ok) return { ok: false, message: r.message };
  if (r.ref.kind !== 'endpoint') return { ok: false, message: `'${text}' is not a firewall or an appliance (name an Azure Firewall, an appliance NIC or VM, or an internal load balancer in front of appliances)` };
  const e = r.ref.endpoint;
  const ids = new Set<string>();
  if (e.kind === 'firewall') ids.add(e.firewallId);
  else if (e.kind === 'nic') ids.add(e.nicId);
  else if (e.kind === 'loadBalancerFrontend') {
    const lb = s.loadBalancers.get(e.loadBalancerId);
    const pools = new Set((lb?.loadBalancingRules ?? []).filter((x) => x.frontendIpConfigurationId === e.frontendId).flatMap((x) => x.backendPoolIds));
    for (const nic of s.networkInterfaces.values()) if (nic.ipConfigurations.some((c) => c.loadBalancerBackendPoolIds.some((p) => pools.has(p)))) ids.add(nic.id);
    if (ids.size === 0) return { ok: false, message: `'${text}': load balancer ${lb?.name ?? ''} has no backend NIC to forward through` };
  } else return { ok: false, message: `'${text}' is a ${e.kind}, not a firewall or an appliance` };
  return { ok: true, ids, label: text.trim() };
}

