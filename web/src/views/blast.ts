// Blast radius: from a selected endpoint, what an attacker who holds it reaches, transitively.
// The answer is core's (what `ztpath blast --json` prints); reached nodes are coloured by depth,
// and hovering one shows its shortest attack path.

import type { BlastAnswer, BlastGroup, BlastReached, BlastStep } from '../api.ts';
import type { App, View } from '../app.ts';
import { clear, el, notAvailable, section } from '../dom.ts';
import type { Mark, OverlayEdge } from '../graph.ts';
import { DEPTH_COLORS } from '../graph-style.ts';
import { portsText } from '../format.ts';

function depthClass(d: number): string {
  return `depth-${Math.min(Math.max(d, 1), DEPTH_COLORS.length - 1)}`;
}

export function blastView(app: App): View {
  const state = {
    from: { text: '', ref: '' },
    ports: '',
    answer: undefined as BlastAnswer | undefined,
    marks: new Map<string, Mark>(),
    /** node -> the reached item it shows (the shallowest). */
    byNode: new Map<string, BlastReached>(),
    /** address -> node, for the steps of attack paths. */
    ipNode: new Map<string, string>(),
    sourceNode: undefined as string | undefined,
  };
  let result: HTMLElement | undefined;
  let fromInput: HTMLInputElement | undefined;

  const pathEdges = (path: BlastStep[]): OverlayEdge[] => {
    const out: OverlayEdge[] = [];
    for (const s of path) {
      const a = s.fromIp === state.answer?.summary.from.ip ? state.sourceNode : state.ipNode.get(s.fromIp);
      const b = state.ipNode.get(s.toIp);
      if (a && b) out.push({ source: a, target: b, label: portsText(s), cls: 'attack' });
    }
    return out;
  };

  const pathLines = (r: BlastReached): string[] => [
    `${r.name} (${r.ip ?? r.kind}) — depth ${r.depth}`,
    ...r.path.map((s, i) => `${i + 1}. ${s.from} -> ${s.to}  ${portsText(s)}`),
  ];

  let asked = 0;
  const run = async () => {
    if (!result) return;
    const out = result;
    const mine = ++asked;
    const stale = () => result !== out || mine !== asked;
    clear(out);
    if (!state.from.ref) {
      out.appendChild(el('p', { class: 'error' }, 'Pick the compromised endpoint: click a NIC or search for it.'));
      return;
    }
    out.appendChild(el('p', { class: 'muted' }, 'Computing the blast radius...'));
    // With the answer summed up by VNet (`ztpath blast --by vnet`): at scale the list runs to tens of thousands.
    const r = await app.backend.get<BlastAnswer>('/api/blast', { from: state.from.ref, ports: state.ports || undefined, by: 'vnet' });
    // The user left the view, or asked again, while this was computed: drop it.
    if (stale()) return;
    clear(out);
    if (!r.ok) {
      out.appendChild(el('p', { class: 'error', data: { testid: 'blast-error' } }, r.error));
      app.graph.setLayer(null);
      return;
    }
    const a = r.body;
    state.answer = a;
    const items = [
      { resource: a.summary.from.resource, ip: a.summary.from.ip },
      ...a.reached.map((x) => ({ resource: x.resource, ip: x.ip })),
      ...a.exits.map((x) => ({ resource: x.kind === 'internet' ? 'internet' : 'onPremises', ip: x.target })),
    ];
    const nodes = await app.locate(items);
    if (stale()) return;
    state.sourceNode = nodes[0] ?? undefined;
    state.marks = new Map();
    state.byNode = new Map();
    state.ipNode = new Map();
    if (state.sourceNode) {
      state.marks.set(state.sourceNode, { cls: 'blast-source', badge: 'compromised', rank: 0 });
      state.ipNode.set(a.summary.from.ip, state.sourceNode);
    }
    a.reached.forEach((x, i) => {
      const id = nodes[i + 1];
      if (!id) return;
      if (x.ip) state.ipNode.set(x.ip, id);
      if (id === state.sourceNode) return;
      const prev = state.byNode.get(id);
      if (!prev || x.depth < prev.depth) state.byNode.set(id, x);
      const m = state.marks.get(id);
      if (!m || (m.rank ?? 99) > x.depth) state.marks.set(id, { cls: depthClass(x.depth), badge: `depth ${x.depth}`, rank: x.depth });
    });
    a.exits.forEach((x, i) => {
      const id = nodes[1 + a.reached.length + i];
      if (!id) return;
      state.ipNode.set(x.target, id);
      state.marks.set(id, { cls: depthClass(x.depth), badge: `exit, depth ${x.depth}`, rank: x.depth });
      state.byNode.set(id, { resource: x.kind, name: x.kind === 'internet' ? 'the internet' : 'on-premises', kind: x.kind, ip: x.target, depth: x.depth, path: x.path });
    });
    window.__ztpath = { ...window.__ztpath, blastNodes: [...state.marks.keys()].filter((k) => k !== state.sourceNode) };
    app.graph.setLayer({ marks: state.marks, edges: [], dimOthers: true });
    app.graph.fit();
    out.appendChild(renderBlast(a, (r) => app.tooltip(pathLines(r)), (x) => void focusReached(x)));
  };

  const focusReached = async (x: BlastReached) => {
    const [id] = await app.locate([{ resource: x.resource, ip: x.ip }]);
    if (!id) return;
    await app.graph.reveal([id]);
    app.graph.setLayer({ marks: state.marks, edges: pathEdges(x.path), dimOthers: true });
    app.graph.focus([id]);
  };

  return {
    name: 'blast',
    title: 'Blast radius',
    async enter(p, params) {
      if (!app.meta.features.blast) {
        p.appendChild(notAvailable('Blast radius', 'This version of ztpath core has no blast radius yet (computeBlastRadius).'));
        app.graph.setLayer(null);
        return;
      }
      if (params.has('from')) state.from = { ref: params.get('from')!, text: params.get('fromLabel') ?? params.get('from')! };
      fromInput = el('input', { attrs: { type: 'text', placeholder: 'click a NIC, search, or type a name or IP', 'aria-label': 'compromised endpoint' }, data: { testid: 'blast-from' } });
      fromInput.value = state.from.text;
      fromInput.addEventListener('input', () => (state.from = { text: fromInput!.value, ref: fromInput!.value }));
      const ports = el('input', { attrs: { type: 'text', placeholder: 'any (or 22,3389,445)', 'aria-label': 'ports' } });
      ports.value = state.ports;
      ports.addEventListener('input', () => (state.ports = ports.value));
      result = el('div', { class: 'blast-result', data: { testid: 'blast-result' } });
      p.append(
        el('h2', null, 'Blast radius'),
        el('p', { class: 'muted' }, 'What an attacker who holds one endpoint can reach, hop after hop. Click a NIC to start from it; hover a reached node for its attack path.'),
        el(
          'form',
          { class: 'trace-form', on: { submit: (e) => (e.preventDefault(), void run()) } },
          el('label', null, 'Compromised', fromInput),
          el('label', null, 'Ports the attacker uses', ports),
          el('button', { attrs: { type: 'submit' }, class: 'primary', data: { testid: 'blast-run' } }, 'Compute'),
        ),
        el('div', { class: 'depth-legend' }, ...DEPTH_COLORS.slice(1).map((c, i) => el('span', { class: `swatch depth-${i + 1}`, title: `depth ${i + 1}` }, String(i + 1)))),
        result,
      );
      if (params.has('from')) await run();
      else if (state.answer) {
        app.graph.setLayer({ marks: state.marks, edges: [], dimOthers: true });
        result.appendChild(renderBlast(state.answer, (r) => app.tooltip(pathLines(r)), (x) => void focusReached(x)));
      } else app.graph.setLayer(null);
    },
    leave() {
      result = undefined;
      fromInput = undefined;
      app.tooltip(null);
    },
    async onNodeTap(id) {
      const n = app.graph.node(id);
      if (!n) return true;
      if (n.kind === 'vnet' && !app.graph.isExpanded(id)) {
        await app.graph.expand(id);
        return true;
      }
      if (n.kind !== 'nic' && n.kind !== 'nicGroup' && n.kind !== 'appliance' && n.kind !== 'subnet') return true;
      state.from = { text: n.label, ref: `@${id}` };
      if (fromInput) fromInput.value = n.label;
      await run();
      return true;
    },
    onHover(id, x, y) {
      if (!state.answer || !id) {
        app.tooltip(null);
        if (state.answer && !id) app.graph.setLayer({ marks: state.marks, edges: [], dimOthers: true });
        return;
      }
      const r = state.byNode.get(id);
      if (!r) return;
      app.graph.setLayer({ marks: state.marks, edges: pathEdges(r.path), dimOthers: true });
      app.tooltip(pathLines(r), x, y);
    },
    onSearchPick(r) {
      state.from = { text: r.label.replace(/ \(in a group of \d+\)$/, ''), ref: r.ref ?? `@${r.node}` };
      if (fromInput) fromInput.value = state.from.text;
      void run();
      return true;
    },
  };
}

