// Trace: pick a source and a destination (click a node, search, or type a REF), a protocol and a
// port; the answer is core's trace (the object `ztpath trace --json` prints). The path is drawn
// hop by hop on the graph and listed step by step; a blocked flow shows where and why.

import type { SearchResult, Trace } from '../api.ts';
import type { App, View } from '../app.ts';
import { clear, el, section } from '../dom.ts';
import type { Mark, OverlayEdge } from '../graph.ts';
import { flowText, short, stepText, stepTone } from '../format.ts';

interface Pick {
  text: string;
  /** What the API gets: `@NODE`, a resource id, an address, or what the user typed. */
  ref: string;
}

export function traceView(app: App): View {
  const state = {
    from: { text: '', ref: '' } as Pick,
    to: { text: '', ref: '' } as Pick,
    active: 'from' as 'from' | 'to',
    protocol: 'Tcp',
    port: '443',
    viaPublicIp: false,
    last: undefined as Trace | undefined,
    layer: undefined as { marks: Map<string, Mark>; edges: OverlayEdge[] } | undefined,
  };
  let result: HTMLElement | undefined;
  let inputs: { from: HTMLInputElement; to: HTMLInputElement; protocol: HTMLSelectElement; port: HTMLInputElement; via: HTMLInputElement } | undefined;

  const setPick = (which: 'from' | 'to', p: Pick) => {
    state[which] = p;
    if (inputs) inputs[which].value = p.text;
    // From the internet, a newcomer means "through its public IP": preset it (it can be unticked).
    if (which === 'from' && /^(@?internet)$/i.test(p.ref.trim())) {
      state.viaPublicIp = true;
      if (inputs) inputs.via.checked = true;
    }
  };

  const activate = (which: 'from' | 'to') => {
    state.active = which;
    inputs?.from.classList.toggle('active', which === 'from');
    inputs?.to.classList.toggle('active', which === 'to');
  };

  const form = () => {
    const from = el('input', { attrs: { type: 'text', placeholder: 'click a node, search, or type a name, IP or "internet"', 'aria-label': 'from' }, data: { testid: 'trace-from' } });
    const to = el('input', { attrs: { type: 'text', placeholder: 'click a node, search, or type a name or IP', 'aria-label': 'to' }, data: { testid: 'trace-to' } });
    const protocol = el('select', { data: { testid: 'trace-protocol' } }, ...['Tcp', 'Udp', 'Icmp'].map((p) => el('option', { attrs: { value: p } }, p)));
    const port = el('input', { attrs: { type: 'number', min: '0', max: '65535', 'aria-label': 'port' }, data: { testid: 'trace-port' } });
    const via = el('input', { attrs: { type: 'checkbox' }, data: { testid: 'trace-via-public-ip' } });
    inputs = { from, to, protocol, port, via };
    from.value = state.from.text;
    to.value = state.to.text;
    protocol.value = state.protocol;
    port.value = state.port;
    via.checked = state.viaPublicIp;
    from.addEventListener('focus', () => activate('from'));
    to.addEventListener('focus', () => activate('to'));
    from.addEventListener('change', () => setPick('from', { text: from.value, ref: from.value }));
    from.addEventListener('input', () => (state.from = { text: from.value, ref: from.value }));
    to.addEventListener('input', () => (state.to = { text: to.value, ref: to.value }));
    protocol.addEventListener('change', () => {
      state.protocol = protocol.value;
      port.disabled = protocol.value === 'Icmp';
    });
    port.addEventListener('input', () => (state.port = port.value));
    via.addEventListener('change', () => (state.viaPublicIp = via.checked));
    const swap = el('button', { class: 'small', title: 'swap source and destination', on: { click: (e) => (e.preventDefault(), swapEnds()) } }, '⇅');
    const f = el(
      'form',
      { class: 'trace-form', on: { submit: (e) => (e.preventDefault(), void run()) } },
      el('label', null, 'From', from),
      el('label', null, el('span', { class: 'label-row' }, 'To', swap), to),
      el('div', { class: 'row' }, el('label', null, 'Protocol', protocol), el('label', null, 'Port', port)),
      el('label', { class: 'check', title: 'an outside source addresses the public entry points (public IP, load balancer, application gateway, firewall DNAT)' }, via, ' via the public IP (for sources outside)'),
      el('button', { attrs: { type: 'submit' }, class: 'primary', data: { testid: 'trace-run' } }, 'Trace'),
    );
    activate(state.active);
    return f;
  };

  const swapEnds = () => {
    const a = state.from;
    setPick('from', state.to);
    setPick('to', a);
  };

  let asked = 0;
  const run = async () => {
    if (!result) return;
    const out = result;
    const mine = ++asked;
    const stale = () => result !== out || mine !== asked;
    clear(out);
    if (!state.from.ref.trim() || !state.to.ref.trim()) {
      out.appendChild(el('p', { class: 'error' }, 'Pick a source and a destination (click nodes, search, or type).'));
      return;
    }
    out.appendChild(el('p', { class: 'muted' }, 'Tracing...'));
    const r = await app.backend.get<Trace>('/api/trace', {
      from: state.from.ref.trim(),
      to: state.to.ref.trim(),
      protocol: state.protocol,
      port: state.protocol === 'Icmp' ? undefined : state.port,
      viaPublicIp: state.viaPublicIp,
    });
    // The user left the view, or asked again, while this was computed: drop it.
    if (stale()) return;
    clear(out);
    if (!r.ok) {
      out.appendChild(el('p', { class: 'error', data: { testid: 'trace-error' } }, r.error));
      const c = (r.body as { candidates?: string[] } | null)?.candidates;
      if (c?.length) out.appendChild(el('ul', { class: 'muted' }, ...c.map((x) => el('li', null, x))));
      state.last = undefined;
      app.graph.setLayer(null);
      return;
    }
    state.last = r.body;
    await draw(r.body, () => !stale());
    if (stale()) return;
    out.appendChild(renderTrace(r.body));
  };

  /** The hops as topology nodes: the path on the graph. */
  const draw = async (t: Trace, current: () => boolean) => {
    const hops = [t.source, ...t.hops];
    const located = await app.locate(hops.map((h) => ({ resource: h.resource, ip: h.ip })));
    const dest = state.to.ref.startsWith('@') ? state.to.ref.slice(1) : (await app.locate([{ resource: state.to.ref, ip: t.flow.dst, name: state.to.ref }]))[0];
    const path: string[] = [];
    for (const id of located) if (id && path[path.length - 1] !== id) path.push(id);
    const ids = [...path, ...(dest ? [dest] : [])];
    if (!current()) return;
    await app.graph.reveal(ids);
    if (!current()) return;
    const marks = new Map<string, Mark>();
    const edges: OverlayEdge[] = [];
    path.forEach((id, i) => marks.set(id, { cls: 'on-path', badge: `#${i}` }));
    const last = path[path.length - 1];
    if (last) marks.set(last, { cls: t.reachable ? 'path-end' : 'path-blocked', badge: t.reachable ? `#${path.length - 1} ${t.disposition}` : `#${path.length - 1} ${t.disposition}` });
    for (let i = 1; i < path.length; i++) edges.push({ source: path[i - 1], target: path[i], label: String(i), cls: 'hop' });
    if (!t.reachable && dest && last && dest !== last) edges.push({ source: last, target: dest, label: '✕', cls: 'hop-blocked' });
    state.layer = { marks, edges };
    app.graph.setLayer({ ...state.layer, dimOthers: false });
    app.graph.focus(ids);
    window.__ztpath = { ...window.__ztpath, tracePath: path };
  };

  return {
    name: 'trace',
    title: 'Trace',
    async enter(p, params) {
      result = el('div', { class: 'trace-result', data: { testid: 'trace-result' } });
      if (params.has('from')) setPick('from', { ref: params.get('from')!, text: params.get('fromLabel') ?? params.get('from')! });
      if (params.has('to')) setPick('to', { ref: params.get('to')!, text: params.get('toLabel') ?? params.get('to')! });
      if (params.has('protocol')) state.protocol = params.get('protocol')!;
      if (params.has('port')) state.port = params.get('port')!;
      if (params.has('viaPublicIp')) state.viaPublicIp = params.get('viaPublicIp') === '1';
      p.append(
        el('h2', null, 'Trace a flow'),
        el('p', { class: 'muted' }, 'Click a node for the source, then one for the destination (or search). Each hop lists the rule or route that decided it.'),
        form(),
        result,
      );
      if (params.has('from') && !params.has('to')) activate('to');
      if (state.from.ref && state.to.ref && (params.has('run') || (params.has('from') && params.has('to')))) await run();
      else if (state.last) {
        result.appendChild(renderTrace(state.last));
        if (state.layer) app.graph.setLayer(state.layer);
      } else app.graph.setLayer(null);
    },
    leave() {
      result = undefined;
      inputs = undefined;
    },
    onNodeTap(id) {
      const n = app.graph.node(id);
      if (!n || n.kind === 'vnet' || n.kind === 'gateway') {
        if (n?.kind === 'vnet' && !app.graph.isExpanded(id)) void app.graph.expand(id);
        return true;
      }
      setPick(state.active, { text: n.label, ref: `@${id}` });
      activate(state.active === 'from' ? 'to' : 'from');
      return true;
    },
    onSearchPick(r: SearchResult) {
      setPick(state.active, { text: r.label.replace(/ \(in a group of \d+\)$/, ''), ref: r.ref ?? `@${r.node}` });
      activate(state.active === 'from' ? 'to' : 'from');
      return true;
    },
  };
}

