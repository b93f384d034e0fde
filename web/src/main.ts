// The web view's entry: picks the backend (the server's API, or the report's embedded answers and
// engine), draws the topology, and switches between the views.

import './style.css';
import { type Backend, HttpBackend, LocalBackend, type LocateItem, type MetaAnswer, type SearchResult, type TopologyAnswer } from './api.ts';
import type { App, View, ViewName } from './app.ts';
import { $, clear, el } from './dom.ts';
import { Graph } from './graph.ts';
import { blastView } from './views/blast.ts';
import { exposureView } from './views/exposure.ts';
import { findingsView } from './views/findings.ts';
import { matrixView } from './views/matrix.ts';
import { topologyView } from './views/topology.ts';
import { traceView } from './views/trace.ts';
import { whatifView } from './views/whatif.ts';

// Milestones of the first screen, in ms since navigation start (performance.now()'s origin):
// read by the scale test and the first-screen measurement script.
const timings: Record<string, number> = { scriptStart: Math.round(performance.now()) };
const mark = (name: string) => (timings[name] = Math.round(performance.now()));

const statusText = $('#status-text');
const panel = $('#panel');

function status(text: string, tone: 'info' | 'error' | 'busy' = 'info'): void {
  statusText.textContent = text;
  statusText.className = tone;
}

function jsonScript(id: string): unknown {
  const e = document.getElementById(id);
  return e ? JSON.parse(e.textContent ?? 'null') : undefined;
}

function pickBackend(): Backend {
  const answers = jsonScript('ztpath-answers');
  if (answers && typeof answers === 'object') {
    let before = '';
    return new LocalBackend(
      answers as Record<string, unknown>,
      () => jsonScript('ztpath-inputs'),
      (busy) => {
        document.documentElement.dataset.busy = busy ? '1' : '';
        if (busy && statusText.className !== 'busy') {
          before = statusText.textContent ?? '';
          status('computing in the page (this report carries the engine)...', 'busy');
        } else if (!busy && statusText.className === 'busy') status(before);
      },
    );
  }
  let before = '';
  return new HttpBackend((what) => {
    document.documentElement.dataset.busy = what.length ? '1' : '';
    if (what.length) {
      if (statusText.className !== 'busy') before = statusText.textContent ?? '';
      status(`computing ${what.join(', ')} on the server...`, 'busy');
    } else if (statusText.className === 'busy') status(before);
  });
}

