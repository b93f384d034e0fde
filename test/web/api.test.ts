// The web view's API on the sample estate: the answers are the objects the CLI's --json prints,
// the topology has the sample's VNets and subnets, and search, locate and details find what a
// user looks for. No browser, no server: WebData answers in-process (as in the report's page).

import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../core/index.ts';
import { COMMANDS } from '../../cli/main.ts';
import { loadSnapshot } from '../../cli/load-snapshot.ts';
import { WebData, canonicalKey } from '../../cli/web-data.ts';
import type { NodeDetails, SearchResult, TopologyAnswer } from '../../cli/web-types.ts';
import { fakeIo, runJson } from '../cli/helpers.ts';
import { SAMPLE, SAMPLE_TAGS } from './helpers.ts';

let data: WebData;

/** The answer as the page gets it: the server sends the body as JSON (the matrix's cells are views whose JSON is the plain cell). */
function get<T>(path: string, params: Record<string, string> = {}): { status: number; body: T } {
  const r = data.answer('GET', path, new URLSearchParams(params));
  return { status: r.status, body: JSON.parse(JSON.stringify(r.body)) as T };
}

const hasVerb = (v: string) => COMMANDS.some((c) => c.name === v);

beforeAll(async () => {
  const snapshot = await loadSnapshot([SAMPLE], { serviceTags: SAMPLE_TAGS, silent: true }, fakeIo());
  data = new WebData(compile(snapshot), { title: SAMPLE });
});

describe('topology', () => {
  it('has the sample estate: 5 VNets, 11 subnets, every NIC, opened (not collapsed)', () => {
    const t = get<TopologyAnswer>('/api/topology').body;
    const count = (k: string) => t.nodes.filter((n) => n.kind === k).length;
    expect(count('vnet')).toBe(5);
    expect(count('subnet')).toBe(11);
    expect(count('nic') + count('appliance')).toBe(19);
    expect(count('privateEndpoint')).toBe(1);
    expect(count('internet')).toBe(1);
    expect(count('onPremises')).toBe(1);
    expect(t.collapsed).toBe(false);
    expect(t.grouped).toBe(false);
    // every parent exists, and a child's id starts with its parent's
    const ids = new Set(t.nodes.map((n) => n.id));
    for (const n of t.nodes) if (n.parent) expect(ids.has(n.parent) && n.id.startsWith(`${n.parent}.`)).toBe(true);
    for (const e of t.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
    expect(t.edges.filter((e) => e.kind === 'peering')).toHaveLength(4);
    expect(t.edges.filter((e) => e.kind === 'gatewayConnection')).toHaveLength(1);
  });

  it('leaves resource ids out of the graph (details carry them)', () => {
    const t = get<TopologyAnswer>('/api/topology').body;
    expect(t.nodes.some((n) => n.ref || n.resource)).toBe(false);
  });
});

describe('answers are what the CLI prints with --json', () => {
  const flows: [string, Record<string, string>, string[]][] = [
    ['web -> app through the firewall and the load balancer', { from: 'vm-web01', to: '10.2.1.100', protocol: 'Tcp', port: '8443' }, ['--from', 'vm-web01', '--to', '10.2.1.100', '--protocol', 'Tcp', '--port', '8443']],
    ['RDP from the internet to the jump box', { from: 'internet', to: 'vm-jump01', protocol: 'Tcp', port: '3389', viaPublicIp: '1' }, ['--from', 'internet', '--to', 'vm-jump01', '--protocol', 'Tcp', '--port', '3389', '--via-public-ip']],
    ['blocked: web -> sql', { from: 'vm-web01', to: 'vm-sql01', protocol: 'Tcp', port: '1433' }, ['--from', 'vm-web01', '--to', 'vm-sql01', '--protocol', 'Tcp', '--port', '1433']],
  ];
  it.each(flows)('trace: %s', async (_name, params, argv) => {
    const cli = await runJson(['trace', SAMPLE, '--service-tags', SAMPLE_TAGS, ...argv]);
    const api = get('/api/trace', params);
    expect(api.status).toBe(200);
    expect(api.body).toEqual(cli.json);
  });

  it('trace from a topology node (@NODE) is the trace from its resource', () => {
    const hit = get<{ results: SearchResult[] }>('/api/search', { q: 'vm-web01' }).body.results[0];
    const byNode = get('/api/trace', { from: `@${hit.node}`, to: '10.2.1.100', protocol: 'Tcp', port: '8443' });
    const byName = get('/api/trace', { from: 'vm-web01', to: '10.2.1.100', protocol: 'Tcp', port: '8443' });
    expect(byNode.body).toEqual(byName.body);
  });

  it('reach', async () => {
    const cli = await runJson(['reach', SAMPLE, '--service-tags', SAMPLE_TAGS, '--from', 'internet', '--to', 'vm-legacy01', '--via-public-ip']);
    expect(get('/api/reach', { from: 'internet', to: 'vm-legacy01', viaPublicIp: '1' }).body).toEqual(cli.json);
  });

  it.runIf(hasVerb('blast'))('blast', async () => {
    const cli = await runJson(['blast', SAMPLE, '--service-tags', SAMPLE_TAGS, '--from', 'vm-web01']);
    expect(get('/api/blast', { from: 'vm-web01' }).body).toEqual(cli.json);
    // Summed up by VNet or subnet, as `--by` gives it; anything else is a bad request.
    for (const by of ['vnet', 'subnet']) {
      const grouped = await runJson(['blast', SAMPLE, '--service-tags', SAMPLE_TAGS, '--from', 'vm-web01', '--by', by]);
      expect(get('/api/blast', { from: 'vm-web01', by }).body).toEqual(grouped.json);
    }
    expect(get('/api/blast', { from: 'vm-web01', by: 'asg' })).toMatchObject({ status: 400, body: { error: 'by asg: expected vnet or subnet' } });
  });

  it.runIf(hasVerb('exposure'))('exposure', async () => {
    const cli = await runJson(['exposure', SAMPLE, '--service-tags', SAMPLE_TAGS]);
    expect(get('/api/exposure').body).toEqual(cli.json);
  });

  it.runIf(hasVerb('findings'))('findings', async () => {
    const cli = await runJson(['findings', SAMPLE, '--service-tags', SAMPLE_TAGS]);
    expect(get('/api/findings').body).toEqual(cli.json);
  });

  it.runIf(hasVerb('matrix'))('matrix', async () => {
    const cli = await runJson(['matrix', SAMPLE, '--service-tags', SAMPLE_TAGS]);
    expect(get('/api/matrix').body).toEqual(cli.json);
  });

  it.runIf(hasVerb('matrix'))('a matrix of more cells than the server sends is a 413 that says how to get it', () => {
    const all = get<{ cells: unknown[] }>('/api/matrix').body.cells.length;
    expect(all).toBeGreaterThan(2);
    const small = new WebData(data.dp, { title: SAMPLE, maxMatrixCells: all - 1 });
    const r = small.answer('GET', '/api/matrix', new URLSearchParams({ by: 'subnet' }));
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ cells: all, maxCells: all - 1 });
    expect((r.body as { error: string }).error).toContain('ztpath matrix --by subnet --json');
    expect((r.body as { error: string }).error).toContain('group by VNet');
    const enough = new WebData(data.dp, { title: SAMPLE, maxMatrixCells: all });
    expect(enough.answer('GET', '/api/matrix', new URLSearchParams({ by: 'subnet' })).status).toBe(200);
  });

  it('errors are answers: an unknown REF is a 400 with candidates, an unknown API a 404', () => {
    const r = get<{ error: string }>('/api/trace', { from: 'vm-nope', to: 'vm-web01', protocol: 'Tcp', port: '22' });
    expect(r.status).toBe(400);
    expect(r.body.error).toContain('vm-nope');
    expect(get('/api/trace', { from: 'vm-web01', to: 'vm-app01', protocol: 'Tcp' }).status).toBe(400);
    expect(get('/api/nothing').status).toBe(404);
    expect(data.answer('DELETE', '/api/topology', new URLSearchParams()).status).toBe(405);
  });
});

