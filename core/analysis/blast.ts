// Blast radius: what an attacker who holds one endpoint can reach, transitively. Every NIC reached
// is a new foothold; the answer lists each endpoint reached with its depth and the shortest attack
// path (each step: the pivot, the next host and the ports open between them), the storage accounts
// and the exits (internet, on-premises) reached, and the critical assets on the way.
//
// Breadth-first search, one depth at a time, over endpoint equivalence classes (NICs that no rule,
// route or tag tells apart are reached together and pivot alike), with a visited set so every
// class is reached once, at its smallest depth. The footholds of one depth that leave through the
// same route table, VirtualNetwork tag and NSGs are asked about together (one walk, their
// addresses as the source set); only unvisited classes whose address their routes and firewalls
// can deliver to are asked about, and a walk to one destination answers for its look-alikes
// (ReachKit). Every reached class records the foothold it came from (each node is reached once,
// so this is a tree): the shortest path to a node is its chain of parents.
//
// Cost: one pass over the classes per batch of footholds (cut down by the route/firewall
// condition) plus, per destination class, one inbound NSG evaluation and at most one walk per
// (batch, VNet, atom) group. Storage accounts and exits are asked per subnet-level batch until
// found; the search stops as soon as everything is reached.

import type { DataPlane } from '../dataplane/compile.ts';
import type { Endpoint } from '../dataplane/address-index.ts';
import type { Caveat } from '../dataplane/caveats.ts';
import { computeEndpointClasses, type EndpointClasses } from '../dataplane/equivalence.ts';
import type { ResourceId, StorageAccount } from '../model/types.ts';
import { cidrsToSet } from '../sets/cidr.ts';
import type { IntervalSet } from '../sets/interval-set.ts';
import { parseIPv4 } from '../sets/ipv4.ts';
import { INTERNET_EXAMPLE } from '../trace/run-path.ts';
import { displayOf, endpointHop } from '../trace/walk.ts';
import { ReachKit, portScope, type AllowedPorts, type KitStats } from './blast-walk.ts';
import { compileCriticalSelectors, type CriticalMatcher } from './blast-critical.ts';
import { BlastSearch, ROOT, type LeafNode, type StorageIndex } from './blast-search.ts';
import { BlastGroups, type BlastGroup, type BlastGroupBy } from './blast-groups.ts';
import type { ResolvedRef } from './resolve-ref.ts';
import { compareNumeric, comparePlain, compareText, isPlainText, plainKey } from './collation.ts';

export interface BlastOptions {
  /** The compromised endpoint: a NIC (a VM's primary NIC), or a subnet (its first NIC). */
  from: ResolvedRef;
  /** The destination ports the attacker uses (TCP and UDP); undefined means every protocol and port. */
  ports?: IntervalSet;
  /** Stop after this many hops from the foothold (undefined: no limit). */
  depth?: number;
  /** Critical asset selectors: a name or id, `vnet/subnet`, `tag:key=value` (or `tag:key`), `asg:NAME`. */
  critical?: string[];
  /** Also sum the endpoints reached up by VNet or by subnet (BlastAnswer.groups). */
  groupBy?: BlastGroupBy;
}

export interface BlastStep {
  from: string;
  to: string;
  fromIp: string;
  toIp: string;
  /** The first protocol that gets through (Tcp before Udp before Icmp), and its ports. */
  protocol: string;
  ports: string[];
  /** Every protocol that gets through this step, with its ports. */
  allowed: AllowedPorts[];
}

export interface BlastReached {
  resource: string;
  name: string;
  kind: 'nic' | 'privateEndpoint' | 'storageAccount';
  ip?: string;
  subnet?: string;
  depth: number;
  path: BlastStep[];
  /** Storage accounts: how they were reached. */
  via?: 'privateEndpoint' | 'serviceEndpoint' | 'publicEndpoint';
  /** Storage accounts reached at a private endpoint's address: that private endpoint. */
  through?: string;
  /** The critical selector this asset matches. */
  critical?: string;
}

export interface BlastExit {
  kind: 'internet' | 'onPremises';
  /** The address the exit was shown with, and the outside prefixes that answered. */
  target: string;
  destinations: string[];
  depth: number;
  path: BlastStep[];
}

