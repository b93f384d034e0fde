// The topology drawing: cytoscape.js with compound nodes (VNet > subnet > endpoint) laid out by
// fcose. Large estates arrive collapsed (one node per VNet); a VNet's inside is asked for when it
// is expanded. Views draw on top of the topology in layers: classes on nodes (a trace's path, a
// blast radius's depths, exposed ports) and overlay edges (hops, attack paths, changed flows).
// Marks on a node inside a collapsed VNet show on the VNet. Labels are canvas text: resource
// names are never HTML.

import cytoscape, { type Core, type ElementDefinition, type NodeSingular } from 'cytoscape';
import fcose from 'cytoscape-fcose';
import type { Backend, TopologyAnswer, WebEdge, WebNode } from './api.ts';
import { STYLE } from './graph-style.ts';
import { hubSpokePositions } from './layout.ts';

cytoscape.use(fcose);

export interface Mark {
  cls: string;
  /** Extra label line (ports, depth). */
  badge?: string;
  /** Lower wins when several marks land on one collapsed VNet (depth). */
  rank?: number;
}

export interface OverlayEdge {
  source: string;
  target: string;
  label?: string;
  cls: string;
}

export interface Layer {
  marks: Map<string, Mark>;
  edges: OverlayEdge[];
  /** Dim every node without a mark. */
  dimOthers?: boolean;
}

const EMPTY_LAYER: Layer = { marks: new Map(), edges: [] };

function topOf(id: string): string {
  const i = id.indexOf('.');
  return i < 0 ? id : id.slice(0, i);
}

function parentOfId(id: string): string | undefined {
  const i = id.lastIndexOf('.');
  return i < 0 ? undefined : id.slice(0, i);
}

export class Graph {
  readonly cy: Core;
  readonly collapsedMode: boolean;
  private readonly nodes = new Map<string, WebNode>();
  private readonly edges = new Map<string, WebEdge>();
  private readonly topEdges: WebEdge[] = [];
  private readonly expanded = new Set<string>();
  private readonly loaded = new Set<string>();
  private layer: Layer = EMPTY_LAYER;
  onTap: (id: string | null) => void = () => {};
  onHover: (id: string | null, x: number, y: number) => void = () => {};
  onError: (message: string) => void = () => {};

  constructor(container: HTMLElement, private readonly backend: Backend, topo: TopologyAnswer) {
    this.collapsedMode = topo.collapsed;
    for (const n of topo.nodes) this.nodes.set(n.id, n);
    if (topo.collapsed) this.topEdges.push(...topo.edges);
    else {
      for (const e of topo.edges) this.edges.set(e.id, e);
      for (const n of topo.nodes) if (n.kind === 'vnet' && !n.parent) {
        this.expanded.add(n.id);
        this.loaded.add(n.id);
      }
    }
    this.cy = cytoscape({
      container,
      style: STYLE,
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: false,
      selectionType: 'single',
      textureOnViewport: topo.counts.nodes > 1500,
      hideEdgesOnViewport: topo.counts.nodes > 1500,
    });
    if (topo.counts.nodes > 1000) this.cy.style().selector('node, edge').style('min-zoomed-font-size', 7).update();
    this.cy.on('tap', 'node', (e) => this.onTap((e.target as NodeSingular).id()));
    this.cy.on('tap', (e) => {
      if (e.target === this.cy) this.onTap(null);
    });
    this.cy.on('mouseover', 'node', (e) => {
      const p = (e.target as NodeSingular).renderedPosition();
      this.onHover((e.target as NodeSingular).id(), p.x, p.y);
    });
    this.cy.on('mouseout', 'node', () => this.onHover(null, 0, 0));
  }

  node(id: string): WebNode | undefined {
    return this.nodes.get(id);
  }

  allNodes(): WebNode[] {
    return [...this.nodes.values()];
  }

  isExpanded(vnet: string): boolean {
    return this.expanded.has(vnet);
  }

