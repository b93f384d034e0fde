// Equivalence classes of endpoints (issue 7): NICs (and private endpoints, see
// privateEndpointSignature) that no rule, route or tag tells apart are evaluated once. Two NICs are equivalent when they sit in the same subnet, carry the same NIC NSG,
// the same ASGs, the same entry points (public IP, load balancer pools and NAT rules, application
// gateway pools), the same IP forwarding flag, and no address boundary used anywhere in the estate
// (NSG rule prefixes, route prefixes, firewall rule addresses, IP groups, local network gateway
// prefixes, storage IP rules) falls between their addresses.

import type { FirewallRule, ResourceId } from '../model/types.ts';
import { parseCidr } from '../sets/cidr.ts';
import { parseIPv4 } from '../sets/ipv4.ts';
import type { DataPlane } from './compile.ts';
import type { Endpoint } from './address-index.ts';

export interface EndpointClass {
  /** Stable key: the signature shared by every member. */
  readonly key: string;
  /** The member evaluated on behalf of all (lowest address). */
  representative: Endpoint;
  members: Endpoint[];
}

/**
 * A class whose key is joined when first read: what-if and findings read keys, blast and the
 * matrix never do (11,000 keys of ~400 characters at tier L were built and kept for nothing).
 */
class LazyKeyClass implements EndpointClass {
  members: Endpoint[] = [];
  private text: string | undefined;

  constructor(
    public representative: Endpoint,
    private readonly subnetId: string,
    private readonly sig: string | NicParts,
    private readonly atom: number,
  ) {}

  get key(): string {
    return (this.text ??= `${this.subnetId}|${typeof this.sig === 'string' ? this.sig : nicSignature(this.sig)}|${this.atom}`);
  }
}

export interface EndpointClasses {
  classes: EndpointClass[];
  /** Class index by `vnetId|ip`. */
  classOf: Map<string, number>;
}

/** Every address boundary any rule or route draws: the start of each prefix and the address after its end. */
function addressBoundaries(dp: DataPlane): number[] {
  const s = dp.snapshot;
  const cuts = new Set<number>();
  // The same few thousand words recur across ~10^5 rules: each is parsed once. A word's bounds are added the first time it is met (a repeat adds nothing to the set), and the
  // importer shares equal prefix lists between rules: a list met before is skipped whole.
  const parsed = new Set<string>();
  const addWord = (w: string) => {
    if (parsed.has(w)) return;
    parsed.add(w);
    const b = wordBounds(w);
    for (let i = 0; i < b.length; i++) cuts.add(b[i]);
  };
  const lists = new Set<readonly string[]>();
  const addList = (l: readonly string[]) => {
    if (lists.has(l)) return;
    lists.add(l);
    for (let i = 0; i < l.length; i++) addWord(l[i]);
  };
  for (const nsg of s.networkSecurityGroups.values()) {
    for (const r of nsg.securityRules) {
      addList(r.sourceAddressPrefixes);
      addList(r.destinationAddressPrefixes);
    }
  }
  for (const rt of s.routeTables.values()) for (const r of rt.routes) addWord(r.addressPrefix);
  for (const fw of s.azureFirewalls.values()) {
    for (const c of fw.classicCollections) for (const r of c.rules) addRuleWords(r, addWord);
  }
  for (const g of s.firewallPolicyRuleCollectionGroups.values()) {
    for (const c of g.ruleCollections) for (const r of c.rules) addRuleWords(r, addWord);
  }
  for (const g of s.ipGroups.values()) g.ipAddresses.forEach(addWord);
  for (const l of s.localNetworkGateways.values()) l.addressPrefixes.forEach(addWord);
  for (const a of s.storageAccounts.values()) a.networkAcls.ipRules.forEach((r) => addWord(r.value));
  return [...cuts].sort((a, b) => a - b);
}

const NO_BOUNDS: readonly number[] = [];

/** The boundaries one address word draws: a range's or a prefix's start and the address after its end. */
function wordBounds(w: string): readonly number[] {
  const t = w.trim();
  const dash = /^([0-9.]+)\s*-\s*([0-9.]+)$/.exec(t);
  if (dash) {
    const lo = parseIPv4(dash[1]);
    const hi = parseIPv4(dash[2]);
    return lo !== undefined && hi !== undefined ? [lo, hi + 1] : NO_BOUNDS;
  }
  if (!/^[0-9./]+$/.test(t)) return NO_BOUNDS;
  const p = parseCidr(t);
  return p.ok ? [p.cidr.start, p.cidr.end + 1] : NO_BOUNDS;
}