export interface BlastCritical {
  resource: string;
  name: string;
  kind: BlastReached['kind'];
  selector: string;
  depth: number;
  path: BlastStep[];
}

export interface BlastAnswer {
  from: { resource: string; name: string; ip: string; subnet: string };
  ports: string[] | 'any';
  reached: BlastReached[];
  exits: BlastExit[];
  critical: BlastCritical[];
  /** With BlastOptions.groupBy: what was reached, one row per VNet or subnet (blast-groups.ts). */
  groups?: BlastGroup[];
  summary: {
    endpoints: number;
    hosts: number;
    privateEndpoints: number;
    storageAccounts: number;
    exits: string[];
    critical: number;
    maxDepth: number;
    byDepth: Record<string, number>;
    /** Critical selectors that match nothing in the estate. */
    unmatchedSelectors: string[];
  };
  caveats: Caveat[];
  error?: string;
  /** How much work the answer took (not part of the stable JSON). */
  stats?: KitStats & { footholds: number; batches: number; classes: number };
}

const classCache = new WeakMap<DataPlane, EndpointClasses>();

/** Classes of NICs and private endpoints, computed once per data plane. */
export function blastClasses(dp: DataPlane): EndpointClasses {
  let c = classCache.get(dp);
  if (!c) classCache.set(dp, (c = computeEndpointClasses(dp, (e) => e.kind === 'nic' || e.kind === 'privateEndpoint')));
  return c;
}

function emptyAnswer(error: string, from: BlastAnswer['from'], ports: BlastAnswer['ports'], caveats: Caveat[] = []): BlastAnswer {
  return {
    from,
    ports,
    reached: [],
    exits: [],
    critical: [],
    summary: { endpoints: 0, hosts: 0, privateEndpoints: 0, storageAccounts: 0, exits: [], critical: 0, maxDepth: 0, byDepth: {}, unmatchedSelectors: [] },
    caveats,
    error,
  };
}

function firstNicInSubnet(dp: DataPlane, subnetId: ResourceId): Endpoint | undefined {
  const vnetId = dp.snapshot.subnets.get(subnetId)?.vnetId;
  let best: Endpoint | undefined;
  for (const e of dp.addresses.byVnet.get(vnetId ?? '')?.values() ?? []) if (e.subnetId === subnetId && e.kind === 'nic' && (!best || e.ip < best.ip)) best = e;
  return best;
}

function subnetLabel(dp: DataPlane, subnetId: string): string {
  const sub = dp.snapshot.subnets.get(subnetId);
  const vnet = sub ? dp.snapshot.virtualNetworks.get(sub.vnetId) : undefined;
  return `${vnet?.name ?? '?'}/${sub?.name ?? subnetId}`;
}

/** The class of the foothold, by address (a scan: cheaper than building classOf for one lookup). */
function classOfEndpoint(classes: EndpointClasses, e: Endpoint): number {
  const list = classes.classes;
  for (let i = 0; i < list.length; i++) {
    const members = list[i].members;
    for (let j = 0; j < members.length; j++) if (members[j].ip === e.ip && members[j].vnetId === e.vnetId) return i;
  }
  return -1;
}

