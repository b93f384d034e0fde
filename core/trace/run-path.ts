// Where a path question starts and ends: resolves the two ends into a starting position and the
// destination address, then hands over to the walker. Shared by trace (one flow) and reach (all).

import type { DataPlane } from '../dataplane/compile.ts';
import { privateEndpointAddresses, type Endpoint } from '../dataplane/address-index.ts';
import type { ResolvedRef } from '../analysis/resolve-ref.ts';
import { CAVEATS, CaveatSet } from '../dataplane/caveats.ts';
import { PRIVATE_SET } from '../dataplane/well-known-addresses.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { PacketSpace } from '../sets/packet-space.ts';
import { formatIPv4, parseIPv4 } from '../sets/ipv4.ts';
import type { ResourceId, StorageAccount } from '../model/types.ts';
import type { Filters } from './filters.ts';
import { applyNsg, deliver, end, endpointHop, filterPointOfEndpoint, hop, isOutcome, routeFrom, type Outcome, type Target, type WalkContext, type WalkState } from './walk.ts';
import { enterFromInternet, enterFromOnPremises, type EntryDescription } from './entry-points.ts';
import { evaluateStorageAccess, storagePublicSources } from './paas.ts';
import { storageFqdn } from './paas.ts';
import { dropBlockedInVnet, servePlatform, splitPlatformTraffic } from './platform.ts';
import type { Hop } from './types.ts';

export interface PathQuery {
  from: ResolvedRef;
  to: ResolvedRef;
  /** `--via-public-ip`: an outside source addresses the destination's public entry points. */
  viaPublicIp?: boolean;
  /** Storage service endpoint (`blob`, `file`, ...). */
  endpoint?: string;
  /** FQDN for firewall application rules. */
  fqdn?: string;
  /** For an outside source (`internet` or an external address): the source addresses to consider (reach, exposure). */
  sources?: IntervalSet;
  /** For an on-premises source: enter through this virtual network gateway only (default: every gateway whose connections cover the source). */
  gatewayId?: string;
}

export interface PathRun {
  outcomes: Outcome[];
  source: Hop;
  srcIp: number;
  srcSet: IntervalSet;
  dstIp: number;
  dstLabel: string;
  entries: EntryDescription[];
  caveats: CaveatSet;
  /** A question that cannot be asked (e.g. from a private endpoint). */
  error?: string;
}

/** A stand-in public address for `internet` as a destination (TEST-NET-3, RFC 5737). */
export const INTERNET_EXAMPLE = '203.0.113.1';

function firstEndpointInSubnet(dp: DataPlane, subnetId: string): Endpoint | undefined {
  const vnetId = dp.snapshot.subnets.get(subnetId)?.vnetId;
  const list = [...(dp.addresses.byVnet.get(vnetId ?? '')?.values() ?? [])].filter((e) => e.subnetId === subnetId && e.kind === 'nic');
  return list.sort((a, b) => a.ip - b.ip)[0];
}

/**
 * Storage account id -> its private endpoints' addresses, built once per address index: it reads
 * the addresses, the private endpoints and the storage accounts only, so a data plane that shares
 * all three by identity (a what-if snapshot after a rule change) shares the table.
 */
const storagePeCache = new WeakMap<DataPlane['addresses'], { pes: DataPlane['snapshot']['privateEndpoints']; accounts: DataPlane['snapshot']['storageAccounts']; byAccount: Map<string, Map<number, Endpoint>> }>();