function addRuleWords(r: FirewallRule, addWord: (w: string) => void): void {
  r.sourceAddresses.forEach(addWord);
  r.destinationAddresses.forEach(addWord);
  if (r.kind === 'nat' && r.translatedAddress) addWord(r.translatedAddress);
}

/** Index of the elementary interval (between two boundaries) that holds `ip`. */
function atomOf(cuts: number[], ip: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid] <= ip) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const NONE: readonly string[] = [];

/** The ids of both lists sorted and joined with commas (most NICs have none or one: no copy then). */
function sortedText(a: readonly string[], b: readonly string[] = NONE): string {
  if (a.length + b.length === 0) return '';
  if (a.length + b.length === 1) return a.length ? a[0] : b[0];
  return [...a, ...b].sort().join(',');
}

/** What tells NICs of one subnet and atom apart (nicSignature's parts, compared without joining them). */
interface NicParts {
  nsg: string;
  asgs: string;
  pools: string;
  fwd: boolean;
  /** The NIC's id when it is an entry point of its own. */
  own: string | undefined;
}

function nicParts(dp: DataPlane, e: Extract<Endpoint, { kind: 'nic' }>, agw: Set<string>): NicParts {
  const nic = dp.snapshot.networkInterfaces.get(e.nicId);
  const ipc = nic?.ipConfigurations.find((c) => c.id === e.ipConfigurationId);
  // NAT rules, public IPs and application gateway pools by address make a NIC an entry point of
  // its own; keep such NICs apart.
  const own = ipc?.publicIpId || (ipc?.loadBalancerInboundNatRuleIds.length ?? 0) > 0 || agw.has(e.ipText) ? e.nicId : undefined;
  return {
    nsg: nic?.nsgId ?? '',
    asgs: sortedText(ipc?.asgIds ?? NONE),
    pools: sortedText(ipc?.loadBalancerBackendPoolIds ?? NONE, ipc?.applicationGatewayBackendPoolIds ?? NONE),
    fwd: !!nic?.enableIpForwarding,
    own,
  };
}

function sameNicParts(a: NicParts, b: NicParts): boolean {
  return a.nsg === b.nsg && a.asgs === b.asgs && a.pools === b.pools && a.fwd === b.fwd && a.own === b.own;
}

/** A NIC's signature as text (the class key's middle part). */
function nicSignature(p: NicParts): string {
  return `nic|${p.nsg}|${p.asgs}|${p.pools}|${p.fwd ? 'fwd' : ''}|${p.own !== undefined ? `own:${p.own}` : ''}`;
}

/**
 * Private endpoints of one subnet are told apart only by what the walk reads per endpoint: its NSG
 * filtering is the subnet's NSG when the subnet's privateEndpointNetworkPolicies enable it and
 * never a NIC NSG (rules 3.14, 11.4; https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy),
 * which the subnet (part of the class key) fixes; ASGs of its NIC (rule 4.6); whether its
 * connection is Approved (rule 11.2) and which resources it connects to (the storage account it
 * grants access to, rule 10.7, which answers such as blast name); Application Gateway pools that
 * list its address; and an address another endpoint also holds (overlapping VNets), where lookups
 * by address could pick either. Its /32 route (rule 11.3) is the same decision for every endpoint
 * of the subnet, and user routes that override it (11.5) draw address boundaries.
 */
function privateEndpointSignature(dp: DataPlane, e: Extract<Endpoint, { kind: 'privateEndpoint' }>, agw: Set<string>): string {
  const s = dp.snapshot;
  const pe = s.privateEndpoints.get(e.privateEndpointId);
  const first = pe?.connections[0];
  const approved = !first || !first.status || first.status.toLowerCase() === 'approved';
  const targets = [...new Set((pe?.connections ?? []).map((c) => c.targetId))].sort().join(',');
  const nic = e.nicId ? s.networkInterfaces.get(e.nicId) : undefined;
  const asgs = [...new Set((nic?.ipConfigurations ?? []).filter((c) => c.privateIp?.split('/')[0] === e.ipText).flatMap((c) => c.asgIds))].sort().join(',');
  const own = agw.has(e.ipText) || (dp.addresses.byIp.get(e.ip)?.length ?? 0) > 1 ? `own:${e.privateEndpointId}|${e.ip}` : '';
  return `pe|${approved ? 'approved' : `status:${first?.status}`}|${targets}|${asgs}|${own}`;
}

const appGwCache = new WeakMap<DataPlane, Set<string>>();
function appGatewayTargets(dp: DataPlane): Set<string> {
  let s = appGwCache.get(dp);
  if (!s) {
    s = new Set();
    for (const agw of dp.snapshot.applicationGateways.values()) for (const p of agw.backendPools) for (const a of p.addresses) if (a.ipAddress) s.add(a.ipAddress);
    appGwCache.set(dp, s);
  }
  return s;
}