export function computeBlastRadius(dp: DataPlane, opts: BlastOptions): BlastAnswer {
  const kit = new ReachKit(dp, portScope(opts.ports));
  const portsLabel: BlastAnswer['ports'] = opts.ports ? opts.ports.ranges().map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)) : 'any';

  // ---- the foothold ----
  let e0: Endpoint | undefined;
  if (opts.from.kind === 'endpoint') e0 = opts.from.endpoint;
  else if (opts.from.kind === 'subnet') {
    e0 = firstNicInSubnet(dp, opts.from.subnetId);
    if (e0) kit.caveats.add({ code: 'trace.subnet-representative', message: `The subnet is represented by its first NIC (${e0.ipText}).` });
  }
  const noFrom = { resource: '', name: opts.from.label, ip: '', subnet: '' };
  if (!e0) return emptyAnswer(opts.from.kind === 'subnet' ? `subnet ${opts.from.label} has no NIC to start from` : `blast starts from a NIC, a VM or a subnet, not ${opts.from.kind === 'storageAccount' ? 'a storage account' : 'an address outside the estate'}`, noFrom, portsLabel);
  const h0 = endpointHop(dp, e0);
  const fromInfo = { resource: h0.resource, name: h0.name, ip: e0.ipText, subnet: subnetLabel(dp, e0.subnetId) };
  if (e0.kind !== 'nic') return emptyAnswer(e0.kind === 'privateEndpoint' ? 'a private endpoint does not initiate connections (rule 11.2)' : `a ${e0.kind} is not a foothold this tool models`, fromInfo, portsLabel);

  const classes = blastClasses(dp);
  const onPremSet = cidrsToSet([...dp.snapshot.localNetworkGateways.values()].flatMap((l) => l.addressPrefixes)).set;
  const search = new BlastSearch(dp, kit, classes, e0, classOfEndpoint(classes, e0), storageIndex(dp), onPremSet, parseIPv4(INTERNET_EXAMPLE)!);
  search.run(opts.depth ?? Number.POSITIVE_INFINITY);

  const paths = new PathBuilder(dp, search, e0);
  const matcher: CriticalMatcher = compileCriticalSelectors(dp, opts.critical ?? []);
  const groups = opts.groupBy ? new BlastGroups(dp.snapshot, opts.groupBy) : undefined;
  const reached = reachedList(dp, search, classes, e0, paths, matcher, groups);
  const exitList: BlastExit[] = [];
  for (const [kind, x] of search.exits) exitList.push({ kind, target: x.target, destinations: x.destinations, depth: x.leaf.depth, path: paths.toLeaf(x.leaf, kind === 'internet' ? 'internet' : 'on-premises', x.target) });
  exitList.sort((a, b) => compareText(a.kind, b.kind));
  const critical: BlastCritical[] = [];
  for (const r of reached) if (r.critical) critical.push({ resource: r.resource, name: r.name, kind: r.kind, selector: r.critical, depth: r.depth, path: r.path });
  return {
    from: fromInfo,
    ports: portsLabel,
    reached,
    exits: exitList,
    critical,
    ...(groups ? { groups: groups.list() } : {}),
    summary: summaryOf(reached, exitList, critical.length, matcher.unmatched),
    caveats: kit.caveats.list(),
    stats: { ...kit.stats, footholds: search.footholds, batches: search.batches, classes: classes.classes.length },
  };
}

/**
 * The shortest attack paths: the chains of parents of the search tree. The path to a node is the
 * path to its parent plus one step: the parents' steps are built once and shared by every member
 * of the classes below them (only the last step names the member).
 */
class PathBuilder {
  /** The name of each class's representative, as the first step from it names it. */
  private readonly names: (string | undefined)[];
  private readonly cache: (BlastStep[] | undefined)[];
  private readonly rootName: string;

  constructor(
    private readonly dp: DataPlane,
    private readonly search: BlastSearch,
    private readonly e0: Endpoint,
  ) {
    const n = search.parent.length;
    this.names = new Array<string | undefined>(n).fill(undefined);
    this.cache = new Array<BlastStep[] | undefined>(n).fill(undefined);
    this.rootName = displayOf(dp, e0).name;
  }

  /** The display name of a node's endpoint (ROOT or a class), looked up once per node. */
  private nameOf(node: number): string {
    if (node === ROOT) return this.rootName;
    let name = this.names[node];
    if (name === undefined) this.names[node] = name = displayOf(this.dp, this.search.target[node]!).name;
    return name;
  }

  /** The steps to a node (ROOT or a class), built once per node and shared: never handed out. */
  private stepsTo(node: number): readonly BlastStep[] {
    if (node === ROOT) return NO_STEPS;
    let steps = this.cache[node];
    if (!steps) this.cache[node] = steps = this.toClass(node, this.nameOf(node), this.search.target[node]!.ipText);
    return steps;
  }

  /** A new list of the steps to a node (ROOT or a class). */
  toNode(node: number): BlastStep[] {
    return this.stepsTo(node).slice();
  }

