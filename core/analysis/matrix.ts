// The reachability matrix: which group (subnet, ASG or VNet) can open connections to which, on
// which protocols and ports, with the cells whose traffic relies only on default NSG rules marked
// (every NSG allow on the path is a `defaultSecurityRules/*` rule, e.g. AllowVnetInBound).
//
// A cell is the union, over the endpoint equivalence classes of the two groups, of what gets from
// one class to the other. Each source class is asked only about the destination classes its own
// NSGs, its subnet's routes and the firewalls on those routes let it address (a necessary
// condition computed once per class); NIC-to-NIC traffic inside a VNet is the source's outbound
// NSGs and the destination's inbound NSGs (the VnetLocal route has nothing else on it); everything
// else is the engine's reach walk, run once per first routing decision and destination look-alikes
// for every source at once, each batch's outbound NSGs applied to it as a filter (matrix-paths.ts).
// "Default rules only" is computed symbolically: the same packets filtered by NSGs that allow only
// what their default rules allow; a cell is marked when that admits all of its traffic. Answers of
// one batch with the same "shape" (BatchReach.shape: the same packets up to the destination
// address, by value) give every source the same ports and marks, so those are worked out once per
// shape, and a destination whose shape is already merged into its group's cells is skipped before
// its packets are computed. Cells are filled as typed-array rows (matrix-cells.ts): at tier L
// there are millions; the answer's cells are views on them (matrix-cell-view.ts). Batches are
// independent: MatrixFill lets a caller share them out between threads.

import type { DataPlane } from '../dataplane/compile.ts';
import type { Endpoint } from '../dataplane/address-index.ts';
import type { Caveat } from '../dataplane/caveats.ts';
import type { ResourceId } from '../model/types.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { ReachKit, lowerBound, portScope, type AllowedPorts, type BatchReach, type ExampleKind, type FlowExample, type KitStats } from './blast-walk.ts';
import { PacketSpace } from '../sets/packet-space.ts';
import { blastClasses } from './blast.ts';
import { MatrixPaths, type PathReach } from './matrix-paths.ts';
import { CellTable, type CellColumns } from './matrix-cells.ts';
import { MatrixCellList } from './matrix-cell-view.ts';
import { formatIPv4 } from '../sets/ipv4.ts';
import { compareText } from './collation.ts';

export type MatrixGrouping = 'subnet' | 'asg' | 'vnet';

export interface MatrixOptions {
  by?: MatrixGrouping;
  /** Only these destination ports (TCP and UDP); undefined means every protocol and port. */
  ports?: IntervalSet;
  /** Called after each source batch with the source classes done and their total. */
  onProgress?: (sourcesDone: number, sourcesTotal: number) => void;
}

export interface MatrixGroup {
  id: string;
  /** `vnet/subnet`, the ASG name or the VNet name. */
  name: string;
  /** Endpoints (NICs and private endpoints) in the group. */
  endpoints: number;
}

/** A cell of the answer (the answer's cells are MatrixCellViews: read-only getters, plain objects in JSON; deep-compare their JSON). */
export interface MatrixCell {
  from: string;
  to: string;
  fromId: string;
  toId: string;
  allowed: AllowedPorts[];
  /** Every NSG allow on the paths of this traffic is a default rule (or no NSG is on the path). */
  defaultRulesOnly: boolean;
  /**
   * The destination side admits this traffic by default rules only (AllowVnetInBound...), whatever
   * the source side's NSGs say: implied trust, even where the source side wrote an explicit allow.
   */
  inboundDefaultRulesOnly: boolean;
  /** Some NSG filtered the traffic (false: nothing but routing stands between the groups). */
  nsgOnPath: boolean;
  example: FlowExample;
}

/**
 * The answer's cells, in order: a list that makes each cell when it is read (at tier L there are
 * millions, see matrix-cell-view.ts). Iterate it, index it with `at`, copy a range with `slice`
 * (or all of it with `[...cells]`); in JSON it is an array of plain cells.
 */
export interface MatrixCells extends Iterable<MatrixCell> {
  readonly length: number;
  at(index: number): MatrixCell | undefined;
  slice(start?: number, end?: number): MatrixCell[];
  toJSON(): MatrixCell[];
}

