// A blast radius summed up by VNet or by subnet. At scale a blast reaches tens of thousands of
// endpoints (51,937 from one VM of tier L): a list that long answers "what can it reach" for a
// machine, not for the responder reading it. Grouped, each VNet (or subnet) reached is one row:
// how many endpoints of each kind, how near the nearest is, how many are critical, and the
// protocols and ports the attacker's last hop into it found open (the union over its endpoints
// of their shortest paths' last steps). Storage accounts sit in no VNet: they are one group of
// their own.

import type { Endpoint } from '../dataplane/address-index.ts';
import type { Snapshot } from '../model/types.ts';
import type { IntervalSet } from '../sets/interval-set.ts';
import { allowedOf, mergePorts, portsOf, type AllowedPorts } from './blast-walk.ts';
import { compareText } from './collation.ts';

export type BlastGroupBy = 'vnet' | 'subnet';

export interface BlastGroup {
  kind: 'vnet' | 'subnet' | 'storageAccounts';
  /** The VNet's name, `vnet/subnet`, or `storage accounts`. */
  name: string;
  /** The VNet's or subnet's resource id as the input spells it; null for the storage accounts. */
  id: string | null;
  /** Endpoints reached in the group, and of each kind. */
  reached: number;
  hosts: number;
  privateEndpoints: number;
  storageAccounts: number;
  /** The depth of the nearest endpoint reached in the group. */
  nearestDepth: number;
  /** Critical assets reached in the group. */
  critical: number;
  /** Every protocol and port the last steps into the group's endpoints found open. */
  open: AllowedPorts[];
}

interface Tally {
  group: BlastGroup;
  ports: Map<number, IntervalSet>;
  /** The last-step lists merged so far: they are shared by every member of a class, so most repeat. */
  seen: Set<AllowedPorts[]>;
}

/** What a reached endpoint or storage account brings to its group. */
interface Contribution {
  depth: number;
  critical: boolean;
  /** What the last step of its shortest path found open. */
  lastStep: AllowedPorts[];
}

export class BlastGroups {
  private readonly tallies = new Map<string, Tally>();
  private storage: Tally | undefined;

  constructor(
    private readonly snapshot: Snapshot,
    readonly by: BlastGroupBy,
  ) {}

  addEndpoint(e: Endpoint, c: Contribution): void {
    const key = this.by === 'vnet' ? e.vnetId : e.subnetId;
    let t = this.tallies.get(key);
    if (t === undefined) this.tallies.set(key, (t = newTally(this.describe(e))));
    if (e.kind === 'privateEndpoint') t.group.privateEndpoints++;
    else t.group.hosts++;
    add(t, c);
  }

  addStorageAccount(c: Contribution): void {
    this.storage ??= newTally({ kind: 'storageAccounts', name: 'storage accounts', id: null });
    this.storage.group.storageAccounts++;
    add(this.storage, c);
  }

  /** The groups, nearest first, then the larger, then by name (and id, for names that repeat). */
  list(): BlastGroup[] {
    const out: BlastGroup[] = [];
    for (const t of this.tallies.values()) out.push(finished(t));
    out.sort((a, b) => a.nearestDepth - b.nearestDepth || b.reached - a.reached || compareText(a.name, b.name) || compareText(a.id ?? '', b.id ?? ''));
    // Storage accounts last: they are not a place in the network.
    if (this.storage) out.push(finished(this.storage));
    return out;
  }

  private describe(e: Endpoint): Pick<BlastGroup, 'kind' | 'name' | 'id'> {
    const s = this.snapshot;
    const vnet = s.virtualNetworks.get(e.vnetId);
    if (this.by === 'vnet') return { kind: 'vnet', name: vnet?.name ?? e.vnetId, id: vnet?.displayId ?? e.vnetId };
    const sub = s.subnets.get(e.subnetId);
    return { kind: 'subnet', name: `${vnet?.name ?? '?'}/${sub?.name ?? e.subnetId}`, id: sub?.displayId ?? e.subnetId };
  }
}

function newTally(g: Pick<BlastGroup, 'kind' | 'name' | 'id'>): Tally {
  const group: BlastGroup = { ...g, reached: 0, hosts: 0, privateEndpoints: 0, storageAccounts: 0, nearestDepth: Number.POSITIVE_INFINITY, critical: 0, open: [] };
  return { group, ports: new Map(), seen: new Set() };
}

function add(t: Tally, c: Contribution): void {
  const g = t.group;
  g.reached++;
  if (c.depth < g.nearestDepth) g.nearestDepth = c.depth;
  if (c.critical) g.critical++;
  if (t.seen.has(c.lastStep)) return;
  t.seen.add(c.lastStep);
  mergePorts(t.ports, portsOf(c.lastStep));
}

function finished(t: Tally): BlastGroup {
  t.group.open = allowedOf(t.ports);
  return t.group;
}
