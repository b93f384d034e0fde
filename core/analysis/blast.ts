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
import { cidrsToSet, setToCidrStrings } from '../sets/cidr.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { PacketSpace } from '../sets/packet-space.ts';
import { formatIPv4, parseIPv4 } from '../sets/ipv4.ts';
import { INTERNET_EXAMPLE } from '../trace/run-path.ts';
import { endpointDisplays, endpointHop } from '../trace/walk.ts';
import { ReachKit, portScope, type AllowedPorts, type KitStats } from './blast-walk.ts';
import { compileCriticalSelectors, type CriticalMatcher } from './blast-critical.ts';
import type { ResolvedRef } from './resolve-ref.ts';

export interface BlastOptions {
  /** The compromised endpoint: a NIC (a VM's primary NIC), or a subnet (its first NIC). */
  from: ResolvedRef;
  /** The destination ports the attacker uses (TCP and UDP); undefined means every protocol and port. */
  ports?: IntervalSet;
  /** Stop after this many hops from the foothold (undefined: no limit). */
  depth?: number;
  /** Critical asset selectors: a name or id, `vnet/subnet`, `tag:key=value` (or `tag:key`), `asg:NAME`. */
  critical?: string[];
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

interface Foothold {
  endpoint: Endpoint;
  node: string;
  depth: number;
}

/** A node of the search tree: the node it was reached from and how (the root has neither). */
interface TreeNode {
  parent?: string;
  depth: number;
  /** What gets through the edge from the parent, per protocol. */
  allowed?: AllowedPorts[];
  /** The class representative reached (class nodes). */
  target?: Endpoint;
  /** The address the on-premises exit was shown with. */
  address?: string;
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

/** Sorted addresses of the class representatives, for range queries. */
interface DestIndex {
  ips: Float64Array;
  cls: Int32Array;
}

function destIndex(classes: EndpointClasses): DestIndex {
  const order = classes.classes.map((c, i) => [c.representative.ip, i] as const).sort((a, b) => a[0] - b[0]);
  return { ips: Float64Array.from(order.map((x) => x[0])), cls: Int32Array.from(order.map((x) => x[1])) };
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function computeBlastRadius(dp: DataPlane, opts: BlastOptions): BlastAnswer {
  const kit = new ReachKit(dp, portScope(opts.ports));
  const portsLabel: BlastAnswer['ports'] = opts.ports ? opts.ports.ranges().map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)) : 'any';
  const maxDepth = opts.depth ?? Number.POSITIVE_INFINITY;

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
  const index = destIndex(classes);
  const n = classes.classes.length;
  const visited = new Uint8Array(n);
  // The foothold's own class, by address (a scan: cheaper than building classOf for one lookup).
  const self = e0;
  const selfClass = classes.classes.findIndex((c) => c.members.some((m) => m.ip === self.ip && m.vnetId === self.vnetId));
  if (selfClass >= 0) visited[selfClass] = 1;

  // Every batch scans the classes its routes lead to; most are visited after the first layers. The
  // scan jumps over visited runs: skip[i] points at or before the first unvisited position >= i
  // (path-halving, as in union-find). Only visited positions are ever skipped, and the classes are
  // still met in address order, so the answer is the same as a plain scan's.
  const skip = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) skip[i] = i;
  const unvisitedFrom = (start: number): number => {
    let i = start;
    while (i < n) {
      if (skip[i] !== i) {
        skip[i] = skip[skip[i]];
        i = skip[i];
      } else if (visited[index.cls[i]]) skip[i] = i + 1;
      else return i;
    }
    return n;
  };

  // The search tree: every node once, with the node it was reached from (in the order reached).
  const ROOT = 'from';
  const tree = new Map<string, TreeNode>([[ROOT, { depth: 0 }]]);
  const link = (a: string, b: string, allowed: AllowedPorts[], attrs: Pick<TreeNode, 'target' | 'address'> = {}) => {
    if (tree.has(b)) throw new Error(`blast: ${b} reached twice`);
    tree.set(b, { parent: a, depth: tree.get(a)!.depth + 1, allowed, ...attrs });
  };

  const storage = storageIndex(dp);
  const reachedStorage = new Map<ResourceId, { node: string; via: BlastReached['via'] }>();
  const exits = new Map<string, { node: string; target: string; destinations: string[] }>();
  const onPremSet = cidrsToSet([...dp.snapshot.localNetworkGateways.values()].flatMap((l) => l.addressPrefixes)).set;
  const internetIp = parseIPv4(INTERNET_EXAMPLE)!;

