// Matrix: subnet-to-subnet (or VNet, ASG) reachability as a heat map (`ztpath matrix --json`).
// The colour grows with the number of ports that get through; a dot marks cells that rely only on
// default NSG rules (implied trust). A cell's details offer to trace its example flow.

import type { MatrixAnswer } from '../api.ts';
import type { App, View } from '../app.ts';
import { append, clear, el, notAvailable, section } from '../dom.ts';
import { breadth, portsText } from '../format.ts';

/** More groups than this make no readable heat map (and the subnet matrix of 1,200 subnets is 180 MB of JSON). */
const MAX_GROUPS = 250;

function heat(n: number): string {
  if (n <= 0) return '#ffffff';
  // log scale: 1 port .. every port of two protocols
  const t = Math.min(1, Math.log10(n + 1) / Math.log10(131073));
  const hue = 55 - 55 * t;
  const light = 88 - 45 * t;
  return `hsl(${hue.toFixed(0)}, 90%, ${light.toFixed(0)}%)`;
}

export function matrixView(app: App): View {
  const state = { by: 'subnet', answer: undefined as MatrixAnswer | undefined };
  let side: HTMLElement | undefined;
  let area: HTMLElement | undefined;

  const cellDetails = (c: MatrixAnswer['cells'][number]) => {
    if (!side) return;
    clear(side);
    append(
      side,
      el('h3', null, `${c.from} → ${c.to}`),
      el('ul', null, ...c.allowed.map((a) => el('li', null, portsText(a)))),
      c.defaultRulesOnly ? el('p', { class: 'warn' }, 'Relies only on default NSG rules (implied trust).') : null,
      c.inboundDefaultRulesOnly && !c.defaultRulesOnly ? el('p', { class: 'warn' }, 'The destination admits it by default rules only.') : null,
      c.nsgOnPath === false ? el('p', { class: 'warn' }, 'No NSG filters this traffic.') : null,
    );
    if (c.example) {
      const ex = c.example;
      side.append(
        el('p', { class: 'muted' }, `Example: ${ex.src} -> ${ex.dst} ${ex.protocol}${ex.dstPort !== undefined ? `/${ex.dstPort}` : ''}`),
        el('button', { on: { click: () => void app.show('trace', { from: ex.src, fromLabel: ex.src, to: ex.dst, toLabel: ex.dst, protocol: ex.protocol, port: ex.dstPort !== undefined ? String(ex.dstPort) : '', run: '1' }) } }, 'Trace this example'),
      );
    }
  };

  const draw = () => {
    if (!area || !state.answer) return;
    clear(area);
    const a = state.answer;
    if (a.groups.length > MAX_GROUPS) {
      area.appendChild(el('p', { class: 'error' }, `${a.groups.length} groups are too many for a heat map; group by VNet.`));
      return;
    }
    const cells = new Map<string, MatrixAnswer['cells'][number]>();
    for (const c of a.cells) cells.set(`${c.fromId}|${c.toId}`, c);
    const t = el('table', { class: 'heat', data: { testid: 'matrix-table' } });
    const head = el('tr', null, el('th', { class: 'corner' }, 'from \\ to'));
    for (const g of a.groups) head.appendChild(el('th', { class: 'col', title: `${g.name} (${g.endpoints} endpoints)` }, el('span', null, g.name)));
    t.appendChild(el('thead', null, head));
    const body = el('tbody');
    for (const from of a.groups) {
      const tr = el('tr', null, el('th', { class: 'row', title: `${from.name} (${from.endpoints} endpoints)` }, from.name));
      for (const to of a.groups) {
        const c = cells.get(`${from.id}|${to.id}`);
        const td = el('td', { class: 'cell', data: { from: from.name, to: to.name } });
        if (c) {
          const n = breadth(c.allowed);
          td.style.backgroundColor = heat(n);
          td.title = `${c.from} → ${c.to}: ${c.allowed.map(portsText).join('; ')}${c.defaultRulesOnly ? ' (default rules only)' : ''}`;
          td.classList.add('open');
          if (c.defaultRulesOnly) {
            td.classList.add('implied');
            td.textContent = '•';
          }
          td.addEventListener('click', () => cellDetails(c));
        }
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    t.appendChild(body);
    area.append(t);
  };

  /** How many groups a grouping would give, when the topology tells (ASGs: unknown). */
  const groupsBy = (by: string): number | undefined => (by === 'subnet' ? app.meta.counts.subnets : by === 'vnet' ? app.meta.counts.vnets : undefined);

  const load = async () => {
    if (!area || !side) return;
    const expected = groupsBy(state.by);
    if (expected !== undefined && expected > MAX_GROUPS) {
      // Not even asked: the answer would be too large to send and to draw.
      clear(area);
      area.appendChild(
        el('p', { class: 'error', data: { testid: 'matrix-too-big' } }, `${expected} ${state.by === 'subnet' ? 'subnets' : 'VNets'} are too many for a heat map (at most ${MAX_GROUPS}). Group by ${state.by === 'subnet' ? 'VNet' : 'ASG'}, or use \`ztpath matrix --json\`.`),
      );
      return;
    }
    const mine = side;
    clear(area);
    area.appendChild(el('p', { class: 'muted' }, 'Computing the matrix...'));
    const by = state.by;
    const r = await app.backend.get<MatrixAnswer>('/api/matrix', { by: by === 'subnet' ? undefined : by });
    // The user left the view (or asked again) while this was computed: drop it.
    if (!area || side !== mine || state.by !== by) return;
    if (!r.ok) {
      clear(area);
      area.appendChild(el('p', { class: 'error' }, r.error));
      return;
    }
    state.answer = r.body;
    draw();
    if (side) {
      clear(side);
      const s = r.body.summary;
      side.append(
        el('p', null, `${r.body.groups.length} groups, ${r.body.cells.length} open pairs${s.defaultRulesOnly !== undefined ? `, ${s.defaultRulesOnly} relying on default rules only` : ''}.`),
        el('p', { class: 'muted' }, 'Click a cell for the ports and an example flow.'),
      );
      if (r.body.caveats.length) side.appendChild(section('Caveats', el('ul', { class: 'caveats' }, ...r.body.caveats.map((c) => el('li', null, c.message)))));
    }
  };

  return {
    name: 'matrix',
    title: 'Matrix',
    replacesGraph: true,
    async enter(p) {
      app.graph.setLayer(null);
      area = document.getElementById('matrix') ?? undefined;
      // A large estate opens on the VNet matrix.
      if (!state.answer && state.by === 'subnet' && (groupsBy('subnet') ?? 0) > MAX_GROUPS) state.by = 'vnet';
      if (!app.meta.features.matrix) {
        p.appendChild(notAvailable('Matrix', 'This version of ztpath core has no reachability matrix yet (computeMatrix).'));
        if (area) clear(area);
        return;
      }
      const by = el('select', { data: { testid: 'matrix-by' } }, ...['subnet', 'vnet', 'asg'].map((b) => el('option', { attrs: { value: b } }, b)));
      by.value = state.by;
      by.addEventListener('change', () => {
        state.by = by.value;
        void load();
      });
      side = el('div', { data: { testid: 'matrix-side' } });
      p.append(
        el('h2', null, 'Reachability matrix'),
        el('label', { class: 'inline' }, 'Group by ', by),
        el('div', { class: 'heat-legend' }, el('span', { class: 'swatch', attrs: { style: `background:${heat(1)}` } }), ' 1 port ', el('span', { class: 'swatch', attrs: { style: `background:${heat(300)}` } }), ' hundreds ', el('span', { class: 'swatch', attrs: { style: `background:${heat(131072)}` } }), ' everything · • default rules only'),
        side,
      );
      if (state.answer) draw();
      else await load();
    },
    leave() {
      side = undefined;
      area = undefined;
    },
  };
}
