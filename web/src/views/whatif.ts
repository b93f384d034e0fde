// What-if: the snapshot before and after a change (`ztpath serve PATHS --change FILE`), both
// loaded; flows newly allowed are drawn in green, newly blocked in red (`ztpath whatif --json`).

import type { FlowChange, WhatIfAnswer } from '../api.ts';
import type { App, View } from '../app.ts';
import { clear, el, notAvailable, section } from '../dom.ts';
import type { Mark, OverlayEdge } from '../graph.ts';

function flowLine(x: FlowChange): string {
  return `${x.from} → ${x.to}: ${x.protocol}${x.ports.length ? ` ${x.ports.join(', ')}` : ''}${x.via ? ` via ${x.via}` : ''}`;
}

export function whatifView(app: App): View {
  const state = { answer: undefined as WhatIfAnswer | undefined, layer: undefined as { marks: Map<string, Mark>; edges: OverlayEdge[] } | undefined };
  let result: HTMLElement | undefined;

  const partyItem = (p: FlowChange['fromRef']) => ({ resource: p.kind === 'internet' ? 'internet' : p.kind === 'onPremises' ? 'onPremises' : p.id, ip: p.ips?.[0], name: p.name });

  const load = async () => {
    if (!result) return;
    const out = result;
    clear(out);
    out.appendChild(el('p', { class: 'muted' }, 'Comparing before and after...'));
    const r = await app.backend.get<WhatIfAnswer>('/api/whatif');
    // The user left the view (or asked again) while this was computed: drop it.
    if (result !== out) return;
    clear(out);
    if (!r.ok) {
      out.appendChild(el('p', { class: 'error' }, r.error));
      return;
    }
    const a = r.body;
    state.answer = a;
    const all = [...a.newlyAllowed.map((x) => ({ x, cls: 'newly-allowed' })), ...a.newlyBlocked.map((x) => ({ x, cls: 'newly-blocked' }))];
    const nodes = await app.locate(all.flatMap(({ x }) => [partyItem(x.fromRef), partyItem(x.toRef)]));
    if (result !== out) return;
    const marks = new Map<string, Mark>();
    const edges: OverlayEdge[] = [];
    all.forEach(({ x, cls }, i) => {
      const a = nodes[2 * i];
      const b = nodes[2 * i + 1];
      if (!a || !b) return;
      edges.push({ source: a, target: b, label: `${x.protocol}${x.ports.length ? ' ' + x.ports.slice(0, 3).join(',') : ''}`, cls });
      const m = cls === 'newly-allowed' ? 'changed-allowed' : 'changed-blocked';
      if (!marks.has(a)) marks.set(a, { cls: m });
      marks.set(b, { cls: m });
    });
    await app.graph.reveal([...marks.keys()]);
    if (result !== out) return;
    state.layer = { marks, edges };
    window.__ztpath = { ...window.__ztpath, whatifEdges: edges.length };
    app.graph.setLayer({ ...state.layer, dimOthers: true });
    app.graph.fit();
    out.appendChild(render(a));
  };

  const render = (a: WhatIfAnswer) => {
    const root = el('div', null);
    // Too many pairs to compare every one (core's whatif.too-large): empty lists mean "not compared", not "none".
    const compared = a.stats.flowsCompared !== false;
    const verdict = compared ? `${a.newlyAllowed.length} newly allowed, ${a.newlyBlocked.length} newly blocked, ${a.changes.length} changed resources.` : `Flows and internet exposure not compared (too many pairs: see the caveats); ${a.changes.length} changed resources.`;
    root.appendChild(el('div', { class: compared ? 'verdict whatif' : 'verdict whatif warn', data: { testid: 'whatif-verdict' } }, verdict));
    root.appendChild(section('Changed resources', el('ul', null, ...a.changes.map((c) => el('li', null, `${c.change === 'added' ? '+' : c.change === 'removed' ? '−' : '~'} ${c.name} (${c.collection})${c.details.length ? ': ' + c.details.slice(0, 4).join(', ') : ''}`)))));
    root.appendChild(section('Newly allowed', el('ul', { class: 'changes allowed', data: { testid: 'whatif-allowed' } }, ...a.newlyAllowed.map((x) => el('li', null, flowLine(x))))));
    root.appendChild(section('Newly blocked', el('ul', { class: 'changes blocked', data: { testid: 'whatif-blocked' } }, ...a.newlyBlocked.map((x) => el('li', null, flowLine(x))))));
    if (a.exposure.added.length || a.exposure.removed.length)
      root.appendChild(section('Internet exposure', el('ul', null, ...a.exposure.added.map((e) => el('li', { class: 'warn' }, `+ ${e.name} ${e.protocol} ${e.ports.join(', ')}`)), ...a.exposure.removed.map((e) => el('li', null, `− ${e.name} ${e.protocol} ${e.ports.join(', ')}`)))));
    if (a.findings.added.length || a.findings.resolved.length)
      root.appendChild(section('Findings', el('ul', null, ...a.findings.added.map((f) => el('li', { class: 'warn' }, `+ ${f.id} ${f.name ?? ''}: ${f.message}`)), ...a.findings.resolved.map((f) => el('li', null, `resolved ${f.id} ${f.name ?? ''}`)))));
    if (a.caveats.length) root.appendChild(section('Caveats', el('ul', { class: 'caveats' }, ...a.caveats.map((c) => el('li', null, c.message)))));
    return root;
  };

  return {
    name: 'whatif',
    title: 'What-if',
    async enter(p) {
      if (!app.meta.features.whatif) {
        p.appendChild(notAvailable('What-if', app.meta.whatifNote ?? 'start ztpath serve with --change FILE'));
        app.graph.setLayer(null);
        return;
      }
      result = el('div', { data: { testid: 'whatif-result' } });
      p.append(el('h2', null, 'What-if'), el('p', { class: 'muted' }, 'Green: flows the change opens. Red: flows it closes.'));
      // What reading the change file found (a change Azure would refuse), as `ztpath whatif` prints it.
      const notes = app.meta.whatifDiagnostics ?? [];
      if (notes.length) p.appendChild(el('div', { class: 'verdict whatif warn', data: { testid: 'whatif-diagnostics' } }, el('p', null, 'The change file:'), el('ul', null, ...notes.map((n) => el('li', null, n)))));
      p.appendChild(result);
      if (state.answer && state.layer) {
        app.graph.setLayer({ ...state.layer, dimOthers: true });
        app.graph.fit();
        result.appendChild(render(state.answer));
      } else await load();
    },
    leave() {
      result = undefined;
    },
  };
}