  let footholds = 0;
  let batches = 0;
  let unvisited = n - (selfClass >= 0 ? 1 : 0);
  const done = () => unvisited === 0 && reachedStorage.size === storage.total && exits.has('internet') && (exits.has('onPremises') || onPremSet.isEmpty());
  /** The foothold a batch result came from (the lowest address that gets through), and its edge. */
  const edgeFrom = (members: Foothold[], space: PacketSpace): { from: Foothold; allowed: AllowedPorts[] } | undefined => {
    const from = members.find((m) => space.boxes.some((b) => b.src.has(m.endpoint.ip)));
    if (!from) return undefined;
    const allowed = kit.allowedFrom(space, from.endpoint.ip);
    return allowed.length ? { from, allowed } : undefined;
  };

  // Breadth first, one layer (depth) at a time; the footholds of a layer that leave through the
  // same subnet, NSGs and egress are asked about together (one walk for all of them).
  let layer: Foothold[] = [{ endpoint: e0, node: ROOT, depth: 0 }];
  for (let depth = 0; layer.length > 0 && depth < maxDepth && !done(); depth++) {
    const next: Foothold[] = [];
    footholds += layer.length;
    for (const members of walkGroups(kit, layer)) {
      if (done()) break;
      batches++;
      const batch = kit.batch(members.map((m) => m.endpoint));
      const reachable = kit.batchReachable(batch);
      const reach = (target: Endpoint, c: number) => {
        const r = kit.reachFromBatch(batch, target);
        if (r.space.isEmpty()) return;
        const e = edgeFrom(members, r.space);
        if (!e) return;
        visited[c] = 1;
        unvisited--;
        const node = `c${c}`;
        link(e.from.node, node, e.allowed, { target });
        if (target.kind === 'nic') next.push({ endpoint: target, node, depth: depth + 1 });
        else if (target.kind === 'privateEndpoint') {
          const sa = storage.byPrivateEndpoint.get(target.privateEndpointId);
          if (sa && !reachedStorage.has(sa)) reachedStorage.set(sa, { node, via: 'privateEndpoint' });
        }
      };
      // The other members of the foothold's own class (same subnet, same rules).
      if (depth === 0 && selfClass >= 0) {
        const other = classes.classes[selfClass].members.find((m) => m !== e0);
        if (other && reachable.has(other.ip)) {
          visited[selfClass] = 0;
          unvisited++;
          reach(other, selfClass);
          if (!visited[selfClass]) {
            visited[selfClass] = 1;
            unvisited--;
          }
        }
      }
      // Unvisited classes whose address the batch can route to, in address order.
      const rb = reachable.bounds;
      for (let k = 0; k < rb.length; k += 2) {
        const lo = rb[k];
        const hi = rb[k + 1];
        for (let i = unvisitedFrom(lowerBound(index.ips, lo)); i < index.ips.length && index.ips[i] <= hi; i = unvisitedFrom(i + 1)) {
          const c = index.cls[i];
          if (!visited[c]) reach(classes.classes[c].representative, c);
        }
      }
      kit.forget(batch);
    }
    // Storage and exits depend on the subnet and the NIC's egress: finer batches.
    for (const members of batchesOf(dp, layer)) {
      if (done()) break;
      const batch = kit.batch(members.map((m) => m.endpoint));

      // Storage accounts through their public endpoint or a service endpoint.
      for (const a of storage.publicCandidates(batch.rep.subnetId)) {
        if (reachedStorage.has(a.id)) continue;
        const run = kit.runBatch(batch, { kind: 'storageAccount', storageAccountId: a.id, label: a.name });
        if (run.outcomes.length === 0) continue;
        const e = edgeFrom(members, new PacketSpace(run.outcomes.flatMap((o) => o.space.boxes)));
        if (!e) continue;
        const node = `sa:${a.id}`;
        link(e.from.node, node, e.allowed);
        const hops = run.outcomes[0].hops;
        const via: BlastReached['via'] = hops.some((h) => h.kind === 'privateEndpoint') ? 'privateEndpoint' : hops.some((h) => h.steps.some((st) => st.kind === 'service' && st.rule.startsWith('networkAcls.virtualNetworkRules'))) ? 'serviceEndpoint' : 'publicEndpoint';
        reachedStorage.set(a.id, { node, via });
      }

      // Exits: the internet and on-premises, found once (at the smallest depth).
      if (!exits.has('internet') || (!exits.has('onPremises') && !onPremSet.isEmpty())) {
        const outside = kit.batchReachable(batch, true);
        if (!exits.has('internet') && outside.has(internetIp)) {
          const run = kit.runBatch(batch, { kind: 'internet', label: 'internet' });
          const e = edgeFrom(members, new PacketSpace(run.outcomes.flatMap((o) => o.space.boxes)));
          if (e) {
            const node = 'exit:internet';
            link(e.from.node, node, e.allowed);
            exits.set('internet', { node, target: INTERNET_EXAMPLE, destinations: [] });
          }
        }
        if (!exits.has('onPremises') && !onPremSet.isEmpty()) {
          const targets = outside.intersect(onPremSet).ranges().slice(0, 16);
          let node: string | undefined;
          const destinations: string[] = [];
          for (const [lo, hi] of targets) {
            const ref: ResolvedRef = { kind: 'external', ip: lo, ipText: formatIPv4(lo), where: 'onPremises', label: formatIPv4(lo) };
            const run = kit.runBatch(batch, ref);
            const e = edgeFrom(members, new PacketSpace(run.outcomes.flatMap((o) => o.space.boxes)));
            if (!e) continue;
            destinations.push(...setToCidrStrings(IntervalSet.range(lo, hi)));
            if (!node) {
              node = 'exit:onPremises';
              link(e.from.node, node, e.allowed, { address: formatIPv4(lo) });
            }
          }
          if (node) exits.set('onPremises', { node, target: String(tree.get(node)!.address), destinations });
        }
      }
    }
    layer = next;
  }

