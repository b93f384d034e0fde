// Everything that can reach one destination: "which ports can reach B at all", from every source
// of the estate, the internet and each on-premises site. Sources are NICs (private endpoints do not
// open connections, rule 11.2), taken one equivalence class at a time: NICs that no rule, route or
// tag tells apart (same subnet, same NSGs, same address atom of every prefix any rule or route
// names) get the same answer to the same destination, so one computeReach per class answers for
// all its members. Members are then grouped by subnet and what they can open, one row each.
// Outside sources are asked as `reach --from internet --via-public-ip` and `reach --from` each
// local network gateway's prefixes (entering through the gateways whose connections cover them).

import type { DataPlane } from '../dataplane/compile.ts';
import type { Endpoint } from '../dataplane/address-index.ts';
import { CAVEATS, CaveatSet, type Caveat } from '../dataplane/caveats.ts';
import { computeEndpointClasses } from '../dataplane/equivalence.ts';
import { cidrsToSet } from '../sets/cidr.ts';
import { parseIPv4 } from '../sets/ipv4.ts';
import { displayOf } from '../trace/walk.ts';
import { allowedOf, portsOf, type AllowedPorts } from './blast-walk.ts';
import { compareText } from './collation.ts';
import { computeReach, type ReachPart } from './reach.ts';
import type { ResolvedRef } from './resolve-ref.ts';

export interface ReachIntoRow {
  /** The sources: NICs of one subnet, the internet, or one on-premises site. */
  from: { kind: 'subnet' | 'internet' | 'onPremises'; name: string; id: string | null };
  /** NIC sources: their names (the subnet's NICs that can open exactly `allowed`). */
  endpoints?: string[];
  /** Per protocol, the destination ports these sources can open. */
  allowed: AllowedPorts[];
  /** Outside sources: what got through, with the source prefixes and the entry point used (reach's parts). */
  parts?: ReachPart[];
  /** One flow that gets through (`ztpath trace` confirms it). */
  example: ReachPart['example'];
}

export interface ReachIntoAnswer {
  rows: ReachIntoRow[];
  summary: { hosts: number; subnets: number; internet: boolean; onPremises: number; classes: number };
  caveats: Caveat[];
  error?: string;
}

export interface ReachIntoOptions {
  /** Storage service endpoint of a storage account destination (`blob`, `file`, ...), as reach's. */
  endpoint?: string;
  /** Destination FQDN, so that Azure Firewall application rules can match, as reach's. */
  fqdn?: string;
}

export function computeReachInto(dp: DataPlane, to: ResolvedRef, opts: ReachIntoOptions = {}): ReachIntoAnswer {
  const ask = { to, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}), ...(opts.fqdn ? { fqdn: opts.fqdn } : {}) };
  const caveats = new CaveatSet();
  const self = to.kind === 'endpoint' ? to.endpoint : undefined;
  const isSelf = (e: Endpoint) => self !== undefined && e.ip === self.ip && e.vnetId === self.vnetId;
  // ---- NICs, one class at a time ----
  const rows = new Map<string, { subnetId: string; allowed: AllowedPorts[]; example: ReachPart['example']; names: string[] }>();
  const classes = computeEndpointClasses(dp);
  for (const c of classes.classes) {
    const members = c.members.filter((e) => !isSelf(e));
    if (!members.length) continue;
    const rep = members[0];
    const r = computeReach(dp, { ...ask, from: { kind: 'endpoint', endpoint: rep, label: rep.ipText } });
    if (r.error) return { rows: [], summary: { hosts: 0, subnets: 0, internet: false, onPremises: 0, classes: classes.classes.length }, caveats: r.caveats, error: r.error };
    caveats.addAll(r.caveats);
    if (!r.allowed.length) continue;
    if (r.allowed.some((p) => p.sourcePorts !== undefined)) caveats.add(CAVEATS.sourcePortsMerged);
    const allowed = byProtocol(r.allowed);
    const key = `${rep.subnetId}|${JSON.stringify(allowed)}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { subnetId: rep.subnetId, allowed, example: r.allowed[0].example, names: [] }));
    for (const m of members) row.names.push(displayOf(dp, m).name);
  }
  const out: ReachIntoRow[] = [];
  const subnets = new Set<string>();
  let hosts = 0;
  for (const row of rows.values()) {
    const sub = dp.snapshot.subnets.get(row.subnetId);
    const vnet = sub ? dp.snapshot.virtualNetworks.get(sub.vnetId) : undefined;
    subnets.add(row.subnetId);
    hosts += row.names.length;
    out.push({ from: { kind: 'subnet', name: `${vnet?.name ?? '?'}/${sub?.name ?? row.subnetId}`, id: sub?.displayId ?? row.subnetId }, endpoints: row.names.sort(compareText), allowed: row.allowed, example: row.example });
  }
  out.sort((a, b) => compareText(a.from.name, b.from.name) || compareText(JSON.stringify(a.allowed), JSON.stringify(b.allowed)));

  // ---- outside: the internet and each on-premises site ----
  const outside: ReachIntoRow[] = [];
  const internet = computeReach(dp, { ...ask, from: { kind: 'internet', label: 'internet' }, viaPublicIp: true });
  caveats.addAll(internet.caveats);
  if (internet.allowed.length) outside.push({ from: { kind: 'internet', name: 'internet', id: null }, allowed: byProtocol(internet.allowed), parts: internet.allowed, example: internet.allowed[0].example });
  const sites = [...dp.snapshot.localNetworkGateways.values()].sort((a, b) => compareText(a.name, b.name));
  let onPremises = 0;
  for (const lgw of sites) {
    const set = cidrsToSet(lgw.addressPrefixes).set;
    const first = set.min();
    if (first === undefined) continue;
    const ipText = lgw.addressPrefixes[0].split('/')[0];
    const from: ResolvedRef = { kind: 'external', ip: parseIPv4(ipText) ?? first, ipText, where: 'onPremises', label: lgw.name };
    const r = computeReach(dp, { ...ask, from, sources: set });
    caveats.addAll(r.caveats);
    if (!r.allowed.length) continue;
    onPremises++;
    outside.push({ from: { kind: 'onPremises', name: lgw.name, id: lgw.displayId }, allowed: byProtocol(r.allowed), parts: r.allowed, example: r.allowed[0].example });
  }
  return {
    rows: [...outside, ...out],
    summary: { hosts, subnets: subnets.size, internet: outside.some((x) => x.from.kind === 'internet'), onPremises, classes: classes.classes.length },
    caveats: caveats.list(),
  };
}

/** Reach's parts (one per protocol, source set and entry point) as ports per protocol: their union, in answers' protocol order. */
function byProtocol(parts: ReachPart[]): AllowedPorts[] {
  return allowedOf(portsOf(parts));
}