export function storagePrivateEndpointIps(dp: DataPlane, account: StorageAccount): Map<number, Endpoint> {
  const hit = storagePeCache.get(dp.addresses);
  let byAccount = hit && hit.pes === dp.snapshot.privateEndpoints && hit.accounts === dp.snapshot.storageAccounts ? hit.byAccount : undefined;
  if (!byAccount) {
    // Per account, its endpoints' addresses in snapshot order (the order the answer's first match
    // depends on).
    const byPe = privateEndpointAddresses(dp.addresses);
    byAccount = new Map();
    for (const pe of dp.snapshot.privateEndpoints.values()) {
      for (const targetId of new Set(pe.connections.map((c) => c.targetId))) {
        if (!dp.snapshot.storageAccounts.has(targetId)) continue;
        let out = byAccount.get(targetId);
        if (!out) byAccount.set(targetId, (out = new Map()));
        for (const e of byPe.get(pe.id) ?? []) out.set(e.ip, e);
      }
    }
    storagePeCache.set(dp.addresses, { pes: dp.snapshot.privateEndpoints, accounts: dp.snapshot.storageAccounts, byAccount });
  }
  return byAccount.get(account.id) ?? new Map();
}

/**
 * The first private endpoint whose /32 route the subnet has, Active or Invalid (rule 11.3: its own
 * VNet and directly peered VNets): the one its clients' DNS is taken to answer with.
 */
function endpointKnownTo(dp: DataPlane, subnetId: ResourceId, pes: Map<number, Endpoint>): Endpoint | undefined {
  if (pes.size === 0) return undefined;
  const routes = dp.routesForSubnet(subnetId)?.routes ?? [];
  for (const e of pes.values()) {
    if (e.kind !== 'privateEndpoint') continue;
    if (routes.some((r) => r.origin.kind === 'privateEndpoint' && r.origin.privateEndpointId === e.privateEndpointId)) return e;
  }
  return undefined;
}

/** A public address of the storage service, from the Storage service tag when loaded. */
function storagePublicIp(dp: DataPlane, account: StorageAccount, caveats: CaveatSet): number {
  const region = (account.location ?? '').replace(/\s/g, '').toLowerCase();
  const prefixes = dp.tags.tagPrefixes(`Storage.${region}`) ?? dp.tags.tagPrefixes('Storage');
  const first = prefixes?.[0];
  if (first) return parseIPv4(first.split('/')[0])!;
  caveats.add({ code: 'storage.public-ip', message: 'The storage account\'s public address is not known without --service-tags; an example public address stands in for it.' });
  return parseIPv4(INTERNET_EXAMPLE)!;
}

/** A question that cannot be asked, as a run (made per run, without a named closure per call). */
function failWith(caveats: CaveatSet): (error: string, source: Hop, srcIp?: number) => PathRun {
  return (error, source, srcIp = 0) => ({ outcomes: [], source, srcIp, srcSet: IntervalSet.EMPTY, dstIp: 0, dstLabel: '', entries: [], caveats, error });
}