  // ---- paths (shortest: the chains of parents of the BFS tree) ----
  const depthOf = (node: string): number => tree.get(node)?.depth ?? 0;
  const nodeEndpoint = (node: string): Endpoint | undefined => (node === ROOT ? e0 : tree.get(node)?.target);
  const labels = new Map<string, string>();
  const labelOf = (subnetId: string) => {
    let l = labels.get(subnetId);
    if (l === undefined) labels.set(subnetId, (l = subnetLabel(dp, subnetId)));
    return l;
  };
  // Each endpoint's display (name, resource): remembered per snapshot by the walk's own table, so
  // no hop object and no table of this answer's own for the tens of thousands of members.
  const hopOf = endpointDisplays(dp);
  // The path to a node is the path to its parent plus one step: the parents' steps are built once
  // and shared by every member of the classes below them (only the last step names the member).
  const stepCache = new Map<string, BlastStep[]>();
  const stepsTo = (node: string, last?: Endpoint): BlastStep[] => {
    const t = tree.get(node);
    if (!t || t.parent === undefined || !t.allowed) return [];
    if (!last) {
      const hit = stepCache.get(node);
      if (hit) return hit.slice();
    }
    const a = t.parent;
    const steps = a !== ROOT ? stepsTo(a) : [];
    const fe = nodeEndpoint(a)!;
    const first = t.allowed[0];
    const to = describeNode(dp, node, last, t.target, t.address, hopOf);
    steps.push({ from: hopOf(fe).name, to: to.name, fromIp: fe.ipText, toIp: to.ip, protocol: first.protocol, ports: first.ports, allowed: t.allowed });
    if (!last) stepCache.set(node, steps.slice());
    return steps;
  };

  const matcher: CriticalMatcher = compileCriticalSelectors(dp, opts.critical ?? []);
  const reached: BlastReached[] = [];
  for (const node of tree.keys()) {
    if (!node.startsWith('c')) continue;
    const c = Number(node.slice(1));
    const depth = depthOf(node);
    for (const m of classes.classes[c].members) {
      if (m === e0) continue;
      const h = hopOf(m);
      const item: BlastReached = { resource: h.resource, name: h.name, kind: m.kind === 'nic' ? 'nic' : 'privateEndpoint', ip: m.ipText, subnet: labelOf(m.subnetId), depth, path: stepsTo(node, m) };
      const sel = matcher.endpoint(m);
      if (sel) item.critical = sel;
      reached.push(item);
    }
  }
  for (const [id, r] of reachedStorage) {
    const a = dp.snapshot.storageAccounts.get(id)!;
    const item: BlastReached = { resource: a.displayId, name: a.name, kind: 'storageAccount', depth: depthOf(r.node), path: stepsTo(r.node), via: r.via };
    // Reached through a private endpoint reached as an address: the same path, the endpoint named.
    if (r.via === 'privateEndpoint' && r.node.startsWith('c')) item.through = endpointHop(dp, nodeEndpoint(r.node)!).name;
    const sel = matcher.storage(a);
    if (sel) item.critical = sel;
    reached.push(item);
  }
  reached.sort((a, b) => a.depth - b.depth || Number(a.kind === 'storageAccount') - Number(b.kind === 'storageAccount') || BY_NAME.compare(a.name, b.name) || BY_ADDRESS.compare(a.ip ?? '', b.ip ?? ''));