export interface MatrixAnswer {
  by: MatrixGrouping;
  ports: string[] | 'any';
  groups: MatrixGroup[];
  cells: MatrixCells;
  summary: { groups: number; cells: number; defaultRulesOnly: number; inboundDefaultRulesOnly: number; withoutNsg: number; ungroupedEndpoints: number };
  caveats: Caveat[];
  /** How much work the answer took (not part of the stable JSON). */
  stats?: KitStats & { sourceClasses: number; pairs: number };
}

function subnetLabel(dp: DataPlane, subnetId: string): string {
  const sub = dp.snapshot.subnets.get(subnetId);
  const vnet = sub ? dp.snapshot.virtualNetworks.get(sub.vnetId) : undefined;
  return `${vnet?.name ?? '?'}/${sub?.name ?? subnetId}`;
}

function asgsOf(dp: DataPlane, e: Endpoint): ResourceId[] {
  if (e.kind !== 'nic') return [];
  const ipc = dp.snapshot.networkInterfaces.get(e.nicId)?.ipConfigurations.find((c) => c.id === e.ipConfigurationId);
  return ipc?.asgIds ?? [];
}

export function computeMatrix(dp: DataPlane, opts: MatrixOptions = {}): MatrixAnswer {
  const fill = new MatrixFill(dp, opts);
  let next = 0;
  fill.run(() => next++);
  return fill.answer();
}

/** What one fill found beside its cells, for another fill to absorb (see MatrixFill.part). */
export interface MatrixPart {
  cells: CellColumns;
  /** Caveats in the order this fill met them, each with the batch it first met it in (-1: before any). */
  caveats: { caveat: Caveat; batch: number }[];
  stats: KitStats & { sourceClasses: number; pairs: number };
}

type Klass = ReturnType<typeof blastClasses>['classes'][number];
/** What a source gets; `id` numbers it in the cell table. */
type Got = { ports: Map<number, IntervalSet>; example: ExampleKind; defaultOnly: boolean; inboundDefaultOnly: boolean; id: number };

const ALL = { protocols: IntervalSet.range(0, 255), srcPorts: IntervalSet.range(0, 65535), dst: IntervalSet.range(0, 0xffffffff), dstPorts: IntervalSet.range(0, 65535) };
const only = (space: PacketSpace, ip: number) => space.intersectBox({ ...ALL, src: IntervalSet.point(ip) });
/** Every box of `s` comes from the whole source set `src` (module function, not a closure per answer: see mergeUniform). */
const fromWholeBatch = (s: PacketSpace, src: IntervalSet) => s.boxes.every((x) => x.src.equals(src));
/** The member of a class that its own batch aims at (a host is not its own destination). */
const targetOf = (klass: Klass) => klass.members.find((m) => m !== klass.representative) ?? klass.representative;

/**
 * The matrix filled batch by batch. Source batches are independent: a fill may take only some of
 * them (`run` with a claim function that hands out increasing batch numbers, e.g. whole VNet runs
 * (`vnetRuns`) from a counter shared with another thread) and absorb another fill's `part` (the
 * same data plane and options, the other batches); the answer is then the one computeMatrix gives.
 * Caveats too, in order: each fill notes the batch it first met each caveat in. Taking batches in
 * increasing order, a fill meets a caveat first in the batch where one fill of every batch would
 * (its memo tables are no warmer than that fill's; fills with other batches meet it later, if at
 * all), so ordering by that batch gives the single fill's order.
 */
export class MatrixFill {
  private readonly by: MatrixGrouping;
  private readonly kit: ReachKit;
  private readonly classes: ReturnType<typeof blastClasses>;
  private readonly paths: MatrixPaths;
  private readonly groups: MatrixGroup[] = [];
  private readonly groupsOfClass: number[][] = [];
  private readonly ungrouped: number;
  private readonly ips: Float64Array;
  private readonly cls: Int32Array;
  private readonly nameRank: Int32Array;
  private readonly idRank: Int32Array;
  private readonly cells: CellTable;
  private readonly batches: number[][];
  private readonly lastBatch: Int32Array;
  /** Groups with batches, by their last batch: closed once a fill is past it. */
  private readonly closeOrder: Int32Array;
  private readonly seenGroup: Int32Array;
  private stamp = 0;
  private pairs = 0;
  private sources = 0;
  private readonly caveatBatch = new Map<string, number>();
  private readonly absorbed: MatrixPart[] = [];