  isVisible(id: string): boolean {
    const top = topOf(id);
    if (top === id) return this.nodes.has(id);
    return this.expanded.has(top) && this.nodes.has(id);
  }

  /** The node itself when drawn, else its nearest drawn ancestor (a collapsed VNet). */
  visibleOf(id: string): string | undefined {
    let cur: string | undefined = id;
    while (cur) {
      if (this.isVisible(cur)) return cur;
      cur = this.nodes.get(cur)?.parent ?? parentOfId(cur);
    }
    return undefined;
  }

  // ---- expand / collapse ----

  async expand(vnet: string, relayout = true): Promise<boolean> {
    const n = this.nodes.get(vnet);
    if (!n || n.kind !== 'vnet' || this.expanded.has(vnet)) return false;
    if (!this.loaded.has(vnet)) {
      const r = await this.backend.get<TopologyAnswer>('/api/topology', { vnet });
      if (!r.ok) {
        this.onError(r.error);
        return false;
      }
      for (const x of r.body.nodes) this.nodes.set(x.id, x);
      for (const e of r.body.edges) this.edges.set(e.id, e);
      this.loaded.add(vnet);
    }
    this.expanded.add(vnet);
    if (relayout) await this.refresh({ around: vnet });
    return true;
  }

  async collapse(vnet: string): Promise<void> {
    if (!this.expanded.delete(vnet)) return;
    await this.refresh({ around: vnet });
  }

  /** Make these nodes drawn (expanding their VNets), then lay out once. */
  async reveal(ids: string[]): Promise<void> {
    const tops = new Set(ids.map(topOf).filter((t) => !this.expanded.has(t) && this.nodes.get(t)?.kind === 'vnet'));
    const inside = ids.some((id) => topOf(id) !== id);
    if (!inside || tops.size === 0) return;
    for (const t of tops) await this.expand(t, false);
    await this.refresh({ around: [...tops] });
  }

  // ---- layers ----

  setLayer(layer: Layer | null): void {
    this.layer = layer ?? EMPTY_LAYER;
    this.applyLayer();
  }

  private display(n: WebNode, badges: string[]): string {
    const lines = [n.label];
    if (n.kind === 'vnet' && !this.expanded.has(n.id)) {
      if (n.prefix) lines.push(n.prefix);
      lines.push(`${n.subnets ?? 0} subnets · ${n.endpoints ?? 0} endpoints`);
    } else if (n.kind === 'vnet' || n.kind === 'subnet') {
      lines[0] = n.prefix ? `${n.label}  ${n.prefix}` : n.label;
    } else if (n.kind === 'nicGroup') {
      lines.push(`${n.ip ?? ''}  ×${n.count ?? 0}`);
    } else if (n.ip && n.kind !== 'onPremises') lines.push(n.ip);
    else if (n.kind === 'onPremises' && n.prefix) lines.push(n.prefix);
    for (const b of badges) lines.push(b);
    return lines.join('\n');
  }