export function runPath(dp: DataPlane, q: PathQuery, filters: Filters, initial: (src: IntervalSet, dst: number) => PacketSpace): PathRun {
  const caveats = new CaveatSet();
  const endpointName = q.endpoint ?? 'blob';
  let target: Target = { kind: 'address' };
  const ctx: WalkContext = { dp, filters, target, fqdn: q.fqdn, caveats, maxHops: 32 };
  const fail = failWith(caveats);

  // ---- the source ----
  let srcEndpoint: Endpoint | undefined;
  let srcSet: IntervalSet;
  let srcIp: number;
  let source: Hop;
  const from = q.from;
  if (from.kind === 'endpoint' || from.kind === 'subnet') {
    srcEndpoint = from.kind === 'endpoint' ? from.endpoint : firstEndpointInSubnet(dp, from.subnetId);
    if (!srcEndpoint) return fail(`subnet ${from.label} has no NIC to start from`, hop('', '', from.label, 'nic'));
    if (from.kind === 'subnet') caveats.add({ code: 'trace.subnet-representative', message: `The subnet is represented by its first NIC (${srcEndpoint.ipText}).` });
    source = endpointHop(dp, srcEndpoint);
    if (srcEndpoint.kind === 'privateEndpoint') return fail('a private endpoint does not initiate connections (rule 11.2)', source);
    if (srcEndpoint.kind !== 'nic') return fail(`a ${srcEndpoint.kind} is not a traffic source this tool models`, source);
    srcIp = srcEndpoint.ip;
    srcSet = IntervalSet.point(srcIp);
  } else if (from.kind === 'external') {
    srcIp = from.ip;
    srcSet = q.sources ?? IntervalSet.point(from.ip);
    source = hop(from.ipText, from.where, from.where === 'internet' ? 'internet' : 'on-premises', from.where === 'internet' ? 'internet' : 'onPremises');
  } else if (from.kind === 'internet') {
    srcIp = parseIPv4(INTERNET_EXAMPLE)!;
    srcSet = q.sources ?? IntervalSet.point(srcIp);
    source = hop(INTERNET_EXAMPLE, 'internet', 'internet', 'internet');
  } else {
    return fail(`a storage account is not a traffic source`, hop('', from.storageAccountId, from.label, 'service'));
  }

  // ---- the destination ----
  let dstEndpoint: Endpoint | undefined;
  let dstIp: number;
  let dstLabel: string;
  const to = q.to;
  if (to.kind === 'endpoint') {
    dstEndpoint = to.endpoint;
    dstIp = to.endpoint.ip;
    dstLabel = to.endpoint.ipText;
  } else if (to.kind === 'subnet') {
    dstEndpoint = firstEndpointInSubnet(dp, to.subnetId);
    if (!dstEndpoint) return fail(`subnet ${to.label} has no NIC to reach`, source, srcIp);
    caveats.add({ code: 'trace.subnet-representative', message: `The destination subnet is represented by its first NIC (${dstEndpoint.ipText}).` });
    dstIp = dstEndpoint.ip;
    dstLabel = dstEndpoint.ipText;
  } else if (to.kind === 'storageAccount') {
    const account = dp.snapshot.storageAccounts.get(to.storageAccountId)!;
    const pes = storagePrivateEndpointIps(dp, account);
    const fqdn = storageFqdn(account, endpointName);
    target = { kind: 'storage', account, endpoint: endpointName, fqdn, privateEndpointIps: new Set(pes.keys()) };
    ctx.target = target;
    // DNS: the name resolves to a private endpoint the source's VNet knows of (private DNS zone
    // assumed linked), else to the public endpoint; the packet then follows the source's real
    // routes. Resolution does not depend on routing (rule 11.5): a user route that invalidates the
    // endpoint's /32 changes the path to it, not the answer of the privatelink zone.
    const pe = srcEndpoint ? endpointKnownTo(dp, srcEndpoint.subnetId, pes) : undefined;
    if (pe) {
      dstEndpoint = pe;
      dstIp = pe.ip;
      caveats.add({ code: 'storage.dns', message: `${fqdn} is assumed to resolve to the private endpoint (a linked privatelink DNS zone).` });
    } else {
      if (srcEndpoint && pes.size > 0) caveats.add({ code: 'storage.dns-public', message: `${account.name} has private endpoints, but none in the source's VNet or a directly peered one: ${fqdn} is assumed to resolve to the public endpoint. Private DNS zone links are not modelled; a client whose DNS answers from the privatelink zone would connect to an endpoint instead (for example through its hub).` });
      dstIp = storagePublicIp(dp, account, caveats);
    }
    dstLabel = fqdn;
  } else if (to.kind === 'external') {
    dstIp = to.ip;
    dstLabel = to.ipText;
  } else {
    dstIp = parseIPv4(INTERNET_EXAMPLE)!;
    dstLabel = `${INTERNET_EXAMPLE} (internet)`;
    caveats.add({ code: 'trace.internet-example', message: `'internet' as a destination is represented by ${INTERNET_EXAMPLE}.` });
  }

  const base = { source, srcIp, srcSet, dstIp, dstLabel, caveats };
  // Rule 14.3: what a VNet does not carry (GRE, IP-in-IP, multicast, broadcast).
  const carried = dropBlockedInVnet({ space: initial(srcSet, dstIp), dstIp, hops: [source], visited: new Set(), viaGateway: false }, filters.mode === 'trace');
  if (isOutcome(carried)) return { ...base, outcomes: [carried], entries: [] };
  const st: WalkState = carried;

  // ---- internal source: outbound NSGs, then routing ----
  if (srcEndpoint && srcEndpoint.kind === 'nic') {
    const point = filterPointOfEndpoint(dp, srcEndpoint);
    // Rule 3.12: platform services (DNS, IMDS, ...) are served by the host, outside NSGs and routes.
    const platform = splitPlatformTraffic(st.space, dstIp);
    const served = platform.parts.map((p) => servePlatform(ctx, st, point, p.service, p.space));
    if (platform.rest.isEmpty()) return { ...base, outcomes: served, entries: [] };
    const rest: WalkState = platform.parts.length ? { ...st, space: platform.rest } : st;
    if (dstEndpoint?.subnetId !== srcEndpoint.subnetId) secondaryNicCaveat(dp, srcEndpoint.nicId, caveats);
    const out = applyNsg(ctx, rest, point, 'Outbound');
    if (to.kind === 'external' || to.kind === 'internet') kmsPlatformRuleCaveat(dp, srcEndpoint.subnetId, rest.space, isOutcome(out) ? undefined : out.space, caveats);
    if (isOutcome(out)) return { ...base, outcomes: [...served, out], entries: [] };
    return { ...base, outcomes: [...served, ...routeFrom(ctx, out, { subnetId: srcEndpoint.subnetId, vnetId: srcEndpoint.vnetId, nicId: srcEndpoint.nicId })], entries: [] };
  }

  // ---- external source ----
  const where = from.kind === 'external' ? from.where : 'internet';
  if (to.kind === 'external' || to.kind === 'internet') return fail('both ends are outside the estate', source, srcIp);
  if (target.kind === 'storage' && !dstEndpoint) {
    // The public endpoint, straight from the internet (or on-premises through its own egress).
    // Rule 10.7: the account's network rules are applied to the whole source set, not to one
    // example address, so that reach lists exactly the clients its IP rules admit.
    const account = target.account;
    const h = hop(target.fqdn, account.displayId, account.name, 'service');
    const s2: WalkState = { ...st, hops: [source, h] };
    if (where === 'onPremises') caveats.add({ code: 'storage.onprem-public', message: 'On-premises clients reach the public endpoint through their own internet egress, whose address is unknown.' });
    // On-premises clients' public (NAT) address is unknown: only an account open to every network admits them.
    const permitted = where === 'internet' ? storagePublicSources(account) : evaluateStorageAccess(account, { via: 'public', sameRegion: false }).access === 'Allow' ? IntervalSet.range(0, 0xffffffff) : IntervalSet.EMPTY;
    const admitted = s2.space.intersectBox({ protocols: IntervalSet.range(0, 255), src: permitted, srcPorts: IntervalSet.range(0, 65535), dst: IntervalSet.range(0, 0xffffffff), dstPorts: IntervalSet.range(0, 65535) });
    // The step names the deciding rule for one source: an admitted one when there is one (a trace holds one packet).
    const exampleSrc = (admitted.isEmpty() ? s2.space : admitted).boxes[0]?.src.min() ?? srcIp;
    const d = evaluateStorageAccess(account, { via: 'public', sourcePublicIp: where === 'internet' ? exampleSrc : undefined, sameRegion: false });
    h.steps.push({ kind: 'service', resource: account.displayId, access: admitted.isEmpty() ? 'Deny' : d.access, rule: d.rule, detail: d.detail });
    if (admitted.isEmpty()) return { ...base, outcomes: [end(s2, 'DENIED_BY_SERVICE', { stage: 'paasFirewall', resource: account.displayId, rule: d.rule, detail: d.detail })], entries: [] };
    const ports = endpointName === 'file' ? IntervalSet.fromRanges([[443, 443], [445, 445]]) : IntervalSet.point(443);
    const served = admitted.intersectBox({ protocols: IntervalSet.point(6), src: IntervalSet.range(0, 0xffffffff), srcPorts: IntervalSet.range(0, 65535), dst: IntervalSet.range(0, 0xffffffff), dstPorts: ports });
    if (served.isEmpty()) return { ...base, outcomes: [end(s2, 'DENIED_BY_SERVICE', { stage: 'paasFirewall', resource: account.displayId, detail: 'the storage service only serves TCP 443 (and 445 for files)' })], entries: [] };
    return { ...base, outcomes: [end({ ...s2, space: served }, 'ACCEPTED', null)], entries: [] };
  }
  if (!dstEndpoint) return fail('no destination inside the estate', source, srcIp);
  if (q.viaPublicIp) {
    const r = enterFromInternet(ctx, st, dstEndpoint);
    if (r.outcomes.length === 0) {
      return { ...base, entries: r.entries, outcomes: [end(st, 'NO_ENTRY_POINT', { stage: 'no-entry-point', resource: endpointHop(dp, dstEndpoint).resource, detail: r.entries.length ? 'no entry point accepts this protocol and port' : 'the destination has no public IP, load balancer rule, Application Gateway or firewall DNAT rule', fix: 'publish it through a public entry point' })] };
    }
    return { ...base, outcomes: r.outcomes, entries: r.entries };
  }
  if (where === 'onPremises') return { ...base, outcomes: enterFromOnPremises(ctx, st, dstEndpoint.vnetId, q.gatewayId), entries: [] };
  return {
    ...base,
    entries: [],
    outcomes: [end(st, 'NO_ENTRY_POINT', { stage: 'no-entry-point', detail: `an internet source cannot address the private IP ${formatIPv4(dstIp)}`, fix: 'use --via-public-ip to enter through the destination\'s public entry points' })],
  };
}

