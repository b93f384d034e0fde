// The breadth-first search of a blast radius (blast.ts builds the answer from it): one depth at a
// time over endpoint equivalence classes, each class reached once, at its smallest depth, with the
// foothold it came from (a tree). See blast.ts for the method and its cost.
//
// Written as a class whose methods are small and each does one step (a batch, a class, the storage
// and exits of a batch): the process's first blast runs most of this code before the JIT has
// compiled it, and one large function with nested closures was compiled on-stack several times
// (each a large compile, some thrown away when a path not yet run was met). The tree is kept in
// columns indexed by class number instead of a map of nodes named by text (~11,000 classes at L).

import type { DataPlane } from '../dataplane/compile.ts';
import type { Endpoint } from '../dataplane/address-index.ts';
import type { EndpointClasses } from '../dataplane/equivalence.ts';
import type { ResourceId, StorageAccount } from '../model/types.ts';
import { setToCidrStrings } from '../sets/cidr.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { PacketSpace, type Box } from '../sets/packet-space.ts';
import { formatIPv4 } from '../sets/ipv4.ts';
import { INTERNET_EXAMPLE } from '../trace/run-path.ts';
import type { Outcome } from '../trace/walk.ts';
import { lowerBound, type ReachKit, type AllowedPorts, type SourceBatch } from './blast-walk.ts';
import type { ResolvedRef } from './resolve-ref.ts';

export type NicEndpoint = Extract<Endpoint, { kind: 'nic' }>;

/** The root of the search tree (the compromised endpoint). Class nodes are their class numbers. */
export const ROOT = -1;
const UNREACHED = -2;

/** A NIC reached (or the first one), from which the next depth is searched. */
export interface Foothold {
  endpoint: NicEndpoint;
  /** Its tree node: ROOT or its class. */
  node: number;
  depth: number;
}

/** A tree node that is not a class (a storage account reached by a walk, an exit). */
export interface LeafNode {
  /** ROOT or a class. */
  parent: number;
  depth: number;
  allowed: AllowedPorts[];
}

export interface StorageReach {
  via: 'privateEndpoint' | 'serviceEndpoint' | 'publicEndpoint';
  /** The private endpoint's class, when reached at its address; else `leaf`. */
  cls: number;
  leaf?: LeafNode;
}

export interface ExitReach {
  leaf: LeafNode;
  target: string;
  destinations: string[];
}

export interface StorageIndex {
  total: number;
  byPrivateEndpoint: Map<ResourceId, ResourceId>;
  /** Accounts a NIC in `subnetId` might reach without a private endpoint. */
  publicCandidates(subnetId: ResourceId): StorageAccount[];
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

export class BlastSearch {
  private readonly index: DestIndex;
  readonly visited: Uint8Array;
  /**
   * Every batch scans the classes its routes lead to; most are visited after the first layers. The
   * scan jumps over visited runs: skip[i] points at or before the first unvisited position >= i
   * (path-halving, as in union-find). Only visited positions are ever skipped, and the classes are
   * still met in address order, so the answer is the same as a plain scan's.
   */
  private readonly skip: Int32Array;
  /** Per class: the node it was reached from (ROOT or a class), its depth, the edge, the representative reached. */
  readonly parent: Int32Array;
  readonly depth: Int32Array;
  readonly allowed: (AllowedPorts[] | undefined)[];
  readonly target: (Endpoint | undefined)[];
  /** Class nodes in the order reached. */
  readonly order: number[] = [];
  readonly reachedStorage = new Map<ResourceId, StorageReach>();
  readonly exits = new Map<'internet' | 'onPremises', ExitReach>();
  private unvisited: number;
  footholds = 0;
  batches = 0;
  private readonly internetIp: number;