  private applyLayer(): void {
    const cy = this.cy;
    const marks = new Map<string, Mark[]>();
    for (const [id, m] of this.layer.marks) {
      const v = this.visibleOf(id);
      if (!v) continue;
      const list = marks.get(v) ?? [];
      list.push(m);
      marks.set(v, list);
    }
    cy.batch(() => {
      const overlay = cy.elements('.overlay');
      if (overlay.nonempty()) cy.remove(overlay);
      cy.nodes().forEach((ele) => {
        const n = this.nodes.get(ele.id());
        if (!n) return;
        const ms = marks.get(ele.id()) ?? [];
        ms.sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
        const cls = ['vnet-collapsed', 'missing'].filter((c) => ele.hasClass(c));
        if (ms.length) {
          cls.push('marked');
          // Several depths on one collapsed VNet: the smallest shows.
          const depth = ms.find((m) => /^depth-/.test(m.cls));
          if (depth) cls.push(depth.cls);
          for (const m of ms) if (!/^depth-/.test(m.cls) && !cls.includes(m.cls)) cls.push(m.cls);
        } else if (this.layer.dimOthers) cls.push('dim');
        // Setting a class or the label, even to the same value, makes cytoscape restyle the node.
        const classes = cls.join(' ');
        if ([...ele.classes()].sort().join(' ') !== [...cls].sort().join(' ')) ele.classes(classes);
        const badges = [...new Set(ms.map((m) => m.badge).filter((b): b is string => !!b))];
        const display = this.display(n, badges.length > 3 ? [...badges.slice(0, 3), `+${badges.length - 3} more`] : badges);
        if (ele.data('display') !== display) ele.data('display', display);
      });
      const seen = new Set<string>();
      this.layer.edges.forEach((e, i) => {
        const a = this.visibleOf(e.source);
        const b = this.visibleOf(e.target);
        if (!a || !b) return;
        const key = `${a}|${b}|${e.cls}|${e.label ?? ''}`;
        if (seen.has(key)) return;
        seen.add(key);
        if (a === b) {
          cy.getElementById(a).addClass(e.cls.includes('blocked') ? 'blocked-here' : 'self-hop');
          return;
        }
        cy.add({ group: 'edges', data: { id: `ov${i}-${seen.size}`, source: a, target: b, label: e.label ?? '' }, classes: `overlay ${e.cls}` });
      });
    });
  }

  // ---- drawing ----

  private elements(): ElementDefinition[] {
    const out: ElementDefinition[] = [];
    const visible = [...this.nodes.values()].filter((n) => this.isVisible(n.id));
    visible.sort((a, b) => a.id.split('.').length - b.id.split('.').length);
    for (const n of visible) {
      const collapsed = n.kind === 'vnet' && !this.expanded.has(n.id);
      out.push({
        group: 'nodes',
        data: { id: n.id, kind: n.kind, label: n.label, display: this.display(n, []), ...(n.parent && this.isVisible(n.parent) ? { parent: n.parent } : {}) },
        classes: [collapsed ? 'vnet-collapsed' : '', n.missing ? 'missing' : ''].filter(Boolean).join(' '),
      });
    }
    const edges = new Map<string, { e: WebEdge; a: string; b: string; n: number }>();
    const addEdge = (e: WebEdge, n: number) => {
      const a = this.visibleOf(e.source);
      const b = this.visibleOf(e.target);
      if (!a || !b || a === b) return;
      const k = e.kind === 'peering' || e.kind === 'gatewayConnection' ? `${e.kind}|${[a, b].sort().join('|')}` : `${e.kind}|${a}|${b}`;
      const hit = edges.get(k);
      if (hit) hit.n += n;
      else edges.set(k, { e, a, b, n });
    };
    for (const e of this.edges.values()) addEdge(e, 1);
    for (const e of this.topEdges) if (!this.loaded.has(e.source) && !this.loaded.has(e.target)) addEdge(e, e.count ?? 1);
    for (const [k, { e, a, b, n }] of edges) {
      const original = a === e.source && b === e.target;
      out.push({
        group: 'edges',
        data: { id: `E:${k}`, source: a, target: b, kind: e.kind, label: original && n === 1 ? e.label ?? '' : n > 1 ? `×${n}` : '' },
        classes: [e.kind, e.down ? 'down' : ''].filter(Boolean).join(' '),
      });
    }
    return out;
  }