  constructor(
    private readonly dp: DataPlane,
    private readonly opts: MatrixOptions = {},
  ) {
    const by = (this.by = opts.by ?? 'subnet');
    const kit = (this.kit = new ReachKit(dp, portScope(opts.ports)));
    const classes = (this.classes = blastClasses(dp));
    this.paths = new MatrixPaths(kit);

    // ---- groups ----
    const groupIndex = new Map<string, number>();
    const groups = this.groups;
    const groupsOfClass = this.groupsOfClass;
    let ungrouped = 0;
    const groupFor = (id: string, name: string): number => {
      let g = groupIndex.get(id);
      if (g === undefined) {
        g = groups.length;
        groupIndex.set(id, g);
        groups.push({ id, name, endpoints: 0 });
      }
      return g;
    };
    for (const c of classes.classes) {
      const e = c.representative;
      let ids: { id: string; name: string }[];
      if (by === 'subnet') ids = [{ id: dp.snapshot.subnets.get(e.subnetId)?.displayId ?? e.subnetId, name: subnetLabel(dp, e.subnetId) }];
      else if (by === 'vnet') {
        const v = dp.snapshot.virtualNetworks.get(e.vnetId);
        ids = [{ id: v?.displayId ?? e.vnetId, name: v?.name ?? e.vnetId }];
      } else ids = asgsOf(dp, e).map((id) => {
        const a = dp.snapshot.applicationSecurityGroups.get(id);
        return { id: a?.displayId ?? id, name: a?.name ?? id.split('/').pop() ?? id };
      });
      const gs = ids.map((x) => groupFor(x.id.toLowerCase(), x.name));
      for (const g of gs) groups[g].endpoints += c.members.length;
      if (gs.length === 0) ungrouped += c.members.length;
      groupsOfClass.push(gs);
    }
    this.ungrouped = ungrouped;

    // ---- destinations by address ----
    const order = classes.classes.map((c, i) => [c.representative.ip, i] as const).filter(([, i]) => groupsOfClass[i].length > 0).sort((a, b) => a[0] - b[0]);
    this.ips = Float64Array.from(order.map((x) => x[0]));
    this.cls = Int32Array.from(order.map((x) => x[1]));

    const G = groups.length;
    // The answer's order (from name, to name, from id, to id) in English collation (collation.ts);
    // compared by rank, each name collated once per group.
    this.nameRank = ranks(groups.map((g) => g.name));
    this.idRank = ranks(groups.map((g) => g.id));
    this.cells = new CellTable(G, this.nameRank, this.idRank);
    this.seenGroup = new Int32Array(G);
    // Sources in batches: classes behind the same route table, VirtualNetwork tag and NSGs leave the
    // same way, so one walk answers for all of them (split by source address afterwards).
    const batches = new Map<string, number[]>();
    classes.classes.forEach((c, i) => {
      const e = c.representative;
      if (e.kind !== 'nic' || groupsOfClass[i].length === 0) return;
      const key = kit.walkGroupKey(e);
      const batch = batches.get(key);
      if (batch) batch.push(i);
      else batches.set(key, [i]);
    });
    this.batches = [...batches.values()];
    // Each group's cells are closed after the last batch with one of its classes (see CellTable).
    const lastBatch = (this.lastBatch = new Int32Array(G).fill(-1));
    this.batches.forEach((members, b) => {
      for (const ca of members) for (const ga of groupsOfClass[ca]) lastBatch[ga] = b;
    });
    this.closeOrder = Int32Array.from({ length: G }, (_, g) => g)
      .filter((g) => lastBatch[g] >= 0)
      .sort((a, b) => lastBatch[a] - lastBatch[b]);
    this.noteCaveats(-1);
  }

  /** How many source batches there are (numbered 0 to batchCount - 1). */
  get batchCount(): number {
    return this.batches.length;
  }