  constructor(
    private readonly dp: DataPlane,
    private readonly kit: ReachKit,
    private readonly classes: EndpointClasses,
    private readonly e0: NicEndpoint,
    private readonly selfClass: number,
    private readonly storage: StorageIndex,
    private readonly onPremSet: IntervalSet,
    internetIp: number,
  ) {
    const n = classes.classes.length;
    this.index = destIndex(classes);
    this.visited = new Uint8Array(n);
    if (selfClass >= 0) this.visited[selfClass] = 1;
    this.skip = new Int32Array(n + 1);
    for (let i = 0; i <= n; i++) this.skip[i] = i;
    this.parent = new Int32Array(n).fill(UNREACHED);
    this.depth = new Int32Array(n);
    this.allowed = new Array<AllowedPorts[] | undefined>(n).fill(undefined);
    this.target = new Array<Endpoint | undefined>(n).fill(undefined);
    this.unvisited = n - (selfClass >= 0 ? 1 : 0);
    this.internetIp = internetIp;
  }

  /** The depth of a node (ROOT or a class). */
  depthOf(node: number): number {
    return node === ROOT ? 0 : this.depth[node];
  }

  /** Breadth first, one layer (depth) at a time, until everything is reached or `maxDepth`. */
  run(maxDepth: number): void {
    let layer: Foothold[] = [{ endpoint: this.e0, node: ROOT, depth: 0 }];
    for (let depth = 0; layer.length > 0 && depth < maxDepth && !this.done(); depth++) {
      const next: Foothold[] = [];
      this.footholds += layer.length;
      const groups = walkGroups(this.kit, layer);
      for (let g = 0; g < groups.length; g++) {
        if (this.done()) break;
        this.searchFrom(groups[g], depth, next);
      }
      // Storage and exits depend on the subnet and the NIC's egress: finer batches.
      const finer = batchesOf(this.dp, layer);
      for (let g = 0; g < finer.length; g++) {
        if (this.done()) break;
        this.leaveFrom(finer[g]);
      }
      layer = next;
    }
  }

  private done(): boolean {
    return this.unvisited === 0 && this.reachedStorage.size === this.storage.total && this.exits.has('internet') && (this.exits.has('onPremises') || this.onPremSet.isEmpty());
  }

  private unvisitedFrom(start: number): number {
    const n = this.index.ips.length;
    const skip = this.skip;
    let i = start;
    while (i < n) {
      if (skip[i] !== i) {
        skip[i] = skip[skip[i]];
        i = skip[i];
      } else if (this.visited[this.index.cls[i]]) skip[i] = i + 1;
      else return i;
    }
    return n;
  }

  /** One walk group of a layer: the unvisited classes its routes lead to, in address order. */
  private searchFrom(members: Foothold[], depth: number, next: Foothold[]): void {
    const kit = this.kit;
    this.batches++;
    const batch = kit.batch(endpointsOf(members));
    const reachable = kit.batchReachable(batch);
    // The other members of the foothold's own class (same subnet, same rules).
    const selfClass = this.selfClass;
    if (depth === 0 && selfClass >= 0) {
      const other = otherMember(this.classes.classes[selfClass].members, this.e0);
      if (other && reachable.has(other.ip)) {
        this.visited[selfClass] = 0;
        this.unvisited++;
        this.reachClass(batch, members, other, selfClass, depth, next);
        if (!this.visited[selfClass]) {
          this.visited[selfClass] = 1;
          this.unvisited--;
        }
      }
    }
    const rb = reachable.bounds;
    const { ips, cls } = this.index;
    for (let k = 0; k < rb.length; k += 2) {
      const lo = rb[k];
      const hi = rb[k + 1];
      for (let i = this.unvisitedFrom(lowerBound(ips, lo)); i < ips.length && ips[i] <= hi; i = this.unvisitedFrom(i + 1)) {
        const c = cls[i];
        if (!this.visited[c]) this.reachClass(batch, members, this.classes.classes[c].representative, c, depth, next);
      }
    }
    kit.forget(batch);
  }

