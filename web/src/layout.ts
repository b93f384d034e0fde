// A fast first picture of a large estate (collapsed: one node per VNet): hubs in a grid, each
// with its spokes (VNets peered only to it) and its on-premises sites in rings around it; the
// rest in a row above. Linear in the number of nodes, where a force layout of a few hundred nodes
// takes seconds. Used for the first screen of collapsed estates only: opening a VNet lays out
// with fcose from these positions. Undefined when the estate is not hub-and-spoke shaped.

export interface LayoutNode {
  id: string;
  kind: string;
}

export interface LayoutEdge {
  source: string;
  target: string;
  kind: string;
}

const SPACING = 96;
const RING_GAP = 120;
const FIRST_RING = 200;

export function hubSpokePositions(nodes: LayoutNode[], edges: LayoutEdge[]): Map<string, { x: number; y: number }> | undefined {
  const kind = new Map(nodes.map((n) => [n.id, n.kind]));
  const peers = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (!peers.has(a)) peers.set(a, new Set());
    peers.get(a)!.add(b);
  };
  for (const e of edges) {
    if (e.kind !== 'peering' && e.kind !== 'gatewayConnection') continue;
    if (!kind.has(e.source) || !kind.has(e.target)) continue;
    link(e.source, e.target);
    link(e.target, e.source);
  }
  const degree = (id: string) => [...(peers.get(id) ?? [])].filter((p) => kind.get(p) === 'vnet').length;
  const hubs = nodes.filter((n) => n.kind === 'vnet' && degree(n.id) >= 3).sort((a, b) => degree(b.id) - degree(a.id) || a.id.localeCompare(b.id, 'en', { numeric: true }));
  if (!hubs.length) return undefined;
  const hubSet = new Set(hubs.map((h) => h.id));
  const spokes = new Map<string, string[]>(hubs.map((h) => [h.id, []]));
  const placed = new Set<string>(hubSet);
  for (const n of nodes) {
    if (placed.has(n.id) || (n.kind !== 'vnet' && n.kind !== 'onPremises')) continue;
    const hub = [...(peers.get(n.id) ?? [])].filter((p) => hubSet.has(p)).sort((a, b) => degree(b) - degree(a))[0];
    if (!hub) continue;
    spokes.get(hub)!.push(n.id);
    placed.add(n.id);
  }
  // rings: how far each hub's spokes reach
  const rings = (count: number) => {
    const out: { r: number; n: number }[] = [];
    let left = count;
    let r = FIRST_RING;
    while (left > 0) {
      const cap = Math.max(6, Math.floor((2 * Math.PI * r) / SPACING));
      const n = Math.min(cap, left);
      out.push({ r, n });
      left -= n;
      r += RING_GAP;
    }
    return out;
  };
  const radius = Math.max(FIRST_RING, ...hubs.map((h) => rings(spokes.get(h.id)!.length).at(-1)?.r ?? FIRST_RING));
  const cell = 2 * radius + 160;
  const cols = Math.ceil(Math.sqrt(hubs.length));
  const pos = new Map<string, { x: number; y: number }>();
  hubs.forEach((h, i) => {
    const cx = (i % cols) * cell;
    const cy = Math.floor(i / cols) * cell;
    pos.set(h.id, { x: cx, y: cy });
    const list = spokes.get(h.id)!;
    // on-premises first, so that they sit at the top of the first ring
    list.sort((a, b) => (kind.get(a) === 'onPremises' ? -1 : 0) - (kind.get(b) === 'onPremises' ? -1 : 0) || a.localeCompare(b, 'en', { numeric: true }));
    let k = 0;
    for (const ring of rings(list.length)) {
      for (let j = 0; j < ring.n; j++, k++) {
        const angle = -Math.PI / 2 + (2 * Math.PI * j) / ring.n + (ring.r === FIRST_RING ? 0 : Math.PI / ring.n);
        pos.set(list[k], { x: cx + ring.r * Math.cos(angle), y: cy + ring.r * Math.sin(angle) });
      }
    }
  });
  // everything else in rows above the hubs, the internet in the middle
  const rest = nodes.filter((n) => !pos.has(n.id)).sort((a, b) => (a.kind === 'internet' ? -1 : b.kind === 'internet' ? 1 : a.id.localeCompare(b.id, 'en', { numeric: true })));
  const width = Math.max(cols * cell, SPACING);
  const perRow = Math.max(1, Math.floor(width / SPACING));
  rest.forEach((n, i) => {
    const row = Math.floor(i / perRow);
    const inRow = Math.min(perRow, rest.length - row * perRow);
    const x = (cols * cell - cell) / 2 + (i % perRow - (inRow - 1) / 2) * SPACING;
    pos.set(n.id, { x, y: -radius - 200 - row * 110 });
  });
  return pos;
}