/** One subnet's classes: a short list, and past LIST_MAX classes a map by signature and atom too. */
interface SubnetClasses {
  /** NIC classes keep their signature's parts: a NIC is matched by them, not by a joined text. */
  list: { sig: string | undefined; atom: number; c: EndpointClass; nic?: NicParts }[];
  map?: Map<string, EndpointClass>;
}

const LIST_MAX = 8;

function findClass(s: SubnetClasses, sig: string, atom: number): EndpointClass | undefined {
  if (s.map) return s.map.get(`${atom}|${sig}`);
  for (const x of s.list) if (x.atom === atom && x.sig === sig) return x.c;
  return undefined;
}

/** findClass for a NIC in a subnet still searched as a list: its parts compared one by one. */
function findNicClass(s: SubnetClasses, p: NicParts, atom: number): EndpointClass | undefined {
  for (const x of s.list) if (x.atom === atom && x.nic !== undefined && sameNicParts(x.nic, p)) return x.c;
  return undefined;
}

function addClass(s: SubnetClasses, sig: string, atom: number, c: EndpointClass): void {
  if (s.map) {
    s.map.set(`${atom}|${sig}`, c);
    return;
  }
  s.list.push({ sig, atom, c });
  if (s.list.length > LIST_MAX) toMap(s);
}

/** addClass for a NIC's class in a subnet still searched as a list (its text joined only if the subnet outgrows the list). */
function addNicClass(s: SubnetClasses, nic: NicParts, atom: number, c: EndpointClass): void {
  s.list.push({ sig: undefined, atom, c, nic });
  if (s.list.length > LIST_MAX) toMap(s);
}

function toMap(s: SubnetClasses): void {
  s.map = new Map(s.list.map((x) => [`${x.atom}|${x.sig ?? nicSignature(x.nic!)}`, x.c]));
}

export function computeEndpointClasses(dp: DataPlane, filter: (e: Endpoint) => boolean = (e) => e.kind === 'nic'): EndpointClasses {
  const cuts = addressBoundaries(dp);
  // Classes by subnet, then signature and atom: the long subnet ids are looked up as they are (their
  // hashes are cached) instead of being joined into one fresh key per endpoint. A subnet holds one or
  // two classes as a rule: a short list searched in place, not two maps per subnet (~20,000 maps at
  // L); a subnet with many classes gets a map by signature and atom.
  const bySubnet = new Map<string, SubnetClasses>();
  const classes: EndpointClass[] = [];
  const agw = appGatewayTargets(dp);
  for (const m of dp.addresses.byVnet.values()) {
    for (const e of m.values()) {
      if (!filter(e)) continue;
      const atom = atomOf(cuts, e.ip);
      let inSubnet = bySubnet.get(e.subnetId);
      if (!inSubnet) bySubnet.set(e.subnetId, (inSubnet = { list: [] }));
      // NICs and private endpoints are grouped; every other kind of endpoint is its own class. A
      // NIC's signature is joined into text only for a new class's key or a subnet with many
      // classes (a joined text per NIC was most of this loop's time and garbage at tier L).
      const nic = e.kind === 'nic' ? nicParts(dp, e, agw) : undefined;
      let sig = nic ? undefined : e.kind === 'privateEndpoint' ? privateEndpointSignature(dp, e, agw) : `${e.kind}|${e.ip}`;
      let c = nic && !inSubnet.map ? findNicClass(inSubnet, nic, atom) : findClass(inSubnet, (sig ??= nicSignature(nic!)), atom);
      if (!c) {
        c = new LazyKeyClass(e, e.subnetId, sig ?? nic!, atom);
        if (inSubnet.map || !nic) addClass(inSubnet, (sig ??= nicSignature(nic!)), atom, c);
        else addNicClass(inSubnet, nic, atom, c);
        classes.push(c);
      }
      c.members.push(e);
      if (e.ip < c.representative.ip) c.representative = e;
    }
  }
  // The index by address is built when first asked for (blast, for one, never asks).
  let classOf: Map<string, number> | undefined;
  return {
    classes,
    get classOf() {
      if (!classOf) {
        const index = new Map<string, number>();
        classes.forEach((c, i) => c.members.forEach((e) => index.set(`${e.vnetId}|${e.ip}`, i)));
        classOf = index;
      }
      return classOf;
    },
  };
}

export function endpointKey(e: Endpoint): string {
  return `${e.vnetId}|${e.ip}`;
}

export type { ResourceId };