  /** Class `c` (represented by `target`) if the batch reaches it: a tree node, and a foothold of the next depth. */
  private reachClass(batch: SourceBatch, members: Foothold[], target: Endpoint, c: number, depth: number, next: Foothold[]): void {
    const r = this.kit.reachFromBatch(batch, target);
    if (r.space.isEmpty()) return;
    const from = edgeSource(members, r.space);
    if (!from) return;
    const allowed = this.kit.allowedFrom(r.space, from.endpoint.ip);
    if (!allowed.length) return;
    this.visited[c] = 1;
    this.unvisited--;
    if (this.parent[c] !== UNREACHED) throw new Error(`blast: c${c} reached twice`);
    this.parent[c] = from.node;
    this.depth[c] = this.depthOf(from.node) + 1;
    this.allowed[c] = allowed;
    this.target[c] = target;
    this.order.push(c);
    if (target.kind === 'nic') next.push({ endpoint: target, node: c, depth: depth + 1 });
    else if (target.kind === 'privateEndpoint') {
      const sa = this.storage.byPrivateEndpoint.get(target.privateEndpointId);
      if (sa && !this.reachedStorage.has(sa)) this.reachedStorage.set(sa, { via: 'privateEndpoint', cls: c });
    }
  }

  /** A leaf node below the foothold a walk's packets came from (undefined: none of the batch's gets through). */
  private leaf(members: Foothold[], outcomes: Outcome[]): LeafNode | undefined {
    const space = spaceOf(outcomes);
    const from = edgeSource(members, space);
    if (!from) return undefined;
    const allowed = this.kit.allowedFrom(space, from.endpoint.ip);
    if (!allowed.length) return undefined;
    return { parent: from.node, depth: this.depthOf(from.node) + 1, allowed };
  }

  /** One finer batch of a layer: storage accounts through their public or service endpoint, and the exits. */
  private leaveFrom(members: Foothold[]): void {
    const kit = this.kit;
    const batch = kit.batch(endpointsOf(members));
    for (const a of this.storage.publicCandidates(batch.rep.subnetId)) {
      if (this.reachedStorage.has(a.id)) continue;
      const run = kit.runBatch(batch, { kind: 'storageAccount', storageAccountId: a.id, label: a.name });
      if (run.outcomes.length === 0) continue;
      const leaf = this.leaf(members, run.outcomes);
      if (!leaf) continue;
      const hops = run.outcomes[0].hops;
      const via: StorageReach['via'] = hops.some((h) => h.kind === 'privateEndpoint') ? 'privateEndpoint' : hops.some((h) => h.steps.some((st) => st.kind === 'service' && st.rule.startsWith('networkAcls.virtualNetworkRules'))) ? 'serviceEndpoint' : 'publicEndpoint';
      this.reachedStorage.set(a.id, { via, cls: UNREACHED, leaf });
    }
    // Exits: the internet and on-premises, found once (at the smallest depth).
    const exits = this.exits;
    if (exits.has('internet') && (exits.has('onPremises') || this.onPremSet.isEmpty())) return;
    const outside = kit.batchReachable(batch, true);
    if (!exits.has('internet') && outside.has(this.internetIp)) {
      const leaf = this.leaf(members, kit.runBatch(batch, { kind: 'internet', label: 'internet' }).outcomes);
      if (leaf) exits.set('internet', { leaf, target: INTERNET_EXAMPLE, destinations: [] });
    }
    if (!exits.has('onPremises') && !this.onPremSet.isEmpty()) this.onPremisesFrom(batch, members, outside);
  }

