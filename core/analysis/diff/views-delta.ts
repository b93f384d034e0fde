// The effective routes and effective security rules that a change alters, in Network Watcher's
// shapes (analysis/network-watcher.ts): what a reviewer would see in the portal before and after.

import type { DataPlane } from '../../dataplane/compile.ts';
import type { NetworkSecurityGroup, ResourceId, SecurityRule } from '../../model/types.ts';
import type { FilterPoint } from '../../policy/evaluate-endpoint.ts';
import { filterPointOfEndpoint } from '../../trace/walk.ts';
import { modelEqual } from './snapshot-diff.ts';
import { computeEffectiveRoutesView, computeEffectiveSecurityRulesView, type EffectiveRouteView, type EffectiveSecurityRuleView } from '../network-watcher.ts';
import type { FilterSite } from './affected.ts';
import type { RouteChange, RuleChange } from './types.ts';
import { endpointParty } from './universe.ts';

function diffLists<T>(before: T[], after: T[], key: (x: T) => string): { added: T[]; removed: T[] } {
  const b = new Set(before.map(key));
  const a = new Set(after.map(key));
  return { added: after.filter((x) => !b.has(key(x))), removed: before.filter((x) => !a.has(key(x))) };
}

export function routeChanges(before: DataPlane, after: DataPlane, subnetIds: Iterable<ResourceId>): RouteChange[] {
  const out: RouteChange[] = [];
  for (const id of subnetIds) {
    const s = after.snapshot.subnets.get(id) ?? before.snapshot.subnets.get(id);
    if (!s) continue;
    const key = (r: EffectiveRouteView) => JSON.stringify([r.source, r.state, r.addressPrefix, r.nextHopType, r.nextHopIpAddress, r.name ?? '']);
    const d = diffLists(computeEffectiveRoutesView(before, id).value, computeEffectiveRoutesView(after, id).value, key);
    if (!d.added.length && !d.removed.length) continue;
    const vnet = after.snapshot.virtualNetworks.get(s.vnetId) ?? before.snapshot.virtualNetworks.get(s.vnetId);
    out.push({ subnet: s.displayId, name: `${vnet?.name ?? '?'}/${s.name}`, ...d });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

type RuleWithNsg = EffectiveSecurityRuleView & { nsg: string };

function flatRules(dp: DataPlane, e: Parameters<typeof computeEffectiveSecurityRulesView>[1]): RuleWithNsg[] {
  return computeEffectiveSecurityRulesView(dp, e).value.flatMap((v) => v.effectiveSecurityRules.map((r) => ({ nsg: v.networkSecurityGroup.id, ...r })));
}

/**
 * A data plane that shows only `rules` of the given NSGs, so that the Network Watcher view expands
 * just the rules that changed (the view of a whole NSG expands every tag of every rule).
 */
function withOnly(dp: DataPlane, rules: Map<ResourceId, SecurityRule[]>): DataPlane {
  const nsgs = new Map<ResourceId, NetworkSecurityGroup>();
  for (const [id, list] of rules) {
    const nsg = dp.snapshot.networkSecurityGroups.get(id);
    if (nsg) nsgs.set(id, { ...nsg, securityRules: list.filter((r) => r.collection === 'securityRules'), defaultSecurityRules: list.filter((r) => r.collection === 'defaultSecurityRules') });
  }
  return { ...dp, snapshot: { ...dp.snapshot, networkSecurityGroups: nsgs } };
}

/** When only rule content changed (same NSGs, tag and ASG members): the rules that differ, by NSG. */
function changedRules(before: DataPlane, after: DataPlane, pb: FilterPoint, pa: FilterPoint): { removed: Map<ResourceId, SecurityRule[]>; added: Map<ResourceId, SecurityRule[]> } | undefined {
  if (pb.subnetNsgId !== pa.subnetNsgId || pb.nicNsgId !== pa.nicNsgId || before.asgMembers !== after.asgMembers) return undefined;
  if (!before.virtualNetworkTag(pb.subnetId).set.equals(after.virtualNetworkTag(pa.subnetId).set)) return undefined;
  const removed = new Map<ResourceId, SecurityRule[]>();
  const added = new Map<ResourceId, SecurityRule[]>();
  for (const id of [pb.nicNsgId, pb.subnetNsgId]) {
    if (!id) continue;
    const nb = before.snapshot.networkSecurityGroups.get(id);
    const na = after.snapshot.networkSecurityGroups.get(id);
    if (nb === na) continue;
    const rb = [...(nb?.securityRules ?? []), ...(nb?.defaultSecurityRules ?? [])];
    const ra = [...(na?.securityRules ?? []), ...(na?.defaultSecurityRules ?? [])];
    const byId = new Map(rb.map((r) => [r.id, r]));
    const aIds = new Set(ra.map((r) => r.id));
    removed.set(id, rb.filter((r) => !aIds.has(r.id) || !modelEqual(r, ra.find((x) => x.id === r.id))));
    added.set(id, ra.filter((r) => !byId.has(r.id) || !modelEqual(r, byId.get(r.id))));
  }
  return { removed, added };
}

export function ruleChanges(before: DataPlane, after: DataPlane, sites: FilterSite[]): RuleChange[] {
  const out: RuleChange[] = [];
  const key = (r: RuleWithNsg) => JSON.stringify({ ...r, nsg: r.nsg.toLowerCase() });
  for (const site of sites) {
    const first = site.endpoints.find((x) => x.before && x.after);
    if (!first?.before || !first.after) continue;
    const only = changedRules(before, after, filterPointOfEndpoint(before, first.before), filterPointOfEndpoint(after, first.after));
    const d = only
      ? { removed: flatRules(withOnly(before, only.removed), first.before), added: flatRules(withOnly(after, only.added), first.after) }
      : diffLists(flatRules(before, first.before), flatRules(after, first.after), key);
    if (!d.added.length && !d.removed.length) continue;
    const parties = site.endpoints.map((x) => endpointParty(after, (x.after ?? x.before)!)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    out.push({ endpoints: parties.map((p) => p.name), ids: parties.map((p) => p.id ?? p.name), subnet: parties[0]?.subnet ?? '', ...d });
  }
  return out.sort((a, b) => (a.endpoints[0] < b.endpoints[0] ? -1 : a.endpoints[0] > b.endpoints[0] ? 1 : 0));
}