function parseHash(): { view: ViewName; params: URLSearchParams } {
  const h = location.hash.replace(/^#/, '');
  const [first, ...rest] = h.split('&');
  const views: ViewName[] = ['topology', 'trace', 'blast', 'exposure', 'findings', 'matrix', 'whatif'];
  const view = views.includes(first as ViewName) ? (first as ViewName) : 'topology';
  return { view, params: new URLSearchParams(rest.join('&')) };
}

async function start(): Promise<void> {
  const backend = pickBackend();
  const [meta, topo] = await Promise.all([backend.get<MetaAnswer>('/api/meta'), backend.get<TopologyAnswer>('/api/topology')]);
  mark('dataLoaded');
  if (!meta.ok || !topo.ok) {
    status(`Cannot load the estate: ${!meta.ok ? meta.error : !topo.ok ? topo.error : ''}`, 'error');
    return;
  }
  document.title = `ztpath — ${meta.body.title}`;
  $('#estate-title').textContent = meta.body.title;
  $('#mode').textContent =
    backend.mode === 'report' ? `report · offline · ztpath ${meta.body.version}` : `served on ${location.host} (this machine only) · ztpath ${meta.body.version}`;
  const graph = new Graph($('#graph'), backend, topo.body);
  mark('graphCreated');
  graph.onError = (m) => status(m, 'error');

  const locateCache = new Map<string, string | null>();
  let current: ViewName = 'topology';
  const tooltip = $('#tooltip');

  const app: App = {
    backend,
    graph,
    meta: meta.body,
    current: () => current,
    show: (v, params) => show(v, new URLSearchParams(params ?? {})),
    status,
    async locate(items: LocateItem[]) {
      const key = (i: LocateItem) => `${i.resource ?? ''}|${i.ip ?? ''}|${i.name ?? ''}`;
      const missing = items.filter((i) => !locateCache.has(key(i)));
      if (missing.length) {
        const r = await backend.post<{ nodes: (string | null)[] }>('/api/locate', { items: missing });
        if (r.ok) missing.forEach((i, k) => locateCache.set(key(i), r.body.nodes[k] ?? null));
        else status(r.error, 'error');
      }
      return items.map((i) => locateCache.get(key(i)) ?? null);
    },
    async select(id: string) {
      await graph.reveal([id]);
      if (current !== 'topology') await show('topology', new URLSearchParams());
      graph.focus([id]);
      await views.topology.onNodeTap?.(id);
    },
    tooltip(lines, x = 0, y = 0) {
      if (!lines) {
        tooltip.hidden = true;
        return;
      }
      clear(tooltip);
      for (const l of lines) tooltip.appendChild(el('div', null, l));
      tooltip.style.left = `${Math.round(x + 16)}px`;
      tooltip.style.top = `${Math.round(y + 8)}px`;
      tooltip.hidden = false;
    },
  };

  const views: Record<ViewName, View> = {
    topology: topologyView(app),
    trace: traceView(app),
    blast: blastView(app),
    exposure: exposureView(app),
    findings: findingsView(app),
    matrix: matrixView(app),
    whatif: whatifView(app),
  };

  const tabs = document.querySelectorAll<HTMLButtonElement>('#tabs button');
  const available: Record<ViewName, boolean> = {
    topology: true,
    trace: true,
    blast: meta.body.features.blast,
    exposure: meta.body.features.exposure,
    findings: meta.body.features.findings,
    matrix: meta.body.features.matrix,
    whatif: meta.body.features.whatif,
  };
  tabs.forEach((b) => {
    const v = b.dataset.view as ViewName;
    if (!available[v]) {
      b.classList.add('na');
      b.title = 'not available (see the panel)';
    }
    b.addEventListener('click', () => void show(v, new URLSearchParams()));
  });

  // Switching views never waits for a view's question: a view that is left drops its answer when
  // it arrives (the views check that they are still shown), so a long blast radius or matrix does
  // not hold the page.
  let shown = 0;
  async function show(v: ViewName, params: URLSearchParams): Promise<void> {
    const mine = ++shown;
    views[current].leave?.();
    current = v;
    clear(panel);
    tooltip.hidden = true;
    tabs.forEach((b) => b.classList.toggle('on', b.dataset.view === v));
    const matrix = $('#matrix');
    matrix.hidden = !views[v].replacesGraph;
    $('#graph').style.visibility = views[v].replacesGraph ? 'hidden' : 'visible';
    $('#graph-tools').hidden = !!views[v].replacesGraph;
    if (location.hash.replace(/^#/, '').split('&')[0] !== v) history.replaceState(null, '', `#${v}`);
    document.documentElement.dataset.view = v;
    delete document.documentElement.dataset.viewReady;
    await views[v].enter(panel, params);
    if (mine === shown) document.documentElement.dataset.viewReady = v;
  }

  graph.onTap = (id) => {
    if (!id) return;
    void (async () => {
      const v = views[current];
      const handled = v.onNodeTap ? await v.onNodeTap(id) : false;
      if (handled) return;
      const n = graph.node(id);
      if (n?.kind === 'vnet' && !n.parent && !graph.isExpanded(id)) {
        await graph.expand(id);
        return;
      }
      await app.select(id);
    })();
  };
  graph.onHover = (id, x, y) => views[current].onHover?.(id, x, y);
  $('#fit').addEventListener('click', () => graph.fit());

  // search
  const search = $('#search') as HTMLInputElement;
  const results = $('#search-results');
  let seq = 0;
  let lastResults: SearchResult[] = [];
  const pick = async (r: SearchResult) => {
    results.hidden = true;
    search.value = r.label;
    await graph.reveal([r.node]);
    graph.focus([r.node]);
    if (views[current].onSearchPick?.(r)) return;
    await app.select(r.node);
  };
  const runSearch = async () => {
    const q = search.value.trim();
    const mine = ++seq;
    if (!q) {
      results.hidden = true;
      return;
    }
    const r = await backend.get<{ results: SearchResult[] }>('/api/search', { q });
    if (mine !== seq) return;
    clear(results);
    lastResults = r.ok ? r.body.results : [];
    if (!lastResults.length) results.appendChild(el('li', { class: 'muted' }, r.ok ? 'nothing found' : r.error));
    for (const x of lastResults)
      results.appendChild(el('li', { class: 'clickable', data: { node: x.node }, on: { mousedown: (e) => (e.preventDefault(), void pick(x)) } }, el('strong', null, x.label), el('span', { class: 'muted' }, ` ${x.kind} ${x.detail}`)));
    results.hidden = false;
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void runSearch(), 150);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void runSearch().then(() => lastResults[0] && pick(lastResults[0]));
    } else if (e.key === 'Escape') results.hidden = true;
  });
  search.addEventListener('blur', () => setTimeout(() => (results.hidden = true), 150));

  // The first screen is ready when cytoscape has drawn it: its first `render` event after the
  // elements are placed (the canvas frame the user sees), not when the elements were added.
  await graph.refresh({ randomize: true });
  mark('laidOut');
  const drawn = new Promise<void>((resolve) => graph.cy.one('render', () => resolve()));
  graph.cy.forceRender();
  await drawn;
  const renderMs = mark('rendered');
  const c = topo.body.counts;
  status(`${c.vnets} VNets · ${c.subnets} subnets · ${c.endpoints} endpoints${topo.body.grouped ? ` (${c.groups} groups of equivalent NICs)` : ''}`);
  window.__ztpath = { cy: graph.cy, graph, app, renderMs, timings, ready: true };
  document.documentElement.dataset.ready = 'true';
  const initial = parseHash();
  await show(initial.view, initial.params);
  window.addEventListener('hashchange', () => {
    const h = parseHash();
    if (h.view !== current || [...h.params].length) void show(h.view, h.params);
  });
}

window.addEventListener('error', (e) => status(`error: ${e.message}`, 'error'));
start().catch((e: unknown) => status(`error: ${e instanceof Error ? e.message : String(e)}`, 'error'));