  private onPremisesFrom(batch: SourceBatch, members: Foothold[], outside: IntervalSet): void {
    const targets = outside.intersect(this.onPremSet).ranges().slice(0, 16);
    let first: { leaf: LeafNode; address: string } | undefined;
    const destinations: string[] = [];
    for (const [lo, hi] of targets) {
      const ref: ResolvedRef = { kind: 'external', ip: lo, ipText: formatIPv4(lo), where: 'onPremises', label: formatIPv4(lo) };
      const leaf = this.leaf(members, this.kit.runBatch(batch, ref).outcomes);
      if (!leaf) continue;
      destinations.push(...setToCidrStrings(IntervalSet.range(lo, hi)));
      first ??= { leaf, address: formatIPv4(lo) };
    }
    if (first) this.exits.set('onPremises', { leaf: first.leaf, target: first.address, destinations });
  }
}

/** Every outcome's packets as one space. */
function spaceOf(outcomes: Outcome[]): PacketSpace {
  const boxes: Box[] = [];
  for (const o of outcomes) for (const b of o.space.boxes) boxes.push(b);
  return new PacketSpace(boxes);
}

/** The foothold a batch result came from: the first member (lowest address) that any box's sources hold. */
function edgeSource(members: Foothold[], space: PacketSpace): Foothold | undefined {
  const boxes = space.boxes;
  for (let i = 0; i < members.length; i++) {
    const ip = members[i].endpoint.ip;
    for (let j = 0; j < boxes.length; j++) if (boxes[j].src.has(ip)) return members[i];
  }
  return undefined;
}

function endpointsOf(members: Foothold[]): NicEndpoint[] {
  const out: NicEndpoint[] = new Array(members.length);
  for (let i = 0; i < members.length; i++) out[i] = members[i].endpoint;
  return out;
}

function otherMember(members: Endpoint[], e0: Endpoint): Endpoint | undefined {
  for (let i = 0; i < members.length; i++) if (members[i] !== e0) return members[i];
  return undefined;
}

function byAddress(a: Foothold, b: Foothold): number {
  return a.endpoint.ip - b.endpoint.ip;
}

/**
 * Footholds grouped by a list of keys (objects, or ids whose hashes are cached): nested maps, one
 * level per key, instead of a text joined per foothold (two to five ~150-character ids). Groups
 * in the order their first foothold was met, each in address order.
 */
class Grouping {
  private readonly root = new Map<unknown, unknown>();
  private readonly groups: Foothold[][] = [];

  add(keys: readonly unknown[], f: Foothold): void {
    let m = this.root;
    const last = keys.length - 1;
    for (let i = 0; i < last; i++) {
      let next = m.get(keys[i]) as Map<unknown, unknown> | undefined;
      if (!next) m.set(keys[i], (next = new Map()));
      m = next;
    }
    let group = m.get(keys[last]) as Foothold[] | undefined;
    if (!group) {
      m.set(keys[last], (group = []));
      this.groups.push(group);
    }
    group.push(f);
  }

  sorted(): Foothold[][] {
    for (const g of this.groups) g.sort(byAddress);
    return this.groups;
  }
}

/** Footholds that one walk to a NIC or private endpoint answers for (see ReachKit.walkGroupParts). In address order. */
function walkGroups(kit: ReachKit, layer: Foothold[]): Foothold[][] {
  const groups = new Grouping();
  for (const f of layer) groups.add(kit.walkGroupParts(f.endpoint), f);
  return groups.sorted();
}

/**
 * Footholds grouped so that one walk to storage or out of the estate answers for each group: same
 * subnet (route table, VirtualNetwork tag), same NIC NSG, same egress (public IP, load balancer
 * pools). In address order.
 */
function batchesOf(dp: DataPlane, layer: Foothold[]): Foothold[][] {
  const groups = new Grouping();
  for (const f of layer) {
    const e = f.endpoint;
    const nic = dp.snapshot.networkInterfaces.get(e.nicId);
    const ipc = nic?.ipConfigurations.find((c) => c.id === e.ipConfigurationId);
    const primary = nic?.ipConfigurations.find((c) => c.primary) ?? nic?.ipConfigurations[0];
    const pools = primary?.loadBalancerBackendPoolIds;
    groups.add([e.subnetId, nic?.nsgId ?? '', primary?.publicIpId ?? '', pools?.length ? [...pools].sort().join(',') : '', ipc === primary ? '' : `${ipc?.id}`], f);
  }
  return groups.sorted();
}