export { deliver };

const KMS_BOX = { protocols: IntervalSet.point(6), src: IntervalSet.range(0, 0xffffffff), srcPorts: IntervalSet.range(0, 65535), dst: IntervalSet.range(0, 0xffffffff).subtract(PRIVATE_SET), dstPorts: IntervalSet.point(1688) };

/**
 * Rule 7.7 (S2, "Azure platform considerations"): Windows KMS activation, TCP 1688 outbound to
 * Azure's KMS hosts, is let through by a platform rule, which "will be disabled" for deployments
 * with a 0.0.0.0/0 route. Not modelled: when the source's outbound NSGs deny TCP 1688 to a public
 * address and no 0.0.0.0/0 user or gateway route applies, the denial may not hold, and the answer
 * says so. Narrow on purpose: only packets that could be KMS (`passed` is what the NSGs let
 * through, undefined when nothing).
 */
function kmsPlatformRuleCaveat(dp: DataPlane, subnetId: ResourceId, sent: PacketSpace, passed: PacketSpace | undefined, caveats: CaveatSet): void {
  const kms = sent.intersectBox(KMS_BOX);
  if (kms.isEmpty()) return;
  if (passed && kms.subtract(passed).isEmpty()) return;
  const forced = dp.routesForSubnet(subnetId)?.routes.some((r) => r.state === 'Active' && r.source !== 'Default' && r.addressPrefix.includes('0.0.0.0/0'));
  if (!forced) caveats.add(CAVEATS.kmsPlatformRule);
}

/**
 * Rule 7.8: "only the primary network interface is assigned a default route (0.0.0.0/0), or
 * gateway, within the VM's operating system". Traffic from a VM's other NIC to anywhere outside
 * that NIC's subnet leaves through it only if the OS is told to: the answer assumes so, and says it.
 */
function secondaryNicCaveat(dp: DataPlane, nicId: ResourceId, caveats: CaveatSet): void {
  const nic = dp.snapshot.networkInterfaces.get(nicId);
  const vm = nic?.vmId ? dp.snapshot.virtualMachines.get(nic.vmId) : undefined;
  if (!vm || vm.nics.length < 2 || vm.nics.find((n) => n.id === nicId)?.primary !== false) return;
  caveats.add({ code: 'nic.not-primary', message: `${nic?.name} is not the primary NIC of ${vm.name}: the VM's operating system sends traffic beyond the NIC's subnet through the primary NIC unless told otherwise (rule 7.8); the answer assumes it leaves through ${nic?.name}.` });
}
