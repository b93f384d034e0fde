// Findings: the zero-trust findings of the estate (`ztpath findings --json`); each one focuses the
// graph on its resource.

import type { Finding, FindingsAnswer } from '../api.ts';
import type { App, View } from '../app.ts';
import { clear, el, notAvailable, section } from '../dom.ts';
import type { Mark } from '../graph.ts';

export function findingsView(app: App): View {
  const state = { answer: undefined as FindingsAnswer | undefined, severity: 'all', nodes: [] as (string | null)[] };
  let result: HTMLElement | undefined;

  const marksFor = (only?: string): Map<string, Mark> => {
    const m = new Map<string, Mark>();
    for (const id of state.nodes) if (id && (!only || id === only)) m.set(id, { cls: 'finding' });
    return m;
  };

  const focus = async (f: Finding, i: number) => {
    const id = state.nodes[i];
    if (!id) {
      app.status(`${f.name}: not drawn on the topology`, 'info');
      return;
    }
    await app.graph.reveal([id]);
    const marks = marksFor();
    marks.set(id, { cls: 'exposed', badge: f.id });
    app.graph.setLayer({ marks, edges: [], dimOthers: true });
    app.graph.focus([id]);
  };

  const render = () => {
    if (!result || !state.answer) return;
    clear(result);
    const a = state.answer;
    const counts = el('div', { class: 'sev-filter' });
    for (const s of ['all', 'high', 'medium', 'low', 'info']) {
      const n = s === 'all' ? a.findings.length : a.counts[s as keyof FindingsAnswer['counts']] ?? 0;
      counts.appendChild(el('button', { class: `small sev-${s}${state.severity === s ? ' on' : ''}`, on: { click: () => ((state.severity = s), render()) } }, `${s} ${n}`));
    }
    result.appendChild(counts);
    const list = el('ul', { class: 'findings', data: { testid: 'findings-list' } });
    a.findings.forEach((f, i) => {
      if (state.severity !== 'all' && f.severity !== state.severity) return;
      const body = el('div', { class: 'finding-body' }, el('p', null, f.message), el('p', { class: 'muted' }, `Fix: ${f.fix}`));
      if (f.evidence.flow) body.appendChild(el('p', { class: 'muted' }, `Example: ${f.evidence.flow.src} -> ${f.evidence.flow.dst} ${f.evidence.flow.protocol}${f.evidence.flow.dstPort !== undefined ? `/${f.evidence.flow.dstPort}` : ''}${f.evidence.disposition ? ` (${f.evidence.disposition})` : ''}`));
      if (f.evidence.path?.length) body.appendChild(el('p', { class: 'muted' }, `Path: ${f.evidence.path.join(' -> ')}`));
      list.appendChild(
        el(
          'li',
          { class: `finding clickable sev-${f.severity}`, data: { id: f.id, resource: f.resource }, on: { click: () => void focus(f, i) } },
          el('div', null, el('span', { class: 'sev' }, f.severity), el('strong', null, ` ${f.title}`)),
          el('div', { class: 'muted' }, `${f.id} · ${f.name}`),
          body,
        ),
      );
    });
    result.appendChild(list);
    if (a.notes.length) result.appendChild(section('Notes', el('ul', null, ...a.notes.map((n) => el('li', null, n)))));
    if (a.caveats.length) result.appendChild(section('Caveats', el('ul', { class: 'caveats' }, ...a.caveats.map((c) => el('li', null, c.message)))));
  };

  const load = async () => {
    if (!result) return;
    const out = result;
    clear(out);
    out.appendChild(el('p', { class: 'muted' }, 'Computing the findings...'));
    const r = await app.backend.get<FindingsAnswer>('/api/findings');
    // The user left the view (or asked again) while this was computed: drop it.
    if (result !== out) return;
    if (!r.ok) {
      clear(out);
      out.appendChild(el('p', { class: 'error' }, r.error));
      return;
    }
    const nodes = await app.locate(r.body.findings.map((f) => ({ resource: f.resource })));
    state.answer = r.body;
    state.nodes = nodes;
    if (result !== out) return;
    app.graph.setLayer({ marks: marksFor(), edges: [], dimOthers: false });
    app.graph.fit();
    window.__ztpath = { ...window.__ztpath, findingNodes: state.nodes };
    render();
  };

  return {
    name: 'findings',
    title: 'Findings',
    async enter(p) {
      if (!app.meta.features.findings) {
        p.appendChild(notAvailable('Findings', 'This version of ztpath core has no findings yet (computeFindings).'));
        app.graph.setLayer(null);
        return;
      }
      result = el('div', { data: { testid: 'findings-result' } });
      p.append(el('h2', null, 'Zero-trust findings'), el('p', { class: 'muted' }, 'Click a finding to see its resource on the graph.'), result);
      if (state.answer) {
        app.graph.setLayer({ marks: marksFor(), edges: [], dimOthers: false });
        app.graph.fit();
        render();
      } else await load();
    },
    leave() {
      result = undefined;
    },
  };
}
