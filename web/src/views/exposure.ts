// Exposure: what the internet (or on-premises) can open connections to, marked on the graph with
// the ports; the answer is core's (`ztpath exposure --json`).

import type { ExposedItem, ExposureAnswer } from '../api.ts';
import type { App, View } from '../app.ts';
import { clear, el, notAvailable, section } from '../dom.ts';
import type { Mark, OverlayEdge } from '../graph.ts';
import { portsText } from '../format.ts';

export function exposureView(app: App): View {
  const state = { from: 'internet' as 'internet' | 'onprem', answer: undefined as ExposureAnswer | undefined, layer: undefined as { marks: Map<string, Mark>; edges: OverlayEdge[] } | undefined, nodes: [] as (string | null)[] };
  let result: HTMLElement | undefined;

  const load = async () => {
    if (!result) return;
    const out = result;
    const from = state.from;
    clear(out);
    out.appendChild(el('p', { class: 'muted' }, 'Computing the exposure...'));
    const r = await app.backend.get<ExposureAnswer>('/api/exposure', { from: state.from === 'internet' ? undefined : state.from });
    // The user left the view, or asked again, while this was computed: drop it.
    if (result !== out || state.from !== from) return;
    clear(out);
    if (!r.ok) {
      out.appendChild(el('p', { class: 'error' }, r.error));
      return;
    }
    const a = r.body;
    state.answer = a;
    const nodes = await app.locate(a.exposed.map((x) => ({ resource: x.resource, ip: x.ip })));
    state.nodes = nodes;
    const [origin] = state.from === 'internet' ? ['internet'] : await app.locate([{ resource: 'onPremises' }]);
    if (result !== out) return;
    const marks = new Map<string, Mark>();
    const edges: OverlayEdge[] = [];
    const badges = new Map<string, Set<string>>();
    a.exposed.forEach((x, i) => {
      const id = nodes[i];
      if (!id) return;
      const set = badges.get(id) ?? new Set<string>();
      for (const p of x.allowed) set.add(portsText(p));
      badges.set(id, set);
    });
    for (const [id, set] of badges) {
      const text = [...set].join('; ');
      marks.set(id, { cls: 'exposed', badge: `⚠ ${text.length > 40 ? text.slice(0, 38) + '…' : text}` });
      if (origin && origin !== id) edges.push({ source: origin, target: id, label: text.length > 24 ? text.slice(0, 22) + '…' : text, cls: 'exposure' });
    }
    if (origin) marks.set(origin, { cls: 'on-path' });
    state.layer = { marks, edges };
    window.__ztpath = { ...window.__ztpath, exposedNodes: [...badges.keys()] };
    app.graph.setLayer({ ...state.layer, dimOthers: true });
    app.graph.fit();
    out.appendChild(renderExposure(a, state.from, (x, i) => void focus(x, i)));
  };

  const focus = async (_x: ExposedItem, i: number) => {
    const id = state.nodes[i];
    if (!id) return;
    await app.graph.reveal([id]);
    if (state.layer) app.graph.setLayer({ ...state.layer, dimOthers: true });
    app.graph.focus([id]);
  };

  return {
    name: 'exposure',
    title: 'Exposure',
    async enter(p) {
      if (!app.meta.features.exposure) {
        p.appendChild(notAvailable('Exposure', 'This version of ztpath core has no exposure analysis yet (computeExposure).'));
        app.graph.setLayer(null);
        return;
      }
      const select = el('select', { data: { testid: 'exposure-from' } }, el('option', { attrs: { value: 'internet' } }, 'the internet'), el('option', { attrs: { value: 'onprem' } }, 'on-premises'));
      select.value = state.from;
      select.addEventListener('change', () => {
        state.from = select.value === 'onprem' ? 'onprem' : 'internet';
        void load();
      });
      result = el('div', { data: { testid: 'exposure-result' } });
      p.append(el('h2', null, 'Exposure'), el('label', { class: 'inline' }, 'What can be reached from ', select), result);
      if (state.answer && state.layer) {
        app.graph.setLayer({ ...state.layer, dimOthers: true });
        app.graph.fit();
        result.appendChild(renderExposure(state.answer, state.from, (x, i) => void focus(x, i)));
      } else await load();
    },
    leave() {
      result = undefined;
    },
  };
}

function renderExposure(a: ExposureAnswer, from: string, pick: (x: ExposedItem, i: number) => void): HTMLElement {
  const root = el('div', null);
  root.appendChild(el('div', { class: `verdict ${a.exposed.length ? 'blocked' : 'ok'}` }, el('strong', null, `${a.exposed.length}`), ` exposed entr${a.exposed.length === 1 ? 'y' : 'ies'} reachable from ${from === 'internet' ? 'the internet' : 'on-premises'}.`));
  const list = el('ul', { class: 'exposed', data: { testid: 'exposure-list' } });
  a.exposed.forEach((x, i) => {
    const entry = x.entry;
    list.appendChild(
      el(
        'li',
        { class: 'clickable', data: { resource: x.resource }, on: { click: () => pick(x, i) } },
        el('div', null, el('strong', null, x.name), el('span', { class: 'muted' }, ` ${x.ip ?? ''} ${x.subnet ?? ''} [${x.kind}]`)),
        el('div', { class: 'muted' }, `via ${entry.via} ${entry.name}${entry.publicIp ? ` ${entry.publicIp}` : ''}${entry.frontendPortRange !== undefined ? `:${entry.frontendPortRange}` : entry.frontendPort !== undefined ? `:${entry.frontendPort}` : ''}${entry.backendPort !== undefined && entry.backendPort !== entry.frontendPort ? ` -> ${entry.backendPort}` : ''}`),
        el('ul', null, ...x.allowed.map((p) => el('li', { class: 'exposed-ports' }, `${portsText(p)} from ${p.anySource ? 'anywhere' : p.sources.slice(0, 4).join(', ') + (p.sources.length > 4 ? ', ...' : '')}`))),
      ),
    );
  });
  root.appendChild(list);
  if (a.caveats.length) root.appendChild(section('Caveats', el('ul', { class: 'caveats' }, ...a.caveats.map((c) => el('li', null, c.message)))));
  return root;
}