  /**
   * Fills the cells of the batches `claim` hands out, until it returns -1 (or a number past the
   * last). Its numbers increase; batches it skips are left to other fills: groups whose batches
   * all lie behind are closed as it goes.
   */
  run(claim: () => number): void {
    const total = this.batches.reduce((n, m) => n + m.length, 0);
    let closed = 0;
    for (;;) {
      const b = claim();
      if (b < 0 || b >= this.batches.length) break;
      while (closed < this.closeOrder.length && this.lastBatch[this.closeOrder[closed]] < b) this.cells.close(this.closeOrder[closed++]);
      this.fillBatch(b);
      this.noteCaveats(b);
      this.opts.onProgress?.(this.sources, total);
    }
  }

  /**
   * Where runs of batches whose sources are in one VNet start (and batchCount at the end): they
   * share walks and memo tables, so fills that share out batches take whole runs.
   */
  vnetRuns(): Int32Array {
    const starts: number[] = [];
    let last: string | undefined;
    this.batches.forEach((members, b) => {
      const v = this.classes.classes[members[0]].representative.vnetId;
      if (v !== last) starts.push(b);
      last = v;
    });
    starts.push(this.batches.length);
    return Int32Array.from(starts);
  }

  /** Source classes per batch (how much work a batch is, roughly). */
  batchSizes(): Int32Array {
    return Int32Array.from(this.batches, (m) => m.length);
  }

  /** What this fill found, for another fill's absorb (the cell table is closed: fill no more). */
  part(): MatrixPart {
    return {
      cells: this.cells.columns(),
      caveats: this.ownCaveats(),
      stats: this.stats(),
    };
  }

  /** Merges the part of another fill (of the same data plane and options) that took other batches. */
  absorb(part: MatrixPart): void {
    this.cells.absorb(part.cells);
    this.absorbed.push(part);
  }

  private stats(): KitStats & { sourceClasses: number; pairs: number } {
    return { ...this.kit.stats, sourceClasses: this.sources, pairs: this.pairs };
  }

  /** This fill's caveats in the order it met them, each with the batch it first met it in. */
  private ownCaveats(): MatrixPart['caveats'] {
    return this.kit.caveats.list().map((caveat) => ({ caveat, batch: this.caveatBatch.get(caveat.code) ?? -1 }));
  }

  /** Records the batch in which each caveat was first met (the answer lists them in that order). */
  private noteCaveats(batch: number): void {
    for (const c of this.kit.caveats.list()) if (!this.caveatBatch.has(c.code)) this.caveatBatch.set(c.code, batch);
  }

