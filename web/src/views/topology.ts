// Topology: the estate as compound nodes; clicking a node shows its details (NSGs and their
// rules, effective routes, public IPs, findings), with shortcuts to trace and blast from it.

import type { NodeDetails } from '../api.ts';
import type { App, View } from '../app.ts';
import { clear, el, section, table } from '../dom.ts';

const KINDS: [string, string][] = [
  ['vnet', 'VNet (click to expand or collapse)'],
  ['subnet', 'subnet'],
  ['nic', 'network interface'],
  ['nicGroup', 'group of equivalent NICs'],
  ['appliance', 'virtual appliance (IP forwarding)'],
  ['privateEndpoint', 'private endpoint'],
  ['loadBalancer', 'load balancer / application gateway'],
  ['firewall', 'Azure Firewall'],
  ['gateway', 'VPN / ExpressRoute gateway'],
  ['storage', 'storage account'],
  ['onPremises', 'on-premises (local network gateway)'],
  ['internet', 'the internet'],
];

export function legend(): HTMLElement {
  return el('ul', { class: 'legend' }, ...KINDS.map(([k, text]) => el('li', null, el('span', { class: `swatch kind-${k}` }), text)));
}

export function topologyView(app: App): View {
  let panel: HTMLElement | undefined;
  let selected: string | undefined;

  const intro = () => {
    const m = app.meta;
    const c = m.counts;
    return el(
      'div',
      null,
      el('h2', null, 'Topology'),
      el('p', null, `${c.vnets} VNets, ${c.subnets} subnets, ${c.endpoints} endpoints (${c.nics} NICs${c.groups ? `, shown as ${c.groups} groups of NICs that no rule tells apart` : ''}).`),
      app.graph.collapsedMode ? el('p', null, 'This estate is large: every VNet is one node. Click a VNet to open it.') : null,
      el('p', { class: 'muted' }, 'Click a node for its NSGs and rules, effective routes, public IPs and findings. Search by name, IP or resource id above.'),
      legend(),
      m.diagnostics.errors || m.diagnostics.warnings ? el('p', { class: 'muted' }, `The input had ${m.diagnostics.errors} errors and ${m.diagnostics.warnings} warnings (see \`ztpath summary\`).`) : null,
      el('p', { class: 'muted' }, `Service tags: ${m.serviceTags}.`),
    );
  };

  const render = async (id: string) => {
    if (!panel) return;
    const p = panel;
    const r = await app.backend.get<NodeDetails>(`/api/node/${encodeURIComponent(id)}`);
    if (selected !== id || panel !== p) return;
    clear(p);
    if (!r.ok) {
      p.appendChild(el('p', { class: 'error' }, r.error));
      return;
    }
    p.appendChild(renderDetails(app, r.body));
  };

  return {
    name: 'topology',
    title: 'Topology',
    enter(p) {
      panel = p;
      app.graph.setLayer(null);
      if (selected && app.graph.node(selected)) void render(selected);
      else p.appendChild(intro());
    },
    leave() {
      panel = undefined;
    },
    async onNodeTap(id) {
      const n = app.graph.node(id);
      if (n?.kind === 'vnet' && !n.parent) {
        if (!app.graph.isExpanded(id)) await app.graph.expand(id);
      }
      selected = id;
      await render(id);
      return true;
    },
  };
}

export function renderDetails(app: App, d: NodeDetails): HTMLElement {
  const n = d.node;
  const root = el('div', { class: 'details', data: { testid: 'details', node: n.id } });
  root.appendChild(el('h2', null, d.title));
  root.appendChild(el('p', { class: 'subtitle' }, d.subtitle));
  const actions = el('div', { class: 'actions' });
  if (n.ref) {
    actions.appendChild(el('button', { on: { click: () => void app.show('trace', { from: `@${n.id}`, fromLabel: n.label }) } }, 'Trace from here'));
    actions.appendChild(el('button', { on: { click: () => void app.show('trace', { to: `@${n.id}`, toLabel: n.label }) } }, 'Trace to here'));
    if (n.kind === 'nic' || n.kind === 'nicGroup' || n.kind === 'appliance' || n.kind === 'subnet')
      actions.appendChild(el('button', { on: { click: () => void app.show('blast', { from: `@${n.id}`, fromLabel: n.label }) } }, 'Blast radius'));
  }
  if (n.kind === 'vnet' && !n.parent) {
    const expanded = app.graph.isExpanded(n.id);
    actions.appendChild(
      el('button', { on: { click: () => void (expanded ? app.graph.collapse(n.id) : app.graph.expand(n.id)).then(() => app.select(n.id)) } }, expanded ? 'Collapse VNet' : 'Expand VNet'),
    );
  }
  if (actions.childNodes.length) root.appendChild(actions);
  const dl = el('dl', { class: 'facts' });
  for (const f of d.facts) dl.append(el('dt', null, f.label), el('dd', null, f.value));
  root.appendChild(dl);

  if (d.members?.length) {
    const list = el('ul', { class: 'members' });
    for (const m of d.members.slice(0, 300))
      list.appendChild(
        el(
          'li',
          null,
          el('span', null, `${m.name} `),
          el('span', { class: 'muted' }, m.ip),
          el('button', { class: 'small', title: 'trace from this NIC', on: { click: () => void app.show('trace', { from: m.ref, fromLabel: m.name }) } }, 'from'),
          el('button', { class: 'small', title: 'trace to this NIC', on: { click: () => void app.show('trace', { to: m.ref, toLabel: m.name }) } }, 'to'),
        ),
      );
    root.appendChild(section(`Members (${d.members.length})`, el('p', { class: 'muted' }, 'No NSG rule, route, tag or entry point tells these apart: answers for one hold for all.'), list));
  }

  const findings = el('div');
  if (d.findings === null) findings.appendChild(el('p', { class: 'muted' }, d.findingsNote ?? 'Findings are not computed yet.'));
  else if (!d.findings.length) findings.appendChild(el('p', { class: 'muted' }, 'No finding about this resource.'));
  else
    for (const f of d.findings)
      findings.appendChild(el('div', { class: `finding sev-${f.severity}` }, el('span', { class: 'sev' }, f.severity), el('strong', null, ` ${f.id} `), f.title, el('p', null, f.message), f.fix ? el('p', { class: 'muted' }, `Fix: ${f.fix}`) : null));
  root.appendChild(section('Findings', findings));

  for (const t of d.tables) {
    const box = el('details', { class: 'table-box' }, el('summary', null, `${t.title} (${t.rows.length})`), t.note ? el('p', { class: 'muted' }, t.note) : null, table(t.columns, t.rows));
    if (/^NSG|^Public IP|^Effective routes/.test(t.title) && t.rows.length <= 40) box.open = true;
    root.appendChild(box);
  }
  if (d.caveats.length) root.appendChild(section('Caveats', el('ul', { class: 'caveats' }, ...d.caveats.map((c) => el('li', null, c.message)))));
  return root;
}