  /**
   * Redraw the drawn set of nodes and edges and lay it out. `around` names the VNets just opened or
   * closed: new nodes start at their VNet's place; in a collapsed estate only the opened VNets are
   * laid out (the rest of the picture stays where it is).
   */
  async refresh(opts: { around?: string | string[]; randomize?: boolean } = {}): Promise<void> {
    const cy = this.cy;
    const around = opts.around === undefined ? [] : Array.isArray(opts.around) ? opts.around : [opts.around];
    const want = this.elements();
    const wantIds = new Set(want.map((e) => e.data.id as string));
    const places = new Map<string, { x: number; y: number }>();
    for (const id of around) {
      const e = cy.getElementById(id);
      if (e.nonempty()) places.set(id, { ...e.position() });
    }
    cy.batch(() => {
      cy.remove('.overlay');
      cy.elements().forEach((ele) => {
        if (!wantIds.has(ele.id())) cy.remove(ele);
      });
      // Parents change when a VNet collapses or expands: re-add the nodes whose parent differs.
      for (const d of want) {
        if (d.group !== 'nodes') continue;
        const ele = cy.getElementById(d.data.id as string);
        if (ele.nonempty() && (ele.data('parent') ?? undefined) !== (d.data.parent ?? undefined)) cy.remove(ele);
      }
      const fresh = want.filter((d) => cy.getElementById(d.data.id as string).empty());
      for (const d of fresh) {
        const at = places.get(topOf(d.data.id as string)) ?? places.values().next().value;
        if (d.group === 'nodes' && at) d.position = { x: at.x + (Math.random() - 0.5) * 80, y: at.y + (Math.random() - 0.5) * 80 };
      }
      cy.add(fresh);
      const added = new Set(fresh.map((d) => d.data.id as string));
      for (const d of want) {
        if (d.classes === undefined || added.has(d.data.id as string)) continue;
        const ele = cy.getElementById(d.data.id as string);
        const classes = String(d.classes).split(' ').filter(Boolean).sort().join(' ');
        if ([...ele.classes()].sort().join(' ') !== classes) ele.classes(d.classes as string);
      }
    });
    const first = opts.randomize ?? !places.size;
    if (!first && this.collapsedMode) {
      for (const [id, at] of places) if (this.expanded.has(id)) await this.layoutInside(id, at);
    } else if (!(first && this.collapsedMode && this.placeQuickly())) await this.layout(first);
    this.applyLayer();
  }