  /** The steps to class `c`, the last naming `name` at `ip` (a member, or the class's own representative). */
  toClass(c: number, name: string, ip: string): BlastStep[] {
    const a = this.search.parent[c];
    return extended(this.stepsTo(a), this.step(a, this.search.allowed[c]!, name, ip));
  }

  /** The steps to a storage account or exit. */
  toLeaf(leaf: LeafNode, name: string, ip: string): BlastStep[] {
    return extended(this.stepsTo(leaf.parent), this.step(leaf.parent, leaf.allowed, name, ip));
  }

  private step(from: number, allowed: AllowedPorts[], to: string, toIp: string): BlastStep {
    const fromIp = from === ROOT ? this.e0.ipText : this.search.target[from]!.ipText;
    const first = allowed[0];
    return { from: this.nameOf(from), to, fromIp, toIp, protocol: first.protocol, ports: first.ports, allowed };
  }
}

const NO_STEPS: readonly BlastStep[] = [];

/** `steps` and one more, as a new list of exactly that length (a copy grown by push is allocated twice; ~50,000 paths at tier L). */
function extended(steps: readonly BlastStep[], last: BlastStep): BlastStep[] {
  const out = new Array<BlastStep>(steps.length + 1);
  for (let i = 0; i < steps.length; i++) out[i] = steps[i];
  out[steps.length] = last;
  return out;
}

/** Every endpoint and storage account reached, in the answer's order. */
function reachedList(dp: DataPlane, search: BlastSearch, classes: EndpointClasses, e0: Endpoint, paths: PathBuilder, matcher: CriticalMatcher, groups: BlastGroups | undefined): BlastReached[] {
  const reached: BlastReached[] = [];
  const labels = new Map<string, string>();
  for (const c of search.order) {
    const depth = search.depth[c];
    const members = classes.classes[c].members;
    for (let i = 0; i < members.length; i++) {
      const m = members[i];
      if (m === e0) continue;
      const h = displayOf(dp, m);
      let subnet = labels.get(m.subnetId);
      if (subnet === undefined) labels.set(m.subnetId, (subnet = subnetLabel(dp, m.subnetId)));
      const item: BlastReached = { resource: h.resource, name: h.name, kind: m.kind === 'nic' ? 'nic' : 'privateEndpoint', ip: m.ipText, subnet, depth, path: paths.toClass(c, h.name, m.ipText) };
      const sel = matcher.endpoint(m);
      if (sel) item.critical = sel;
      groups?.addEndpoint(m, { depth, critical: sel !== undefined, lastStep: item.path[item.path.length - 1].allowed });
      reached.push(item);
    }
  }
  for (const [id, r] of search.reachedStorage) {
    const a = dp.snapshot.storageAccounts.get(id)!;
    const atClass = r.cls >= 0;
    const depth = atClass ? search.depth[r.cls] : r.leaf!.depth;
    const path = atClass ? paths.toNode(r.cls) : paths.toLeaf(r.leaf!, a.name, `${a.name}.blob.core.windows.net`);
    const item: BlastReached = { resource: a.displayId, name: a.name, kind: 'storageAccount', depth, path, via: r.via };
    // Reached through a private endpoint reached as an address: the same path, the endpoint named.
    if (r.via === 'privateEndpoint' && atClass) item.through = endpointHop(dp, search.target[r.cls]!).name;
    const sel = matcher.storage(a);
    if (sel) item.critical = sel;
    groups?.addStorageAccount({ depth, critical: sel !== undefined, lastStep: path[path.length - 1].allowed });
    reached.push(item);
  }
  return inAnswerOrder(reached);
}

/**
 * By depth, endpoints before storage accounts, then name and address in English collation. Plain
 * names (collation.ts) are compared by their numeric keys first, then as character codes, which is
 * their collation order: sorting the ~50,000 endpoints a blast reaches at tier L took 0.19-0.27 s
 * with the collator, 0.11-0.18 s so.
 */