  private fillBatch(b: number): void {
    const { kit, paths, classes, cells, groupsOfClass, seenGroup } = this;
    const G = this.groups.length;
    const nClasses = classes.classes.length;
    const members = this.batches[b];
    cells.startBatch(b);
    this.sources += members.length;
    const reps = members.map((i) => classes.classes[i].representative as Extract<Endpoint, { kind: 'nic' }>);
    const memberSet = new Set(members);
    const batch = kit.batch(reps);
    const reachable = kit.batchReachable(batch);
    /** What one source gets (its slice `mine` of the answer `t`), given its slices of the default-only answers. */
    const gotOf = (t: BatchReach, mine: PacketSpace, slice: (mode: 'default' | 'default-inbound') => PacketSpace): Got | null => {
      const reach = mine.isEmpty() ? undefined : kit.portsOf(mine);
      if (!reach) return null;
      // Default-only traffic at every NSG is a subset of default-only traffic at inbound NSGs.
      const inboundDefaultOnly = mine.subtract(slice('default-inbound')).isEmpty();
      const defaultOnly = inboundDefaultOnly && mine.subtract(slice('default')).isEmpty();
      const v = { ports: reach.ports, example: reach.kind, defaultOnly, inboundDefaultOnly, id: -1 };
      v.id = cells.intern(v);
      return v;
    };
    // (shape, destination group) pairs already merged in this batch by a destination outside the
    // batch: another destination of that shape and group merges the same values into the same
    // cells (which already hold their example), so it is skipped.
    const shapeIds = new Map<string, number>();
    const merged = new Set<number>();
    // What a shape gave every source of the batch (null: nothing; absent: not one value for all).
    const byShapeResult = new Map<string, { got: Got | null; nsgOnPath: boolean } | null>();
    // What a source class (byShape) or every source (byShapeUniform) gets from an answer shape.
    // Shapes name their batch, so these live as long as the batch: a finished batch's memo would
    // only be kept alive for the garbage collector to trace again and again.
    const byShape = new Map<string, (Got | null | undefined)[]>();
    const byShapeUniform = new Map<string, Got | null>();
    /**
     * When every box of the answer (and of its default-only parts) has the batch's whole source set
     * as its source, the answer is one set of packets from each source of the batch (a product), so
     * what a source gets is computed once and holds for all (null: nothing gets through).
     * undefined when the answer is not of that form.
     */
    const uniformGot = (t: PathReach, target: Endpoint): Got | null | undefined => {
      if (!fromWholeBatch(t.space, batch.src)) return undefined;
      const hit = t.shape !== undefined ? byShapeUniform.get(t.shape) : undefined;
      if (hit !== undefined) return hit;
      if (!members.some((c) => classes.classes[c].representative !== target)) return null;
      // Products over the same source set compare as their slices do: no need to slice them.
      let product = true;
      const got = gotOf(t, t.space, (mode) => {
        const d = paths.defaultOnly(t, mode);
        if (!fromWholeBatch(d, batch.src)) product = false;
        return d;
      });
      if (!product) return undefined;
      if (t.shape !== undefined) {
        byShapeUniform.set(t.shape, got);
      }
      return got;
    };
    // Every source of the batch gets the same packets: each source group is merged once. (Not a
    // closure per destination: tsx compiles with keepNames, and each named closure made costs a
    // defineProperty.)
    const mergeUniform = (got: Got, nsgOnPath: boolean, target: Endpoint, cb: number, label: number) => {
      const stamp = ++this.stamp;
      for (const ca of members) {
        const a = classes.classes[ca].representative;
        if (a === target) continue;
        for (const ga of groupsOfClass[ca]) {
          if (seenGroup[ga] === stamp) continue;
          seenGroup[ga] = stamp;
          for (const gb of groupsOfClass[cb]) cells.merge(ga, gb, got.id, nsgOnPath, ca, label);
        }
      }
    };
    const visit = (cb: number) => {
      const klass = classes.classes[cb];
      const inBatch = memberSet.has(cb);
      // A host is not its own destination: inside a source class, aim at another member.
      const target = inBatch ? targetOf(klass) : klass.representative;
      // A cell's example destination by number: class cb's representative is cb; nClasses + cb is
      // the class's other member, aimed at from inside its own batch.
      const label = inBatch ? nClasses + cb : cb;
      this.pairs++;
      // The shape first (cheap): a destination whose shape and groups are merged already is skipped.
      const shape = inBatch ? undefined : paths.shapeOf(batch, target);
      let shapeId = -1;
      if (shape !== undefined) {
        shapeId = shapeIds.get(shape) ?? -1;
        if (shapeId < 0) shapeIds.set(shape, (shapeId = shapeIds.size));
        let fresh = false;
        for (const gb of groupsOfClass[cb]) if (!merged.has(shapeId * G + gb)) fresh = true;
        if (!fresh) return;
      }
      const known = shape !== undefined ? byShapeResult.get(shape) : undefined;
      if (known !== undefined) {
        if (known?.got) mergeUniform(known.got, known.nsgOnPath, target, cb, label);
        if (shapeId >= 0) for (const gb of groupsOfClass[cb]) merged.add(shapeId * G + gb);
        return;
      }
      const t = paths.reach(batch, target);
      if (t.space.isEmpty()) {
        if (shape !== undefined) byShapeResult.set(shape, null);
        return;
      }

      const uniform = uniformGot(t, target);
      if (shape !== undefined && uniform !== undefined) byShapeResult.set(shape, { got: uniform, nsgOnPath: t.nsgOnPath });
      if (uniform !== undefined) {
        if (uniform) mergeUniform(uniform, t.nsgOnPath, target, cb, label);
      } else {
        let din: PacketSpace | undefined;
        let dall: PacketSpace | undefined;
        // Answers of the same shape differ only by the destination address: what each source class
        // gets (ports, default-rule marks) is computed once per shape, kept by its place in the batch.
        let memo = t.shape !== undefined ? byShape.get(t.shape) : undefined;
        if (t.shape !== undefined && memo === undefined) byShape.set(t.shape, (memo = new Array<Got | null | undefined>(members.length).fill(undefined)));
        for (let k = 0; k < members.length; k++) {
          const ca = members[k];
          const a = classes.classes[ca].representative;
          if (a === target) continue;
          let got = memo !== undefined ? memo[k] : undefined;
          if (got === undefined) {
            got = gotOf(t, only(t.space, a.ip), (mode) => {
              if (mode === 'default-inbound') return only((din ??= paths.defaultOnly(t, 'default-inbound')), a.ip);
              return only((dall ??= paths.defaultOnly(t, 'default')), a.ip);
            });
            if (memo !== undefined) memo[k] = got;
          }
          if (!got) continue;
          for (const ga of groupsOfClass[ca]) for (const gb of groupsOfClass[cb]) cells.merge(ga, gb, got.id, t.nsgOnPath, ca, label);
        }
      }
      if (shapeId >= 0) for (const gb of groupsOfClass[cb]) merged.add(shapeId * G + gb);
    };
    const { ips, cls } = this;
    for (const [lo, hi] of reachable.ranges()) {
      for (let i = lowerBound(ips, lo); i < ips.length && ips[i] <= hi; i++) visit(cls[i]);
    }
    kit.forget(batch);
    paths.forget(batch);
  }