export function renderTrace(t: Trace): HTMLElement {
  const root = el('div', null);
  root.appendChild(
    el('div', { class: `verdict ${t.reachable ? 'ok' : 'blocked'}`, data: { testid: 'trace-verdict' } }, el('strong', null, t.disposition), ` ${flowText(t)}`),
  );
  if (t.stoppedBy) {
    const s = t.stoppedBy;
    const parts = [`stage: ${s.stage}`, s.nsg ? `NSG ${short(s.nsg)}` : '', s.rule ? `rule ${s.rule}` : '', s.route ? `route ${s.route}` : '', s.nextHopType ? `next hop ${s.nextHopType}` : '', s.resource ? `at ${short(s.resource)}` : ''].filter(Boolean);
    root.appendChild(
      el('div', { class: 'stopped', data: { testid: 'trace-stopped' } }, el('strong', null, 'Blocked: '), parts.join(', '), s.detail ? el('p', null, s.detail) : null, s.fix ? el('p', null, `To allow it: ${s.fix}`) : null),
    );
  }
  const list = el('ol', { class: 'hops', data: { testid: 'trace-hops' }, attrs: { start: '0' } });
  [t.source, ...t.hops].forEach((h, i) => {
    const steps = el('ul', { class: 'steps' }, ...h.steps.map((s) => el('li', { class: `step ${stepTone(s)}` }, stepText(s))));
    list.appendChild(
      el(
        'li',
        { class: 'hop', data: { resource: h.resource, ip: h.ip, kind: h.kind, index: String(i) } },
        el('div', { class: 'hop-head' }, el('strong', null, h.name), el('span', { class: 'muted' }, ` ${h.ip} [${h.kind}]${i === 0 ? ' source' : ''}`)),
        steps,
      ),
    );
  });
  root.appendChild(list);
  if (t.allowedBy.length)
    root.appendChild(
      section(
        'Allowed by',
        el('ul', null, ...t.allowedBy.map((a) => el('li', null, 'nsg' in a ? `NSG ${short(a.nsg)} ${a.rule} (${a.side})` : 'firewall' in a ? `firewall ${short(a.firewall)} ${a.rule}${a.ruleCollection ? ` (${a.ruleCollection})` : ''}` : `PaaS firewall ${short(a.paasFirewall)} ${a.rule}`))),
      ),
    );
  if (t.caveats.length) root.appendChild(section('Caveats', el('ul', { class: 'caveats' }, ...t.caveats.map((c) => el('li', null, c.message)))));
  return root;
}