  /**
   * The first screen of a collapsed estate: hub-and-spoke positions (no force layout), set in one
   * batch, and the viewport fitted from those positions. cy.fit() would measure every label first
   * (a style pass over every node before the first frame); the first frame does that anyway.
   */
  private placeQuickly(): boolean {
    const cy = this.cy;
    const nodes = cy.nodes().map((n) => ({ id: n.id(), kind: String(n.data('kind')) }));
    const edges = cy.edges().map((e) => ({ source: String(e.data('source')), target: String(e.data('target')), kind: String(e.data('kind')) }));
    const pos = hubSpokePositions(nodes, edges);
    if (!pos || pos.size !== nodes.length) return false;
    let x1 = Infinity;
    let y1 = Infinity;
    let x2 = -Infinity;
    let y2 = -Infinity;
    for (const p of pos.values()) {
      x1 = Math.min(x1, p.x);
      y1 = Math.min(y1, p.y);
      x2 = Math.max(x2, p.x);
      y2 = Math.max(y2, p.y);
    }
    cy.batch(() => {
      cy.nodes().forEach((n) => void n.position(pos.get(n.id())!));
    });
    // Node boxes and their labels (below the node) stick out of the centres by about this much.
    const margin = { x: 80, top: 30, bottom: 60 };
    const w = x2 - x1 + 2 * margin.x;
    const h = y2 - y1 + margin.top + margin.bottom;
    const pad = 24;
    const zoom = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), 1.5, (cy.width() - 2 * pad) / w, (cy.height() - 2 * pad) / h));
    const cx = (x1 + x2) / 2;
    const cyy = (y1 - margin.top + y2 + margin.bottom) / 2;
    cy.viewport({ zoom, pan: { x: cy.width() / 2 - cx * zoom, y: cy.height() / 2 - cyy * zoom } });
    return true;
  }

  /** Lay out one opened VNet (and what belongs with it) on its own, centred where it was. */
  private async layoutInside(vnet: string, at: { x: number; y: number }): Promise<void> {
    const cy = this.cy;
    const v = cy.getElementById(vnet);
    if (v.empty()) return;
    let nodes = v.union(v.descendants()).union(cy.nodes().filter((n) => n.id().startsWith(`${vnet}.`)));
    nodes = nodes.union(nodes.descendants());
    const eles = nodes.union(nodes.edgesWith(nodes));
    if (nodes.length <= 1) return;
    await new Promise<void>((resolve) => {
      const options = {
        name: 'fcose',
        quality: 'default',
        randomize: true,
        animate: false,
        fit: false,
        nodeDimensionsIncludeLabels: true,
        nodeRepulsion: () => 12000,
        idealEdgeLength: () => 60,
        nestingFactor: 0.1,
        nodeSeparation: 50,
        gravity: 0.3,
        gravityCompound: 2,
        numIter: 2500,
        tile: true,
        stop: () => resolve(),
      };
      eles.layout(options as unknown as cytoscape.LayoutOptions).run();
    });
    const bb = nodes.boundingBox();
    const dx = at.x - (bb.x1 + bb.x2) / 2;
    const dy = at.y - (bb.y1 + bb.y2) / 2;
    nodes.nodes().filter((n) => !n.isParent()).shift({ x: dx, y: dy });
    // Make room: the other top-level nodes inside the opened VNet's circle move out of it.
    const box = nodes.boundingBox();
    const r = Math.hypot(box.w, box.h) / 2 + 40;
    const others = cy.nodes().filter((n) => !n.isChild() && !nodes.has(n));
    others.forEach((n) => {
      const p = n.position();
      const vx = p.x - at.x;
      const vy = p.y - at.y;
      const d = Math.hypot(vx, vy);
      if (d >= r) return;
      const k = d === 0 ? 0 : (r + d * 0.6) / d;
      const target = d === 0 ? { x: at.x + r, y: at.y } : { x: at.x + vx * k, y: at.y + vy * k };
      if (n.isParent()) n.descendants().filter((c) => !c.isParent()).shift({ x: target.x - p.x, y: target.y - p.y });
      else n.position(target);
    });
    cy.fit(nodes, 60);
    if (cy.zoom() > 1.3) {
      cy.zoom(1.3);
      cy.center(nodes);
    }
  }

  layout(randomize: boolean): Promise<void> {
    const n = this.cy.nodes().length;
    const big = n > 150;
    return new Promise((resolve) => {
      const options = {
        name: 'fcose',
        quality: big && randomize ? 'draft' : 'default',
        randomize,
        animate: false,
        fit: true,
        padding: 24,
        nodeDimensionsIncludeLabels: true,
        packComponents: big,
        nodeRepulsion: () => (big ? 8000 : 16000),
        idealEdgeLength: () => (big ? 50 : 75),
        edgeElasticity: () => 0.45,
        nestingFactor: 0.1,
        nodeSeparation: 60,
        gravity: big ? 0.25 : 0.12,
        gravityCompound: 2,
        gravityRangeCompound: 1,
        numIter: big ? 800 : 5000,
        tile: true,
        tilingPaddingVertical: 12,
        tilingPaddingHorizontal: 12,
        stop: () => resolve(),
      };
      const l = this.cy.elements().not('.overlay').layout(options as unknown as cytoscape.LayoutOptions);
      l.run();
    });
  }

  /** Select these nodes (drawn or their VNet) and bring them into view. */
  focus(ids: string[]): void {
    const cy = this.cy;
    const visible = [...new Set(ids.map((id) => this.visibleOf(id)).filter((x): x is string => !!x))];
    cy.elements().unselect();
    let els = cy.collection();
    for (const id of visible) els = els.union(cy.getElementById(id));
    if (els.empty()) return;
    els.select();
    cy.fit(els, els.length === 1 ? 160 : 60);
    if (cy.zoom() > 1.3) {
      const bb = els.boundingBox();
      cy.zoom({ level: 1.3, position: { x: (bb.x1 + bb.x2) / 2, y: (bb.y1 + bb.y2) / 2 } });
      cy.center(els);
    }
  }

  fit(): void {
    this.cy.fit(undefined, 24);
  }
}