  /** The answer: this fill's cells and those of the parts it absorbed. */
  answer(): MatrixAnswer {
    const { classes, groups, nameRank, idRank } = this;
    const nClasses = classes.classes.length;
    const names = {
      src: (ca: number) => formatIPv4(classes.classes[ca].representative.ip),
      dst: (label: number) => (label < nClasses ? classes.classes[label].representative : targetOf(classes.classes[label - nClasses])).ipText,
    };
    const table = this.cells;
    const order = table.answerOrder();
    const source = { table, groups, names };
    let defaultRulesOnly = 0;
    let inboundDefaultRulesOnly = 0;
    let withoutNsg = 0;
    // An indexed loop: `for...of` over the typed array made an iterator result per cell here.
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      if (table.defaultOnlyOf(i)) defaultRulesOnly++;
      if (table.inboundDefaultOnlyOf(i)) inboundDefaultRulesOnly++;
      if (!table.nsgOf(i)) withoutNsg++;
    }
    const sortedGroups = groups.map((g, i) => ({ g, i })).sort((a, b) => nameRank[a.i] - nameRank[b.i] || idRank[a.i] - idRank[b.i]).map((x) => x.g);
    const stats = this.stats();
    for (const p of this.absorbed) for (const k of Object.keys(stats) as (keyof typeof stats)[]) stats[k] += p.stats[k];
    const opts = this.opts;
    return {
      by: this.by,
      ports: opts.ports ? opts.ports.ranges().map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)) : 'any',
      groups: sortedGroups,
      cells: new MatrixCellList(source, order),
      summary: {
        groups: groups.length,
        cells: order.length,
        defaultRulesOnly,
        inboundDefaultRulesOnly,
        withoutNsg,
        ungroupedEndpoints: this.ungrouped,
      },
      caveats: this.caveats(),
      stats,
    };
  }

  /**
   * Every fill's caveats in the order one fill of every batch would have met them: by the batch
   * each was first met in, then in the order of the fill that met it there.
   */
  private caveats(): Caveat[] {
    const parts = [this.ownCaveats(), ...this.absorbed.map((p) => p.caveats)];
    const first = new Map<string, { caveat: Caveat; batch: number; part: number; pos: number }>();
    parts.forEach((list, part) =>
      list.forEach((c, pos) => {
        const seen = first.get(c.caveat.code);
        if (!seen || c.batch < seen.batch) first.set(c.caveat.code, { ...c, part, pos });
      }),
    );
    return [...first.values()].sort((a, b) => a.batch - b.batch || a.part - b.part || a.pos - b.pos).map((c) => c.caveat);
  }
}

/** Each value's rank in English collation (collation.ts); equal values share a rank. */
function ranks(values: string[]): Int32Array {
  const order = values.map((_, i) => i).sort((a, b) => compareText(values[a], values[b]));
  const r = new Int32Array(values.length);
  let rank = 0;
  for (let k = 0; k < order.length; k++) {
    if (k > 0 && compareText(values[order[k - 1]], values[order[k]]) !== 0) rank = k;
    r[order[k]] = rank;
  }
  return r;
}