function inAnswerOrder(reached: BlastReached[]): BlastReached[] {
  const keyed = reached.map((r) => {
    const plain = isPlainText(r.name);
    return { r, plain, k0: plain ? plainKey(r.name, 0) : 0, k1: plain ? plainKey(r.name, 1) : 0, k2: plain ? plainKey(r.name, 2) : 0 };
  });
  keyed.sort((x, y) => {
    const a = x.r;
    const b = y.r;
    return (
      a.depth - b.depth ||
      Number(a.kind === 'storageAccount') - Number(b.kind === 'storageAccount') ||
      (x.plain && y.plain ? x.k0 - y.k0 || x.k1 - y.k1 || x.k2 - y.k2 || comparePlain(a.name, b.name) : compareText(a.name, b.name)) ||
      compareNumeric(a.ip ?? '', b.ip ?? '')
    );
  });
  return keyed.map((k) => k.r);
}

/** The summary, counted in one pass (four filtered copies of ~50,000 items at tier L were large-object garbage). */
function summaryOf(reached: BlastReached[], exitList: BlastExit[], critical: number, unmatchedSelectors: string[]): BlastAnswer['summary'] {
  const byDepth: Record<string, number> = {};
  const count = { nic: 0, privateEndpoint: 0, storageAccount: 0 };
  let deepest = 0;
  for (const r of reached) {
    byDepth[String(r.depth)] = (byDepth[String(r.depth)] ?? 0) + 1;
    count[r.kind]++;
    if (r.depth > deepest) deepest = r.depth;
  }
  return {
    endpoints: count.nic + count.privateEndpoint,
    hosts: count.nic,
    privateEndpoints: count.privateEndpoint,
    storageAccounts: count.storageAccount,
    exits: exitList.map((x) => x.kind),
    critical,
    maxDepth: deepest,
    byDepth,
    unmatchedSelectors,
  };
}

const storageIndexes = new WeakMap<DataPlane, StorageIndex>();

/** The storage index of a data plane, built once (it reads every public IP and storage account). */
function storageIndex(dp: DataPlane): StorageIndex {
  let x = storageIndexes.get(dp);
  if (!x) storageIndexes.set(dp, (x = buildStorageIndex(dp)));
  return x;
}

function buildStorageIndex(dp: DataPlane): StorageIndex {
  const byPrivateEndpoint = new Map<ResourceId, ResourceId>();
  for (const pe of dp.snapshot.privateEndpoints.values()) {
    const c = pe.connections.find((x) => dp.snapshot.storageAccounts.has(x.targetId) && (!x.status || x.status.toLowerCase() === 'approved'));
    if (c) byPrivateEndpoint.set(pe.id, c.targetId);
  }
  // With defaultAction Deny, IP rules admit a client only by its public address: the estate's
  // egress addresses (NAT gateways, instance and firewall public IPs...) are among its public IPs.
  const egress = cidrsToSet([...dp.snapshot.publicIpAddresses.values()].flatMap((p) => (p.ipAddress ? [`${p.ipAddress}/32`] : []))).set;
  const open: StorageAccount[] = [];
  const byRule = new Map<ResourceId, StorageAccount[]>();
  for (const a of dp.snapshot.storageAccounts.values()) {
    if (a.publicNetworkAccess?.toLowerCase() === 'disabled') continue;
    const ipRules = cidrsToSet(a.networkAcls.ipRules.filter((r) => r.action.toLowerCase() === 'allow').map((r) => (r.value.includes('/') ? r.value : `${r.value}/32`))).set;
    if (a.networkAcls.defaultAction === 'Allow' || ipRules.intersects(egress)) {
      open.push(a);
      continue;
    }
    for (const r of a.networkAcls.virtualNetworkRules) {
      if (r.action.toLowerCase() !== 'allow') continue;
      byRule.set(r.subnetId, [...(byRule.get(r.subnetId) ?? []), a]);
    }
  }
  // A virtual network rule admits a subnet only through its service endpoint (rule 10.1); without
  // one the subnet reaches the public endpoint from a public address, which the IP rules refuse.
  const hasStorageEndpoint = (subnetId: ResourceId) => dp.snapshot.subnets.get(subnetId)?.serviceEndpoints.some((e) => e.service.toLowerCase().startsWith('microsoft.storage')) ?? false;
  return { total: dp.snapshot.storageAccounts.size, byPrivateEndpoint, publicCandidates: (subnetId) => [...open, ...(hasStorageEndpoint(subnetId) ? byRule.get(subnetId) ?? [] : [])] };
}