  const exitList: BlastExit[] = [...exits.entries()]
    .map(([kind, x]) => ({ kind: kind as BlastExit['kind'], target: x.target, destinations: x.destinations, depth: depthOf(x.node), path: stepsTo(x.node) }))
    .sort((a, b) => a.kind.localeCompare(b.kind));
  const critical: BlastCritical[] = reached.filter((r) => r.critical).map((r) => ({ resource: r.resource, name: r.name, kind: r.kind, selector: r.critical!, depth: r.depth, path: r.path }));
  // Counted in one pass (four filtered copies of ~50,000 items at tier L were large-object garbage).
  const byDepth: Record<string, number> = {};
  const count = { nic: 0, privateEndpoint: 0, storageAccount: 0 };
  let deepest = 0;
  for (const r of reached) {
    byDepth[String(r.depth)] = (byDepth[String(r.depth)] ?? 0) + 1;
    count[r.kind]++;
    if (r.depth > deepest) deepest = r.depth;
  }
  return {
    from: fromInfo,
    ports: portsLabel,
    reached,
    exits: exitList,
    critical,
    summary: {
      endpoints: count.nic + count.privateEndpoint,
      hosts: count.nic,
      privateEndpoints: count.privateEndpoint,
      storageAccounts: count.storageAccount,
      exits: exitList.map((x) => x.kind),
      critical: critical.length,
      maxDepth: deepest,
      byDepth,
      unmatchedSelectors: matcher.unmatched,
    },
    caveats: kit.caveats.list(),
    stats: { ...kit.stats, footholds, batches, classes: n },
  };
}

// The orders of String#localeCompare (default collation; numeric for addresses), without building a
// collator per comparison.
const BY_NAME = new Intl.Collator();
const BY_ADDRESS = new Intl.Collator(undefined, { numeric: true });

/**
 * Footholds grouped so that one walk answers for each group: same subnet (route table, VirtualNetwork
 * tag), same NIC NSG, same egress (public IP, load balancer pools). In address order.
 */
/** Footholds that one walk to a NIC or private endpoint answers for (see ReachKit.walkGroupKey). */
function walkGroups(kit: ReachKit, layer: Foothold[]): (Foothold & { endpoint: Extract<Endpoint, { kind: 'nic' }> })[][] {
  const groups = new Map<string, (Foothold & { endpoint: Extract<Endpoint, { kind: 'nic' }> })[]>();
  for (const f of layer) {
    const e = f.endpoint;
    if (e.kind !== 'nic') continue;
    const key = kit.walkGroupKey(e);
    const item = { ...f, endpoint: e };
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()].map((l) => l.sort((a, b) => a.endpoint.ip - b.endpoint.ip));
}

function batchesOf(dp: DataPlane, layer: Foothold[]): (Foothold & { endpoint: Extract<Endpoint, { kind: 'nic' }> })[][] {
  const groups = new Map<string, (Foothold & { endpoint: Extract<Endpoint, { kind: 'nic' }> })[]>();
  for (const f of layer) {
    const e = f.endpoint;
    if (e.kind !== 'nic') continue;
    const nic = dp.snapshot.networkInterfaces.get(e.nicId);
    const ipc = nic?.ipConfigurations.find((c) => c.id === e.ipConfigurationId);
    const primary = nic?.ipConfigurations.find((c) => c.primary) ?? nic?.ipConfigurations[0];
    const key = `${e.subnetId}|${nic?.nsgId ?? ''}|${primary?.publicIpId ?? ''}|${[...(primary?.loadBalancerBackendPoolIds ?? [])].sort().join(',')}|${ipc === primary ? '' : ipc?.id}`;
    const list = groups.get(key);
    const item = { ...f, endpoint: e };
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()].map((l) => l.sort((a, b) => a.endpoint.ip - b.endpoint.ip));
}

function describeNode(dp: DataPlane, node: string, member: Endpoint | undefined, target: Endpoint | undefined, address: string | undefined, hopOf: (e: Endpoint) => { name: string }): { name: string; ip: string } {
  if (node.startsWith('sa:')) {
    const a = dp.snapshot.storageAccounts.get(node.slice(3));
    return { name: a?.name ?? node.slice(3), ip: `${a?.name ?? ''}.blob.core.windows.net` };
  }
  if (node === 'exit:internet') return { name: 'internet', ip: INTERNET_EXAMPLE };
  if (node === 'exit:onPremises') return { name: 'on-premises', ip: address ?? '' };
  const e = member ?? target;
  return e ? { name: hopOf(e).name, ip: e.ipText } : { name: node, ip: '' };
}

interface StorageIndex {
  total: number;
  byPrivateEndpoint: Map<ResourceId, ResourceId>;
  /** Accounts a NIC in `subnetId` might reach without a private endpoint. */
  publicCandidates(subnetId: ResourceId): StorageAccount[];
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