describe('search, locate, details', () => {
  it('finds by name, by IP and by resource id', () => {
    const byName = get<{ results: SearchResult[] }>('/api/search', { q: 'vm-jump01' }).body.results;
    expect(byName[0]).toMatchObject({ label: 'vm-jump01', kind: 'nic' });
    expect(get<{ results: SearchResult[] }>('/api/search', { q: '10.0.3.4' }).body.results[0].node).toBe(byName[0].node);
    const byId = get<{ results: SearchResult[] }>('/api/search', { q: '/resourcegroups/rg-hub/providers/microsoft.network/networkinterfaces/nic-vm-jump01' }).body.results;
    expect(byId[0].node).toBe(byName[0].node);
  });

  it('locates every hop of a trace (public IPs on their holder, on-premises by address)', () => {
    const t = get<{ source: { resource: string; ip: string }; hops: { resource: string; ip: string }[] }>('/api/trace', { from: 'internet', to: 'vm-jump01', protocol: 'Tcp', port: '3389', viaPublicIp: '1' }).body;
    const r = data.answer('POST', '/api/locate', new URLSearchParams(), { items: [t.source, ...t.hops].map((h) => ({ resource: h.resource, ip: h.ip })) });
    const nodes = (r.body as { nodes: (string | null)[] }).nodes;
    const jump = get<{ results: SearchResult[] }>('/api/search', { q: 'vm-jump01' }).body.results[0].node;
    expect(nodes).toEqual(['internet', jump, jump]);
    const onprem = data.answer('POST', '/api/locate', new URLSearchParams(), { items: [{ resource: 'onPremises', ip: '192.168.20.5' }] });
    expect((onprem.body as { nodes: string[] }).nodes[0]).toMatch(/^o\d+$/);
  });

  it("details of the jump box: its subnet's NSG with the RDP rule, effective routes, public IP", () => {
    const jump = get<{ results: SearchResult[] }>('/api/search', { q: 'vm-jump01' }).body.results[0].node;
    const d = get<NodeDetails>(`/api/node/${jump}`).body;
    expect(d.title).toBe('vm-jump01');
    const nsg = d.tables.find((t) => t.title.startsWith('NSG nsg-mgmt'));
    expect(nsg?.rows.some((r) => r.includes('securityRules/Allow-RDP-Internet') && r.includes('3389'))).toBe(true);
    expect(d.tables.find((t) => t.title === 'Effective routes')?.rows.length).toBeGreaterThan(3);
    expect(d.tables.find((t) => t.title === 'Public IP addresses')?.rows[0]).toContain('51.105.164.23');
    if (d.findings) expect(d.findings.map((f) => f.id)).toContain('ZT-EXPOSED-MGMT-PORT');
  });

  it('canonical request keys ignore parameter order and empty parameters', () => {
    expect(canonicalKey('/api/trace', new URLSearchParams('to=b&from=a&port='))).toBe('/api/trace?from=a&to=b');
    expect(canonicalKey('/api/findings', new URLSearchParams())).toBe('/api/findings');
  });
});