function renderBlast(a: BlastAnswer, hover: (r: BlastReached) => void, pick: (r: BlastReached) => void): HTMLElement {
  const s = a.summary;
  const root = el('div', null);
  root.appendChild(
    el(
      'div',
      { class: 'verdict blast', data: { testid: 'blast-summary' } },
      el('strong', null, `${s.from.name}`),
      ` (${s.from.ip}, ${s.from.subnet}) reaches ${s.hosts} hosts, ${s.privateEndpoints} private endpoints, ${s.storageAccounts} storage accounts` + (s.exits.length ? `, and ${s.exits.join(' and ')}` : '') + ` within ${s.maxDepth} hops.`,
    ),
  );
  if (a.groups?.length) root.appendChild(section(`By VNet (${a.groups.length})`, el('ul', { class: 'groups', data: { testid: 'blast-groups' } }, ...a.groups.map((g) => el('li', null, el('strong', null, g.kind === 'storageAccounts' ? '(storage accounts)' : g.name), el('span', { class: 'muted' }, ` ${groupText(g)}`))))));
  const byDepth = new Map<number, BlastReached[]>();
  for (const r of a.reached) byDepth.set(r.depth, [...(byDepth.get(r.depth) ?? []), r]);
  const list = el('div', { data: { testid: 'blast-list' } });
  for (const [d, items] of [...byDepth].sort((x, y) => x[0] - y[0])) {
    const ul = el('ul', { class: 'reached' });
    for (const r of items) {
      const first = r.path[r.path.length - 1];
      ul.appendChild(
        el(
          'li',
          { class: 'clickable', data: { resource: r.resource }, on: { mouseenter: () => hover(r), click: () => pick(r) } },
          el('span', { class: `swatch depth-${Math.min(d, DEPTH_COLORS.length - 1)}` }),
          el('strong', null, ` ${r.name}`),
          el('span', { class: 'muted' }, ` ${r.ip ?? ''} ${r.subnet ?? ''}${r.via ? ` via ${r.via}` : ''}${first ? `  (${portsText(first)})` : ''}`),
        ),
      );
    }
    list.appendChild(section(`Depth ${d} (${items.length})`, ul));
  }
  root.appendChild(list);
  if (a.exits.length)
    root.appendChild(section('Exits', el('ul', null, ...a.exits.map((x) => el('li', null, `${x.kind === 'internet' ? 'the internet' : 'on-premises'} at depth ${x.depth}${x.destinations.length ? ` (${x.destinations.slice(0, 4).join(', ')}${x.destinations.length > 4 ? ', ...' : ''})` : ''}`)))));
  if (a.caveats.length) root.appendChild(section('Caveats', el('ul', { class: 'caveats' }, ...a.caveats.map((c) => el('li', null, c.message)))));
  return root;
}

/** `45 hosts, 5 private endpoints, nearest at depth 1, 2 critical: Tcp 443; Udp 123` (the ports the last hop into the group found open). */
function groupText(g: BlastGroup): string {
  const kinds = [[g.hosts, 'host'], [g.privateEndpoints, 'private endpoint'], [g.storageAccounts, 'storage account']].filter(([n]) => Number(n) > 0).map(([n, w]) => `${n} ${w}${n === 1 ? '' : 's'}`);
  const open = g.open.map((o) => (o.ports.length ? `${o.protocol} ${o.ports.join(',')}` : o.protocol)).join('; ');
  return `${kinds.join(', ')}, nearest at depth ${g.nearestDepth}${g.critical ? `, ${g.critical} critical` : ''}: ${open}`;
}
