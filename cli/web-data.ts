// The web view's answers: one compiled snapshot in, JSON out. `ztpath serve` calls answer() for
// every /api request; the report bundles this file (with core and the importer) into the page,
// so that the same code answers the same questions there (cli/web-engine.ts). Nothing here
// touches the file system, the network or the process: it must run in a browser too.
//
// Questions the CLI also asks (trace, reach, blast, exposure, findings, matrix, whatif) answer
// with the very objects the CLI's --json prints. The view's own shapes (topology, node details,
// search, locate) are in web-types.ts. Scale: NICs that no rule tells apart are one node per
// group (computeEndpointClasses) and large estates open with one node per VNet.

import * as core from '../core/index.ts';
import type { DataPlane, Endpoint, IntervalSet, NetworkSecurityGroup, ResolvedRef, ResourceId, SecurityRule, Snapshot } from '../core/index.ts';
import { whatIfFindingsOptions } from './commands/whatif.ts';
import { cidrsToSet, compareText, computeEffectiveRoutesView, computeEndpointClasses, computeReach, parseIPv4, parsePortRanges, resolveRef, traceFlow } from '../core/index.ts';
import type {
  DetailFinding,
  DetailTable,
  LocateItem,
  MetaAnswer,
  NodeDetails,
  SearchResult,
  TopologyAnswer,
  WebEdge,
  WebEdgeKind,
  WebNode,
  WebNodeKind,
} from './web-types.ts';

/** More NICs than this: equivalent NICs are grouped into one node. */
export const GROUP_NICS_ABOVE = 150;
/** More nodes than this: the view opens with VNets collapsed. */
export const COLLAPSE_NODES_ABOVE = 400;
/** Estates up to this many endpoints compute findings on the first details request. */
const EAGER_FINDINGS_ENDPOINTS = 400;

// ---- the answers that core is adding (used when core/index.ts exports them) ----------------------

interface AnswerWithCaveats {
  caveats?: { code: string; message: string }[];
}
interface FindingLike {
  id: string;
  severity: string;
  title: string;
  resource: string;
  name: string;
  message: string;
  fix?: string;
  related?: { resource: string }[];
}
interface FindingsLike extends AnswerWithCaveats {
  findings: FindingLike[];
  counts?: unknown;
  notes?: unknown;
}
interface BlastLike extends AnswerWithCaveats {
  from: unknown;
  ports: unknown;
  reached: unknown[];
  exits: unknown[];
  critical: unknown[];
  groups?: unknown[];
  summary: Record<string, unknown>;
  error?: string;
}
type ComputeExposure = (dp: DataPlane, opts?: { from?: 'internet' | 'onprem' }) => AnswerWithCaveats;
type ComputeBlast = (dp: DataPlane, opts: { from: ResolvedRef; ports?: IntervalSet; depth?: number; groupBy?: 'vnet' | 'subnet' }) => AnswerWithCaveats & { error?: string };
type ComputeMatrix = (dp: DataPlane, opts?: { by?: 'subnet' | 'asg' | 'vnet'; ports?: IntervalSet }) => AnswerWithCaveats;
type ComputeFindings = (dp: DataPlane, opts?: Record<string, unknown>) => FindingsLike;
type ComputeWhatIf = (before: DataPlane, after: DataPlane, opts?: { maxPairs?: number; findings?: (dp: DataPlane, nsgScope?: ReadonlySet<ResourceId>) => { findings: FindingLike[] } }) => AnswerWithCaveats;

const CORE = core as unknown as Record<string, unknown>;
function coreFunction<T>(name: string): T | undefined {
  const f = CORE[name];
  return typeof f === 'function' ? (f as T) : undefined;
}

export interface CoreFeatures {
  computeExposure?: ComputeExposure;
  computeBlastRadius?: ComputeBlast;
  computeMatrix?: ComputeMatrix;
  computeFindings?: ComputeFindings;
  computeWhatIf?: ComputeWhatIf;
}

/** What this build of core answers. */
export function coreFeatures(): CoreFeatures {
  return {
    computeExposure: coreFunction<ComputeExposure>('computeExposure'),
    computeBlastRadius: coreFunction<ComputeBlast>('computeBlastRadius'),
    computeMatrix: coreFunction<ComputeMatrix>('computeMatrix'),
    computeFindings: coreFunction<ComputeFindings>('computeFindings'),
    computeWhatIf: coreFunction<ComputeWhatIf>('computeWhatIf'),
  };
}

// ---- the API -----------------------------------------------------------------------------------

export interface ApiResult {
  status: number;
  body: unknown;
}

export interface WebDataOptions {
  title: string;
  version?: string;
  mode?: MetaAnswer['mode'];
  /** The snapshot after the change (`--change FILE`), for what-if. */
  after?: DataPlane;
  /** Why there is no `after` (shown by the what-if view). */
  whatifNote?: string;
  /** The change file's errors and warnings, one line each (shown by the what-if view). */
  whatifDiagnostics?: string[];
  /** Answers computed beforehand (report mode), by canonical request key. */
  precomputed?: Record<string, unknown>;
  /** The most matrix cells one answer sends (default MAX_SERVED_MATRIX_CELLS; tests set it lower). */
  maxMatrixCells?: number;
  /** What-if's WhatIfOptions.maxPairs (default core's MAX_EVERY_PAIR, as `ztpath whatif`; tests set it lower). */
  maxWhatIfPairs?: number;
}

/**
 * The most cells a matrix answer of `ztpath serve` holds. A cell is ~0.8-0.9 KB of JSON (tier M by
 * subnet: 268,508 cells, 238 MB; tier L by VNet: 108,592 cells, 89 MB), and the server sends an
 * answer as one JSON string, which V8 caps at 2^29 characters (~512 MB). Tier L by subnet has tens
 * of millions of cells: making them all as objects ran the worker out of memory after 79 s. Such a
 * matrix is refused with 413, saying how to get it (`ztpath matrix --json` writes it piece by piece).
 */
export const MAX_SERVED_MATRIX_CELLS = 400_000;

/** `path?a=1&b=2` with the parameters sorted and empty ones dropped: the cache key of a request. */
export function canonicalKey(path: string, query: URLSearchParams): string {
  const pairs = [...query.entries()].filter(([, v]) => v !== '').sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const q = new URLSearchParams(pairs).toString();
  return q ? `${path}?${q}` : path;
}

const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1 };

function bad(message: string, extra: Record<string, unknown> = {}): ApiResult {
  return { status: 400, body: { error: message, ...extra } };
}

function notAvailable(feature: string): ApiResult {
  return { status: 501, body: { error: `${feature} is not available in this version of ztpath`, feature } };
}

function truthy(v: string | null): boolean {
  return v !== null && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

interface NodeInfo {
  node: WebNode;
  /** Lower-cased resource ids the node stands for (details and findings). */
  resources: string[];
  /** NIC endpoints of a group, in address order. */
  members?: { name: string; ip: string; ref: string; nicId: string }[];
  subnetId?: string;
  nicId?: string;
  endpoint?: Endpoint;
}

interface SearchEntry {
  node: string;
  label: string;
  kind: WebNodeKind;
  detail: string;
  ref?: string;
  name: string;
  ip: string;
  id: string;
}

export class WebData {
  readonly snapshot: Snapshot;
  readonly features: CoreFeatures;
  private readonly topology: TopologyAnswer;
  private allNodes: WebNode[] = [];
  private allEdges: WebEdge[] = [];
  private readonly info = new Map<string, NodeInfo>();
  private readonly locateIndex = new Map<string, string>();
  private readonly searchIndex: SearchEntry[] = [];
  private readonly onPremises: { node: string; set: IntervalSet }[] = [];
  private readonly cache = new Map<string, unknown>();
  private findingsAnswer: FindingsLike | undefined;

  constructor(readonly dp: DataPlane, readonly options: WebDataOptions) {
    this.snapshot = dp.snapshot;
    this.features = coreFeatures();
    this.topology = this.buildTopology();
    for (const [k, v] of Object.entries(options.precomputed ?? {})) this.cache.set(k, v);
  }

  /** Answer one API request. Never throws: errors are answers with a status. */
  answer(method: string, path: string, query: URLSearchParams, body?: unknown): ApiResult {
    try {
      return this.route(method.toUpperCase(), path, query, body);
    } catch (e) {
      return { status: 500, body: { error: e instanceof Error ? e.message : String(e) } };
    }
  }

  /** An answer computed elsewhere (`ztpath serve`'s question worker, from the same snapshot). */
  remember(path: string, query: URLSearchParams, body: unknown): void {
    this.cache.set(canonicalKey(path, query), body);
  }

  private cached(key: string, compute: () => ApiResult): ApiResult {
    if (this.cache.has(key)) return { status: 200, body: this.cache.get(key) };
    const r = compute();
    if (r.status === 200) this.cache.set(key, r.body);
    return r;
  }

  private route(method: string, path: string, query: URLSearchParams, body: unknown): ApiResult {
    const key = canonicalKey(path, query);
    // Answers computed beforehand (the report's) are served as they are, whatever the question.
    if (method === 'GET' && this.cache.has(key)) return { status: 200, body: this.cache.get(key) };
    if (path === '/api/locate') {
      const items = method === 'POST' ? readLocateBody(body) : query.getAll('resource').map((resource) => ({ resource }));
      if (!items) return bad('POST a JSON body {"items": [{"resource": ID, "ip": IP}]}');
      return { status: 200, body: { nodes: items.map((i) => this.locate(i)) } };
    }
    if (method !== 'GET') return { status: 405, body: { error: `${method} is not allowed on ${path}` } };
    if (path === '/api/meta') return { status: 200, body: this.meta() };
    if (path === '/api/topology') {
      const t = this.topologyFor(query.get('vnet') ?? undefined);
      return t ? { status: 200, body: t } : { status: 404, body: { error: `no top-level VNet node ${query.get('vnet')}` } };
    }
    if (path.startsWith('/api/node/')) {
      const id = decodeURIComponent(path.slice('/api/node/'.length));
      const d = this.details(id);
      return d ? { status: 200, body: d } : { status: 404, body: { error: `no node ${id}` } };
    }
    if (path === '/api/search') return { status: 200, body: { results: this.search(query.get('q') ?? '') } };
    if (path === '/api/trace') return this.cached(key, () => this.trace(query));
    if (path === '/api/reach') return this.cached(key, () => this.reach(query));
    if (path === '/api/blast') return this.cached(key, () => this.blast(query));
    if (path === '/api/exposure') return this.cached(key, () => this.exposure(query));
    if (path === '/api/findings') return this.cached(key, () => this.findings());
    if (path === '/api/matrix') return this.cached(key, () => this.matrix(query));
    if (path === '/api/whatif') return this.cached(key, () => this.whatif());
    return { status: 404, body: { error: `no such API: ${path}` } };
  }

  // ---- questions ----

  private resolve(flag: string, text: string | null): ResolvedRef | ApiResult {
    if (text === null || text.trim() === '') return bad(`missing ${flag}`);
    let refText = text.trim();
    if (refText.startsWith('@')) {
      // `@NODE`: what the topology node stands for (its REF).
      const info = this.info.get(refText.slice(1));
      if (!info?.node.ref) return bad(`${flag} ${text}: this node cannot start or end a path`);
      refText = info.node.ref;
    }
    const r = resolveRef(this.dp, refText);
    if (r.ok) return r.ref;
    return bad(`${flag} ${text}: ${r.message} (${r.code})`, { code: r.code, candidates: [...new Set(r.candidates)].slice(0, 20) });
  }

  private trace(q: URLSearchParams): ApiResult {
    const protoText = (q.get('protocol') ?? 'Tcp').trim().toLowerCase();
    const protocol = PROTOCOLS[protoText];
    if (protocol === undefined) return bad(`protocol ${protoText}: expected Tcp, Udp or Icmp`);
    const portText = q.get('port');
    const usesPorts = protocol === 6 || protocol === 17;
    if (usesPorts && (portText === null || portText.trim() === '')) return bad('port is required for Tcp and Udp');
    const dstPort = usesPorts ? Number(portText) : undefined;
    if (dstPort !== undefined && !(Number.isInteger(dstPort) && dstPort >= 0 && dstPort <= 65535)) return bad(`port ${portText}: expected 0-65535`);
    const srcText = q.get('srcPort');
    const srcPort = srcText ? Number(srcText) : undefined;
    if (srcPort !== undefined && !(Number.isInteger(srcPort) && srcPort >= 0 && srcPort <= 65535)) return bad(`srcPort ${srcText}: expected 0-65535`);
    const from = this.resolve('from', q.get('from'));
    if ('status' in from) return from;
    const to = this.resolve('to', q.get('to'));
    if ('status' in to) return to;
    const r = traceFlow(this.dp, {
      from,
      to,
      protocol,
      dstPort,
      srcPort,
      viaPublicIp: truthy(q.get('viaPublicIp')),
      endpoint: q.get('endpoint')?.toLowerCase() || undefined,
      fqdn: q.get('fqdn') || undefined,
    });
    if (!r.ok) return bad(`trace: ${r.error}`);
    return { status: 200, body: r.trace };
  }

  private reach(q: URLSearchParams): ApiResult {
    const from = this.resolve('from', q.get('from'));
    if ('status' in from) return from;
    const to = this.resolve('to', q.get('to'));
    if ('status' in to) return to;
    const r = computeReach(this.dp, { from, to, viaPublicIp: truthy(q.get('viaPublicIp')), endpoint: q.get('endpoint')?.toLowerCase() || undefined, fqdn: q.get('fqdn') || undefined });
    if (r.error) return bad(`reach: ${r.error}`);
    return { status: 200, body: { allowed: r.allowed, caveats: r.caveats } };
  }

  private ports(text: string | null): IntervalSet | undefined | ApiResult {
    if (text === null || text.trim() === '' || text.trim().toLowerCase() === 'any') return undefined;
    const p = parsePortRanges(text.split(',').map((s) => s.trim()));
    return p.ok ? p.set : bad(`ports ${text}: ${p.reason}`);
  }

  private blast(q: URLSearchParams): ApiResult {
    const f = this.features.computeBlastRadius;
    if (!f) return notAvailable('blast radius');
    const from = this.resolve('from', q.get('from'));
    if ('status' in from) return from;
    const ports = this.ports(q.get('ports'));
    if (ports && 'status' in ports) return ports;
    const depthText = q.get('depth');
    const depth = depthText ? Number(depthText) : undefined;
    if (depth !== undefined && !(Number.isInteger(depth) && depth > 0)) return bad(`depth ${depthText}: expected a positive whole number`);
    const by = q.get('by') ?? undefined;
    if (by !== undefined && by !== 'vnet' && by !== 'subnet') return bad(`by ${by}: expected vnet or subnet`);
    const r = f(this.dp, { from, ports, depth, ...(by ? { groupBy: by } : {}) }) as BlastLike;
    if (r.error) return { status: 400, body: { error: r.error } };
    // What `ztpath blast --json [--by vnet|subnet]` prints.
    return { status: 200, body: { reached: r.reached, exits: r.exits, critical: r.critical, ...(r.groups ? { groups: r.groups } : {}), summary: { from: r.from, ports: r.ports, ...(depth !== undefined ? { depthLimit: depth } : {}), ...r.summary }, caveats: r.caveats } };
  }

  private exposure(q: URLSearchParams): ApiResult {
    const f = this.features.computeExposure;
    if (!f) return notAvailable('exposure');
    const from = (q.get('from') ?? 'internet').toLowerCase();
    if (from !== 'internet' && from !== 'onprem') return bad(`from ${from}: expected internet or onprem`);
    const r = f(this.dp, { from }) as AnswerWithCaveats & { exposed: unknown[] };
    // What `ztpath exposure --json` prints.
    return { status: 200, body: { exposed: r.exposed, caveats: r.caveats } };
  }

  private findings(): ApiResult {
    const f = this.features.computeFindings;
    if (!f) return notAvailable('findings');
    return { status: 200, body: this.allFindings() };
  }

  private allFindings(): FindingsLike | undefined {
    if (this.findingsAnswer) return this.findingsAnswer;
    const cached = this.cache.get('/api/findings') as FindingsLike | undefined;
    if (cached) return (this.findingsAnswer = cached);
    const f = this.features.computeFindings;
    if (!f) return undefined;
    const r = f(this.dp);
    // What `ztpath findings --json` prints.
    this.findingsAnswer = { findings: r.findings, counts: r.counts, notes: r.notes, caveats: r.caveats };
    this.cache.set('/api/findings', this.findingsAnswer);
    return this.findingsAnswer;
  }

  private matrix(q: URLSearchParams): ApiResult {
    const f = this.features.computeMatrix;
    if (!f) return notAvailable('the reachability matrix');
    const by = (q.get('by') ?? 'subnet').toLowerCase();
    if (by !== 'subnet' && by !== 'vnet' && by !== 'asg') return bad(`by ${by}: expected subnet, vnet or asg`);
    const ports = this.ports(q.get('ports'));
    if (ports && 'status' in ports) return ports;
    const r = f(this.dp, { by, ports }) as AnswerWithCaveats & { cells: { length: number } } & Record<string, unknown>;
    const max = this.options.maxMatrixCells ?? MAX_SERVED_MATRIX_CELLS;
    if (r.cells.length > max) {
      const count = (n: number) => n.toLocaleString('en-US');
      const coarser = by === 'subnet' ? 'group by VNet, ' : '';
      return {
        status: 413,
        body: {
          error: `the matrix by ${by} has ${count(r.cells.length)} open pairs, more than ztpath serve sends in one answer (${count(max)}): ${coarser}narrow it with ports, or run \`ztpath matrix --by ${by} --json\` (or --csv), which writes every pair`,
          cells: r.cells.length,
          maxCells: max,
        },
      };
    }
    // What `ztpath matrix --json` prints.
    return { status: 200, body: { by: r.by, ports: r.ports, groups: r.groups, cells: r.cells, summary: r.summary, caveats: r.caveats } };
  }

  private whatif(): ApiResult {
    const f = this.features.computeWhatIf;
    if (!f) return notAvailable('what-if');
    if (!this.options.after) return { status: 409, body: { error: this.options.whatifNote ?? 'start ztpath serve with --change FILE to see what a change does' } };
    // As `ztpath whatif --json`: findings compared (as its findingsEngine does), examples traced, incremental.
    const findings = this.features.computeFindings;
    const limit = this.options.maxWhatIfPairs !== undefined ? { maxPairs: this.options.maxWhatIfPairs } : {};
    return { status: 200, body: f(this.dp, this.options.after, { ...limit, ...(findings ? { findings: (dp, nsgScope) => findings(dp, { ...whatIfFindingsOptions(nsgScope) }) } : {}) }) };
  }

  meta(): MetaAnswer {
    const d = this.snapshot.diagnostics;
    const features = this.features;
    return {
      title: this.options.title,
      version: this.options.version ?? 'unknown',
      mode: this.options.mode ?? 'serve',
      features: {
        exposure: !!features.computeExposure,
        blast: !!features.computeBlastRadius,
        matrix: !!features.computeMatrix,
        findings: !!features.computeFindings,
        whatif: !!features.computeWhatIf && !!this.options.after,
        reach: true,
      },
      whatifNote: !features.computeWhatIf ? 'what-if is not available in this version of ztpath' : this.options.after ? undefined : this.options.whatifNote ?? 'start ztpath serve with --change FILE to compare before and after',
      ...(this.options.after && this.options.whatifDiagnostics?.length ? { whatifDiagnostics: this.options.whatifDiagnostics } : {}),
      counts: this.topology.counts,
      diagnostics: { errors: d.filter((x) => x.severity === 'error').length, warnings: d.filter((x) => x.severity === 'warning').length },
      serviceTags: this.snapshot.serviceTags?.origin ?? 'built-in approximations',
      precomputed: this.options.precomputed ? Object.keys(this.options.precomputed) : undefined,
    };
  }

  // ---- locate and search ----

  /** The topology node that shows a resource (a trace hop, a blast target, a finding). */
  locate(item: LocateItem): string | null {
    const r = item.resource?.toLowerCase();
    if (r) {
      const hit = this.locateIndex.get(r);
      if (hit) return hit;
      if (r === 'onpremises' && item.ip) return this.onPremisesNode(item.ip);
      if (r === 'onpremises') return this.onPremises[0]?.node ?? null;
    }
    if (item.ip) {
      const ip = parseIPv4(item.ip);
      if (ip !== undefined) {
        const eps = this.dp.addresses.byIp.get(ip);
        if (eps?.length === 1) {
          const e = eps[0];
          const id = e.kind === 'nic' ? e.nicId : e.kind === 'privateEndpoint' ? e.privateEndpointId : e.kind === 'loadBalancerFrontend' ? e.loadBalancerId : e.kind === 'firewall' ? e.firewallId : e.applicationGatewayId;
          const hit = this.locateIndex.get(id.toLowerCase());
          if (hit) return hit;
        }
        const onPrem = this.onPremisesNode(item.ip);
        if (onPrem) return onPrem;
      }
    }
    if (item.name) {
      const n = item.name.toLowerCase();
      const e = this.searchIndex.find((s) => s.name === n);
      if (e) return e.node;
    }
    return null;
  }

  private onPremisesNode(ipText: string): string | null {
    const ip = parseIPv4(ipText);
    if (ip === undefined) return null;
    return this.onPremises.find((o) => o.set.has(ip))?.node ?? null;
  }

  search(text: string, limit = 25): SearchResult[] {
    const q = text.trim().toLowerCase();
    if (!q) return [];
    const scored: [number, SearchEntry][] = [];
    for (const e of this.searchIndex) {
      let score = -1;
      if (e.name === q || e.ip === q || e.id === q) score = 0;
      else if (e.name.startsWith(q) || (e.ip && e.ip.startsWith(q))) score = 1;
      else if (e.name.includes(q)) score = 2;
      else if (q.length >= 3 && e.id.includes(q)) score = 3;
      if (score >= 0) scored.push([score, e]);
    }
    scored.sort((a, b) => a[0] - b[0] || (a[1].name < b[1].name ? -1 : a[1].name > b[1].name ? 1 : 0));
    return scored.slice(0, limit).map(([, e]) => ({ node: e.node, label: e.label, kind: e.kind, detail: e.detail, ref: e.ref }));
  }

  // ---- topology ----

  private buildTopology(): TopologyAnswer {
    const s = this.snapshot;
    const dp = this.dp;
    const nodes: WebNode[] = [];
    const edges: WebEdge[] = [];
    const edgeKeys = new Set<string>();
    const add = (n: WebNode, resources: string[], extra: Partial<NodeInfo> = {}): WebNode => {
      // A node's id starts with its parent's: the client finds a hidden node's VNet by prefix.
      if (n.parent) n.id = `${n.parent}.${n.id}`;
      nodes.push(n);
      this.info.set(n.id, { node: n, resources: resources.map((r) => r.toLowerCase()), ...extra });
      for (const r of resources) if (!this.locateIndex.has(r.toLowerCase())) this.locateIndex.set(r.toLowerCase(), n.id);
      return n;
    };
    const index = (id: string | undefined, node: string) => {
      if (id && !this.locateIndex.has(id.toLowerCase())) this.locateIndex.set(id.toLowerCase(), node);
    };
    const edge = (kind: WebEdgeKind, a: string | undefined, b: string | undefined, label?: string, down?: boolean) => {
      if (!a || !b || a === b) return;
      const k = kind === 'peering' || kind === 'gatewayConnection' ? [a, b].sort().join('|') : `${a}|${b}`;
      if (edgeKeys.has(`${kind}|${k}`)) return;
      edgeKeys.add(`${kind}|${k}`);
      const e: WebEdge = { id: `e${edges.length}`, source: a, target: b, kind };
      if (label) e.label = label;
      if (down) e.down = true;
      edges.push(e);
    };
    const searchable = (node: WebNode, name: string, ip: string, id: string, ref?: string, label?: string) => {
      this.searchIndex.push({ node: node.id, label: label ?? name, kind: node.kind, detail: [ip, id].filter(Boolean).join('  '), ref, name: name.toLowerCase(), ip, id: id.toLowerCase() });
    };
    const byId = <T extends { id: string }>(m: Map<string, T>) => [...m.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

    // the outside world
    const internet = add({ id: 'internet', kind: 'internet', label: 'Internet', ref: 'internet' }, ['internet']);
    searchable(internet, 'internet', '', 'internet', 'internet');

    // VNets and subnets
    const vnetNode = new Map<ResourceId, WebNode>();
    byId(s.virtualNetworks).forEach((v, i) => {
      const n = add({ id: `v${i}`, kind: 'vnet', label: v.name, resource: v.displayId, prefix: v.addressSpace.join(', '), subnets: 0, endpoints: 0 }, [v.id]);
      vnetNode.set(v.id, n);
      searchable(n, v.name, v.addressSpace.join(' '), v.displayId);
    });
    let missing = 0;
    const vnetOrMissing = (id: ResourceId, addressSpace: string[]): WebNode => {
      let n = vnetNode.get(id);
      if (!n) {
        n = add({ id: `vx${missing++}`, kind: 'vnet', label: id.split('/').pop() ?? id, resource: id, prefix: addressSpace.join(', '), missing: true, subnets: 0, endpoints: 0 }, [id]);
        vnetNode.set(id, n);
      }
      return n;
    };
    const subnetNode = new Map<ResourceId, WebNode>();
    byId(s.subnets).forEach((sub, i) => {
      const parent = vnetNode.get(sub.vnetId);
      const vnetName = s.virtualNetworks.get(sub.vnetId)?.name ?? '?';
      const n = add({ id: `s${i}`, kind: 'subnet', label: sub.name, parent: parent?.id, resource: sub.displayId, prefix: sub.addressPrefixes.join(', '), ref: sub.id }, [sub.id], { subnetId: sub.id });
      subnetNode.set(sub.id, n);
      if (parent) parent.subnets = (parent.subnets ?? 0) + 1;
      searchable(n, `${vnetName}/${sub.name}`, sub.addressPrefixes.join(' '), sub.displayId, sub.id);
      this.searchIndex[this.searchIndex.length - 1].name = sub.name.toLowerCase();
      this.searchIndex[this.searchIndex.length - 1].label = `${vnetName}/${sub.name}`;
    });
    const countEndpoint = (subnetId: ResourceId | undefined, n = 1) => {
      const sub = subnetId ? s.subnets.get(subnetId) : undefined;
      const v = sub ? vnetNode.get(sub.vnetId) : undefined;
      if (v) v.endpoints = (v.endpoints ?? 0) + n;
    };

    // NICs, grouped by equivalence class when the estate is large
    const vmOfNic = new Map<ResourceId, string>();
    for (const vm of s.virtualMachines.values()) for (const n of vm.nics) vmOfNic.set(n.id.toLowerCase(), vm.name);
    const vmIdOfNic = new Map<ResourceId, string>();
    for (const vm of s.virtualMachines.values()) for (const n of vm.nics) vmIdOfNic.set(n.id.toLowerCase(), vm.id);
    const nicEndpoints = new Map<ResourceId, Endpoint>();
    for (const m of dp.addresses.byVnet.values()) {
      for (const e of m.values()) {
        if (e.kind !== 'nic') continue;
        const nic = s.networkInterfaces.get(e.nicId);
        const ipc = nic?.ipConfigurations.find((c) => c.id === e.ipConfigurationId);
        const prev = nicEndpoints.get(e.nicId);
        if (!prev || (ipc?.primary && !prev.ipText)) nicEndpoints.set(e.nicId, e);
        else if (ipc?.primary) nicEndpoints.set(e.nicId, e);
      }
    }
    const nics = byId(s.networkInterfaces).filter((n) => !n.privateEndpointId);
    const grouped = nics.length > GROUP_NICS_ABOVE;
    const classes = grouped ? computeEndpointClasses(dp) : undefined;
    const groupsOf = new Map<number, ResourceId[]>();
    if (classes) {
      for (const nic of nics) {
        const e = nicEndpoints.get(nic.id);
        if (!e || nic.enableIpForwarding) continue;
        const c = classes.classOf.get(`${e.vnetId}|${e.ip}`);
        if (c === undefined) continue;
        const list = groupsOf.get(c) ?? [];
        list.push(nic.id);
        groupsOf.set(c, list);
      }
    }
    const nicLabel = (id: ResourceId) => vmOfNic.get(id) ?? s.networkInterfaces.get(id)?.name ?? id;
    const nicNode = new Map<ResourceId, WebNode>();
    const placed = new Set<ResourceId>();
    let groupCount = 0;
    let nicCount = 0;
    const orderedNics = [...nics].sort((a, b) => {
      const ea = nicEndpoints.get(a.id);
      const eb = nicEndpoints.get(b.id);
      return compareText(ea?.subnetId ?? '', eb?.subnetId ?? '') || (ea?.ip ?? 0) - (eb?.ip ?? 0) || compareText(a.id, b.id);
    });
    const nicResources = (id: ResourceId): string[] => {
      const nic = s.networkInterfaces.get(id);
      const vmId = vmIdOfNic.get(id);
      return [id, ...(vmId ? [vmId] : []), ...(nic?.ipConfigurations.map((c) => c.id) ?? [])];
    };
    for (const nic of orderedNics) {
      if (placed.has(nic.id)) continue;
      const e = nicEndpoints.get(nic.id);
      const subnetId = e?.subnetId ?? nic.ipConfigurations.find((c) => c.subnetId)?.subnetId;
      const parent = subnetId ? subnetNode.get(subnetId)?.id : undefined;
      const c = e && classes ? classes.classOf.get(`${e.vnetId}|${e.ip}`) : undefined;
      const members = c !== undefined ? groupsOf.get(c) : undefined;
      if (members && members.length > 1) {
        const sorted = members.map((id) => ({ id, e: nicEndpoints.get(id)! })).sort((a, b) => a.e.ip - b.e.ip);
        const first = sorted[0];
        const last = sorted[sorted.length - 1];
        const n = add(
          {
            id: `g${groupCount++}`,
            kind: 'nicGroup',
            label: `${nicLabel(first.id)} … ${nicLabel(last.id)}`,
            parent,
            ref: first.id,
            ip: `${first.e.ipText} – ${last.e.ipText}`,
            count: sorted.length,
          },
          sorted.flatMap((m) => nicResources(m.id)),
          { members: sorted.map((m) => ({ name: nicLabel(m.id), ip: m.e.ipText, ref: m.id, nicId: m.id })), subnetId, nicId: first.id, endpoint: first.e },
        );
        for (const m of sorted) {
          placed.add(m.id);
          nicNode.set(m.id, n);
          searchable(n, nicLabel(m.id), m.e.ipText, s.networkInterfaces.get(m.id)?.displayId ?? m.id, m.id, `${nicLabel(m.id)} (in a group of ${sorted.length})`);
          if (vmOfNic.has(m.id) && s.networkInterfaces.get(m.id)?.name) {
            const nicName = s.networkInterfaces.get(m.id)!.name;
            if (nicName.toLowerCase() !== nicLabel(m.id).toLowerCase()) searchable(n, nicName, m.e.ipText, m.id, m.id, `${nicName} (in a group of ${sorted.length})`);
          }
        }
        countEndpoint(subnetId, sorted.length);
        continue;
      }
      placed.add(nic.id);
      const ips = nic.ipConfigurations.map((c) => c.privateIp?.split('/')[0]).filter((x): x is string => !!x);
      const n = add(
        { id: `n${nicCount++}`, kind: nic.enableIpForwarding ? 'appliance' : 'nic', label: nicLabel(nic.id), parent, ref: nic.id, resource: nic.displayId, ip: ips.join(', ') },
        nicResources(nic.id),
        { subnetId, nicId: nic.id, endpoint: e },
      );
      nicNode.set(nic.id, n);
      countEndpoint(subnetId);
      searchable(n, nicLabel(nic.id), ips[0] ?? '', nic.displayId, nic.id);
      if (nic.name.toLowerCase() !== nicLabel(nic.id).toLowerCase()) searchable(n, nic.name, ips[0] ?? '', nic.displayId, nic.id);
      for (const ip of ips.slice(1)) searchable(n, nicLabel(nic.id), ip, nic.id, nic.id);
    }

    // private endpoints
    const peNode = new Map<ResourceId, WebNode>();
    byId(s.privateEndpoints).forEach((pe, i) => {
      const ips = new Set<string>(pe.privateIps.map((x) => x.split('/')[0]));
      for (const nicId of pe.nicIds) for (const c of s.networkInterfaces.get(nicId)?.ipConfigurations ?? []) if (c.privateIp) ips.add(c.privateIp.split('/')[0]);
      const ip = [...ips].join(', ');
      const n = add(
        { id: `p${i}`, kind: 'privateEndpoint', label: pe.name, parent: pe.subnetId ? subnetNode.get(pe.subnetId)?.id : undefined, ref: pe.id, resource: pe.displayId, ip },
        [pe.id, ...pe.nicIds],
        { subnetId: pe.subnetId },
      );
      peNode.set(pe.id, n);
      countEndpoint(pe.subnetId);
      searchable(n, pe.name, [...ips][0] ?? '', pe.displayId, pe.id);
    });

    // load balancers, application gateways, firewalls, gateways
    const lbNode = new Map<ResourceId, WebNode>();
    byId(s.loadBalancers).forEach((lb, i) => {
      const internal = lb.frontends.find((f) => f.subnetId && f.privateIp);
      const n = add(
        { id: `l${i}`, kind: 'loadBalancer', label: lb.name, parent: internal?.subnetId ? subnetNode.get(internal.subnetId)?.id : undefined, ref: lb.id, resource: lb.displayId, ip: lb.frontends.map((f) => f.privateIp ?? (f.publicIpId ? s.publicIpAddresses.get(f.publicIpId)?.ipAddress : undefined)).filter(Boolean).join(', ') },
        [lb.id, ...lb.frontends.map((f) => f.id)],
      );
      lbNode.set(lb.id, n);
      if (internal) countEndpoint(internal.subnetId);
      searchable(n, lb.name, internal?.privateIp ?? '', lb.displayId, lb.id);
    });
    const agwNode = new Map<ResourceId, WebNode>();
    byId(s.applicationGateways).forEach((agw, i) => {
      const privateIp = agw.frontends.find((f) => f.privateIp)?.privateIp;
      const n = add({ id: `a${i}`, kind: 'applicationGateway', label: agw.name, parent: agw.subnetId ? subnetNode.get(agw.subnetId)?.id : undefined, ref: agw.id, resource: agw.displayId, ip: privateIp }, [agw.id, ...agw.frontends.map((f) => f.id)]);
      agwNode.set(agw.id, n);
      countEndpoint(agw.subnetId);
      searchable(n, agw.name, privateIp ?? '', agw.displayId, agw.id);
    });
    const fwNode = new Map<ResourceId, WebNode>();
    byId(s.azureFirewalls).forEach((fw, i) => {
      const c = fw.ipConfigurations.find((x) => x.subnetId) ?? fw.ipConfigurations[0];
      const n = add({ id: `f${i}`, kind: 'firewall', label: fw.name, parent: c?.subnetId ? subnetNode.get(c.subnetId)?.id : undefined, ref: fw.id, resource: fw.displayId, ip: c?.privateIp }, [fw.id, ...fw.ipConfigurations.map((x) => x.id)]);
      fwNode.set(fw.id, n);
      countEndpoint(c?.subnetId);
      searchable(n, fw.name, c?.privateIp ?? '', fw.displayId, fw.id);
    });
    const gwNode = new Map<ResourceId, WebNode>();
    byId(s.virtualNetworkGateways).forEach((gw, i) => {
      const parent = gw.subnetId ? subnetNode.get(gw.subnetId)?.id : gw.vnetId ? vnetNode.get(gw.vnetId)?.id : undefined;
      const n = add({ id: `w${i}`, kind: 'gateway', label: gw.name, parent, resource: gw.displayId, ip: gw.bgpPeeringAddresses.join(', ') || undefined }, [gw.id, ...gw.publicIpIds]);
      gwNode.set(gw.id, n);
      searchable(n, gw.name, gw.bgpPeeringAddresses[0] ?? '', gw.displayId);
    });
    byId(s.localNetworkGateways).forEach((lng, i) => {
      const first = lng.addressPrefixes.map((p) => cidrsToSet([p]).set).find((x) => !x.isEmpty());
      const lo = first?.ranges()[0];
      const ref = lo ? formatIp(lo[0] + (lo[1] - lo[0] >= 8 ? 4 : 0)) : undefined;
      const n = add({ id: `o${i}`, kind: 'onPremises', label: lng.name, ref, resource: lng.displayId, prefix: lng.addressPrefixes.join(', '), ip: lng.gatewayIpAddress }, [lng.id]);
      gwNode.set(lng.id, n);
      this.onPremises.push({ node: n.id, set: cidrsToSet(lng.addressPrefixes).set });
      searchable(n, lng.name, lng.addressPrefixes[0] ?? '', lng.displayId, ref);
    });
    const stNode = new Map<ResourceId, WebNode>();
    byId(s.storageAccounts).forEach((st, i) => {
      const n = add({ id: `t${i}`, kind: 'storage', label: st.name, ref: st.id, resource: st.displayId }, [st.id]);
      stNode.set(st.id, n);
      searchable(n, st.name, '', st.displayId, st.id);
    });

    // edges: peerings, gateway connections
    const peerState = new Map<string, { a: string; b: string; up: number; halves: number }>();
    for (const p of byId(s.peerings)) {
      const a = vnetOrMissing(p.vnetId, []);
      const b = vnetOrMissing(p.remoteVnetId, p.remoteAddressSpace);
      const k = [a.id, b.id].sort().join('|');
      const st = peerState.get(k) ?? { a: a.id, b: b.id, up: 0, halves: 0 };
      st.halves++;
      if (p.peeringState === 'Connected') st.up++;
      peerState.set(k, st);
    }
    for (const st of peerState.values()) edge('peering', st.a, st.b, undefined, st.up < 2);
    for (const c of byId(s.connections)) {
      const a = c.virtualNetworkGateway1Id ? gwNode.get(c.virtualNetworkGateway1Id)?.id : undefined;
      const b = c.localNetworkGateway2Id ? gwNode.get(c.localNetworkGateway2Id)?.id : c.virtualNetworkGateway2Id ? gwNode.get(c.virtualNetworkGateway2Id)?.id : undefined;
      edge('gatewayConnection', a, b, c.connectionType, c.connectionStatus !== undefined && c.connectionStatus !== 'Connected');
      if (a) index(c.id, a);
    }

    // public IPs: the internet reaches their holders
    const pipLabel = (id: ResourceId) => s.publicIpAddresses.get(id)?.ipAddress ?? s.publicIpAddresses.get(id)?.name ?? 'public IP';
    for (const nic of nics) {
      for (const c of nic.ipConfigurations) {
        if (!c.publicIpId) continue;
        const n = nicNode.get(nic.id);
        if (!n) continue;
        index(c.publicIpId, n.id);
        edge('publicIp', internet.id, n.id, pipLabel(c.publicIpId));
      }
    }
    for (const lb of s.loadBalancers.values()) {
      const n = lbNode.get(lb.id)!;
      for (const f of lb.frontends) {
        if (!f.publicIpId) continue;
        index(f.publicIpId, n.id);
        edge('publicIp', internet.id, n.id, pipLabel(f.publicIpId));
      }
      for (const pool of lb.backendPools) for (const m of dp.backendPoolMembers(pool.id)) if (m.kind === 'nic') edge('loadBalancer', n.id, nicNode.get(m.nicId)?.id);
      for (const r of lb.inboundNatRules) {
        if (!r.backendIpConfigurationId) continue;
        const nic = [...s.networkInterfaces.values()].find((x) => x.ipConfigurations.some((c) => c.id === r.backendIpConfigurationId));
        if (nic) edge('loadBalancer', n.id, nicNode.get(nic.id)?.id);
      }
    }
    const nicOfIpc = new Map<string, ResourceId>();
    for (const nic of nics) for (const c of nic.ipConfigurations) nicOfIpc.set(c.id, nic.id);
    for (const agw of s.applicationGateways.values()) {
      const n = agwNode.get(agw.id)!;
      for (const f of agw.frontends) {
        if (!f.publicIpId) continue;
        index(f.publicIpId, n.id);
        edge('publicIp', internet.id, n.id, pipLabel(f.publicIpId));
      }
      for (const pool of agw.backendPools) {
        for (const ipc of pool.ipConfigurationIds) {
          const nicId = nicOfIpc.get(ipc);
          if (nicId) edge('applicationGateway', n.id, nicNode.get(nicId)?.id);
        }
        for (const a of pool.addresses) {
          const ip = a.ipAddress ? parseIPv4(a.ipAddress) : undefined;
          const hit = ip !== undefined ? dp.addresses.byIp.get(ip)?.find((e) => e.kind === 'nic') : undefined;
          if (hit && hit.kind === 'nic') edge('applicationGateway', n.id, nicNode.get(hit.nicId)?.id);
        }
      }
    }
    for (const fw of s.azureFirewalls.values()) {
      const n = fwNode.get(fw.id)!;
      for (const c of fw.ipConfigurations) {
        if (!c.publicIpId) continue;
        index(c.publicIpId, n.id);
        edge('publicIp', internet.id, n.id, pipLabel(c.publicIpId));
      }
    }
    for (const gw of s.virtualNetworkGateways.values()) for (const p of gw.publicIpIds) index(p, gwNode.get(gw.id)!.id);
    for (const ng of s.natGateways.values()) for (const sub of ng.subnetIds) index(ng.id, subnetNode.get(sub)?.id ?? '');

    // PaaS: private endpoints and service endpoints to storage
    for (const pe of s.privateEndpoints.values()) for (const c of pe.connections) edge('privateLink', peNode.get(pe.id)?.id, stNode.get(c.targetId.toLowerCase())?.id, c.groupIds.join(', ') || undefined);
    for (const st of s.storageAccounts.values()) for (const r of st.networkAcls.virtualNetworkRules) edge('serviceEndpoint', subnetNode.get(r.subnetId.toLowerCase())?.id, stNode.get(st.id)?.id);
    for (const [k, v] of [...this.locateIndex]) if (v === '') this.locateIndex.delete(k);

    const endpoints = nodes.filter((n) => n.kind === 'nic' || n.kind === 'appliance' || n.kind === 'privateEndpoint').length + nodes.filter((n) => n.kind === 'nicGroup').reduce((a, n) => a + (n.count ?? 0), 0);
    const collapsed = nodes.length > COLLAPSE_NODES_ABOVE;
    if (collapsed) this.adoptSingleVnetNodes(nodes, edges);
    this.allNodes = nodes;
    this.allEdges = edges;
    return {
      title: this.options.title,
      grouped,
      collapsed,
      nodes: [],
      edges: [],
      counts: {
        vnets: s.virtualNetworks.size,
        subnets: s.subnets.size,
        nics: nics.length,
        endpoints,
        groups: groupCount,
        nodes: nodes.length,
        edges: edges.length,
      },
    };
  }

  /**
   * Collapsed estates: a storage account or a public load balancer whose every link is to one VNet
   * belongs with that VNet (it shows when the VNet is opened, beside it). Its id is renamed under
   * the VNet's (`v3.t5`), so that everything that finds a node's VNet by id prefix finds it.
   */
  private adoptSingleVnetNodes(nodes: WebNode[], edges: WebEdge[]): void {
    const top = (id: string) => id.split('.')[0];
    const vnets = new Map<string, Set<string>>();
    const candidate = (n: WebNode | undefined) => n && !n.parent && (n.kind === 'storage' || n.kind === 'loadBalancer');
    const byId = new Map(nodes.map((n) => [n.id, n]));
    for (const e of edges) {
      for (const [me, other] of [[e.source, e.target], [e.target, e.source]]) {
        if (!candidate(byId.get(me)) || other === 'internet') continue;
        const s = vnets.get(me) ?? new Set<string>();
        s.add(top(other));
        vnets.set(me, s);
      }
    }
    const rename = new Map<string, string>();
    for (const [id, set] of vnets) {
      const [owner] = [...set];
      if (set.size === 1 && byId.get(owner)?.kind === 'vnet') rename.set(id, `${owner}.${id}`);
    }
    if (!rename.size) return;
    const to = (id: string) => rename.get(id) ?? id;
    for (const n of nodes) n.id = to(n.id);
    for (const e of edges) {
      e.source = to(e.source);
      e.target = to(e.target);
    }
    for (const [old, id] of rename) {
      const info = this.info.get(old);
      if (!info) continue;
      this.info.delete(old);
      this.info.set(id, info);
    }
    for (const [k, v] of this.locateIndex) if (rename.has(v)) this.locateIndex.set(k, rename.get(v)!);
    for (const s of this.searchIndex) s.node = to(s.node);
    for (const o of this.onPremises) o.node = to(o.node);
  }

  /**
   * The graph to draw. Small estates: everything. Large estates (collapsed): the top level only
   * (VNets, the outside world, PaaS), with edges between the top-level ancestors of their ends and
   * a count; `vnet` asks for the inside of one VNet and every edge that touches it.
   */
  topologyFor(vnet?: string): TopologyAnswer | undefined {
    const base = this.topology;
    const strip = (n: WebNode): WebNode => {
      const { ref: _ref, resource: _resource, ...rest } = n;
      return rest;
    };
    if (vnet !== undefined) {
      const top = this.info.get(vnet);
      if (!top || top.node.parent) return undefined;
      const inside = (id: string) => id.startsWith(`${vnet}.`);
      return { ...base, vnet, nodes: this.allNodes.filter((n) => inside(n.id)).map(strip), edges: this.allEdges.filter((e) => inside(e.source) || inside(e.target)) };
    }
    if (!base.collapsed) return { ...base, nodes: this.allNodes.map(strip), edges: this.allEdges };
    const topOf = (id: string) => id.split('.')[0];
    const edges = new Map<string, WebEdge>();
    for (const e of this.allEdges) {
      const a = topOf(e.source);
      const b = topOf(e.target);
      if (a === b) continue;
      const k = `${e.kind}|${a}|${b}`;
      const hit = edges.get(k);
      if (hit) hit.count = (hit.count ?? 1) + 1;
      else edges.set(k, { ...e, id: a === e.source && b === e.target ? e.id : `a${edges.size}`, source: a, target: b, ...(a === e.source && b === e.target ? {} : { label: undefined, aggregated: true }) });
    }
    return { ...base, nodes: this.allNodes.filter((n) => !n.id.includes('.')).map(strip), edges: [...edges.values()] };
  }

  // ---- details ----

  details(nodeId: string): NodeDetails | undefined {
    const info = this.info.get(nodeId);
    if (!info) return undefined;
    const s = this.snapshot;
    const n = info.node;
    const facts: NodeDetails['facts'] = [];
    const tables: DetailTable[] = [];
    const caveats: NodeDetails['caveats'] = [];
    const fact = (label: string, value: string | undefined) => {
      if (value !== undefined && value !== '') facts.push({ label, value });
    };
    let subtitle: string = KIND_TITLE[n.kind];
    const nsgTables = (subnetId: ResourceId | undefined, nicNsgId: ResourceId | undefined) => {
      const sub = subnetId ? s.subnets.get(subnetId) : undefined;
      if (sub?.nsgId) tables.push(nsgTable(s, s.networkSecurityGroups.get(sub.nsgId), sub.nsgId, `subnet ${sub.name}`));
      if (nicNsgId) tables.push(nsgTable(s, s.networkSecurityGroups.get(nicNsgId), nicNsgId, 'network interface'));
    };
    const routeTable = (subnetId: ResourceId | undefined) => {
      if (!subnetId || !s.subnets.has(subnetId)) return;
      const r = computeEffectiveRoutesView(this.dp, subnetId);
      caveats.push(...r.caveats);
      tables.push({
        title: 'Effective routes',
        columns: ['Source', 'State', 'Address prefix', 'Next hop type', 'Next hop IP', 'Name'],
        rows: r.value.map((x) => [x.source, x.state, x.addressPrefix.join(', '), x.nextHopType, x.nextHopIpAddress.join(', '), x.name ?? '']),
      });
    };
    const pipRows = (ids: (ResourceId | undefined)[]) =>
      ids.filter((x): x is ResourceId => !!x).map((id) => {
        const p = s.publicIpAddresses.get(id);
        return [p?.name ?? id.split('/').pop() ?? id, p?.ipAddress ?? '(not allocated in the export)', p?.sku ?? '', p?.allocationMethod ?? ''];
      });
    const pipTable = (rows: string[][]) => {
      if (rows.length) tables.push({ title: 'Public IP addresses', columns: ['Name', 'Address', 'SKU', 'Allocation'], rows });
    };
    fact('Resource id', n.resource);

    switch (n.kind) {
      case 'vnet': {
        const v = s.virtualNetworks.get(info.resources[0]);
        fact('Address space', n.prefix);
        fact('Subnets', String(n.subnets ?? 0));
        fact('Endpoints', String(n.endpoints ?? 0));
        if (n.missing) fact('Note', 'A peering names this VNet, but the input does not hold it.');
        const peerings = [...s.peerings.values()].filter((p) => p.vnetId === info.resources[0] || p.remoteVnetId === info.resources[0]);
        if (peerings.length)
          tables.push({
            title: 'Peerings',
            columns: ['Peering', 'In VNet', 'Remote VNet', 'State', 'VNet access', 'Forwarded', 'Gateway transit', 'Remote gateways'],
            rows: peerings.map((p) => [p.name, vnetName(s, p.vnetId), vnetName(s, p.remoteVnetId), p.peeringState, yes(p.allowVirtualNetworkAccess), yes(p.allowForwardedTraffic), yes(p.allowGatewayTransit), yes(p.useRemoteGateways)]),
          });
        if (v) subtitle = `VNet, ${v.location ?? 'no location'}`;
        break;
      }
      case 'subnet': {
        const sub = s.subnets.get(info.resources[0]);
        if (!sub) break;
        subtitle = `Subnet of ${vnetName(s, sub.vnetId)}`;
        fact('Address prefix', n.prefix);
        fact('NSG', sub.nsgId ? s.networkSecurityGroups.get(sub.nsgId)?.name ?? sub.nsgId : 'none');
        fact('Route table', sub.routeTableId ? s.routeTables.get(sub.routeTableId)?.name ?? sub.routeTableId : 'none');
        fact('NAT gateway', sub.natGatewayId ? s.natGateways.get(sub.natGatewayId)?.name ?? sub.natGatewayId : undefined);
        fact('Service endpoints', sub.serviceEndpoints.map((e) => e.service).join(', '));
        fact('Private endpoint network policies', sub.privateEndpointNetworkPolicies);
        fact('Default outbound access', sub.defaultOutboundAccess === undefined ? undefined : yes(sub.defaultOutboundAccess));
        fact('Delegations', sub.delegations.join(', '));
        nsgTables(sub.id, undefined);
        routeTable(sub.id);
        break;
      }
      case 'nic':
      case 'appliance':
      case 'nicGroup': {
        const nic = info.nicId ? s.networkInterfaces.get(info.nicId) : undefined;
        if (!nic) break;
        const sub = info.subnetId ? s.subnets.get(info.subnetId) : undefined;
        subtitle = n.kind === 'nicGroup' ? `${n.count} network interfaces that no rule, route or tag tells apart` : n.kind === 'appliance' ? 'Network interface with IP forwarding (virtual appliance)' : 'Network interface';
        if (n.kind === 'nicGroup') fact('Shown for the group', `${n.label.split(' … ')[0]} (every member behaves alike)`);
        fact('Address', n.ip);
        fact('Subnet', sub ? `${vnetName(s, sub.vnetId)}/${sub.name}` : undefined);
        fact('VM', nic.vmId ? s.virtualMachines.get(nic.vmId)?.name ?? nic.vmId.split('/').pop() : undefined);
        fact('NIC NSG', nic.nsgId ? s.networkSecurityGroups.get(nic.nsgId)?.name ?? nic.nsgId : 'none');
        fact('Subnet NSG', sub?.nsgId ? s.networkSecurityGroups.get(sub.nsgId)?.name ?? sub.nsgId : 'none');
        fact('IP forwarding', yes(nic.enableIpForwarding));
        const asgs = [...new Set(nic.ipConfigurations.flatMap((c) => c.asgIds))].map((a) => s.applicationSecurityGroups.get(a)?.name ?? a.split('/').pop() ?? a);
        fact('Application security groups', asgs.join(', '));
        tables.push({
          title: 'IP configurations',
          columns: ['Name', 'Private IP', 'Primary', 'Public IP', 'LB pools', 'NAT rules'],
          rows: nic.ipConfigurations.map((c) => [c.name, c.privateIp ?? '', yes(c.primary), c.publicIpId ? (s.publicIpAddresses.get(c.publicIpId)?.ipAddress ?? c.publicIpId.split('/').pop() ?? '') : '', String(c.loadBalancerBackendPoolIds.length + c.applicationGatewayBackendPoolIds.length), String(c.loadBalancerInboundNatRuleIds.length)]),
        });
        pipTable(pipRows(nic.ipConfigurations.map((c) => c.publicIpId)));
        nsgTables(info.subnetId, nic.nsgId);
        routeTable(info.subnetId);
        break;
      }
      case 'privateEndpoint': {
        const pe = s.privateEndpoints.get(info.resources[0]);
        if (!pe) break;
        const sub = pe.subnetId ? s.subnets.get(pe.subnetId) : undefined;
        fact('Address', n.ip);
        fact('Subnet', sub ? `${vnetName(s, sub.vnetId)}/${sub.name}` : undefined);
        fact('Network policies', sub?.privateEndpointNetworkPolicies);
        tables.push({ title: 'Connections', columns: ['Target', 'Sub-resources', 'Status'], rows: pe.connections.map((c) => [s.storageAccounts.get(c.targetId.toLowerCase())?.name ?? c.targetId, c.groupIds.join(', '), c.status]) });
        if (sub && sub.privateEndpointNetworkPolicies !== 'Disabled' && sub.privateEndpointNetworkPolicies !== 'RouteTableEnabled') nsgTables(sub.id, undefined);
        break;
      }
      case 'loadBalancer': {
        const lb = s.loadBalancers.get(info.resources[0]);
        if (!lb) break;
        subtitle = `Load balancer (${lb.sku})`;
        tables.push({ title: 'Frontends', columns: ['Name', 'Private IP', 'Public IP'], rows: lb.frontends.map((f) => [f.name, f.privateIp ?? '', f.publicIpId ? (s.publicIpAddresses.get(f.publicIpId)?.ipAddress ?? '') : '']) });
        tables.push({ title: 'Load-balancing rules', columns: ['Name', 'Protocol', 'Frontend port', 'Backend port'], rows: lb.loadBalancingRules.map((r) => [r.name, r.protocol, String(r.frontendPort), String(r.backendPort)]) });
        if (lb.inboundNatRules.length) tables.push({ title: 'Inbound NAT rules', columns: ['Name', 'Protocol', 'Frontend port', 'Backend port'], rows: lb.inboundNatRules.map((r) => [r.name, r.protocol, r.frontendPortRangeStart !== undefined ? `${r.frontendPortRangeStart}-${r.frontendPortRangeEnd ?? ''}` : String(r.frontendPort), String(r.backendPort)]) });
        pipTable(pipRows(lb.frontends.map((f) => f.publicIpId)));
        break;
      }
      case 'applicationGateway': {
        const agw = s.applicationGateways.get(info.resources[0]);
        if (!agw) break;
        subtitle = `Application gateway (${agw.sku})`;
        tables.push({ title: 'Listeners', columns: ['Name', 'Protocol', 'Port', 'Host names'], rows: agw.listeners.map((l) => [l.name, l.protocol, String(agw.frontendPorts.find((p) => p.id === l.frontendPortId)?.port ?? ''), l.hostNames.join(', ')]) });
        tables.push({ title: 'Backend pools', columns: ['Name', 'Addresses', 'NIC members'], rows: agw.backendPools.map((p) => [p.name, p.addresses.map((a) => a.ipAddress ?? a.fqdn ?? '').join(', '), String(p.ipConfigurationIds.length)]) });
        pipTable(pipRows(agw.frontends.map((f) => f.publicIpId)));
        nsgTables(agw.subnetId, undefined);
        break;
      }
      case 'firewall': {
        const fw = s.azureFirewalls.get(info.resources[0]);
        if (!fw) break;
        subtitle = `Azure Firewall${fw.sku ? ` (${fw.sku})` : ''}`;
        fact('Private IP', n.ip);
        fact('Firewall policy', fw.firewallPolicyId ? s.firewallPolicies.get(fw.firewallPolicyId)?.name ?? fw.firewallPolicyId : 'classic rules');
        pipTable(pipRows(fw.ipConfigurations.map((c) => c.publicIpId)));
        break;
      }
      case 'gateway': {
        const gw = s.virtualNetworkGateways.get(info.resources[0]);
        if (!gw) break;
        subtitle = `Virtual network gateway (${gw.gatewayType}${gw.sku ? `, ${gw.sku}` : ''})`;
        fact('VPN type', gw.vpnType);
        fact('BGP', yes(gw.enableBgp));
        fact('BGP peering addresses', gw.bgpPeeringAddresses.join(', '));
        const conns = [...s.connections.values()].filter((c) => c.virtualNetworkGateway1Id === gw.id || c.virtualNetworkGateway2Id === gw.id);
        tables.push({ title: 'Connections', columns: ['Name', 'Type', 'Status', 'BGP'], rows: conns.map((c) => [c.name, c.connectionType, c.connectionStatus ?? '(not in the export)', yes(c.enableBgp)]) });
        pipTable(pipRows(gw.publicIpIds));
        break;
      }
      case 'onPremises': {
        const lng = s.localNetworkGateways.get(info.resources[0]);
        fact('Address prefixes', n.prefix);
        fact('Gateway address', lng?.gatewayIpAddress);
        fact('BGP peering address', lng?.bgpPeeringAddress);
        fact('Traces from here use', n.ref);
        break;
      }
      case 'storage': {
        const st = s.storageAccounts.get(info.resources[0]);
        if (!st) break;
        fact('Public network access', st.publicNetworkAccess ?? '(not in the export)');
        fact('Default action', st.networkAcls.defaultAction);
        fact('Bypass', st.networkAcls.bypass.join(', '));
        if (st.networkAcls.ipRules.length) tables.push({ title: 'IP rules', columns: ['Value', 'Action'], rows: st.networkAcls.ipRules.map((r) => [r.value, r.action]) });
        if (st.networkAcls.virtualNetworkRules.length) tables.push({ title: 'Virtual network rules', columns: ['Subnet', 'Action', 'State'], rows: st.networkAcls.virtualNetworkRules.map((r) => [subnetName(s, r.subnetId), r.action, r.state ?? '']) });
        const pes = [...s.privateEndpoints.values()].filter((p) => p.connections.some((c) => c.targetId.toLowerCase() === st.id));
        fact('Private endpoints', pes.map((p) => p.name).join(', '));
        break;
      }
      case 'internet':
        subtitle = 'Any address outside the estate and on-premises';
        break;
    }

    let findings: DetailFinding[] | null = null;
    let findingsNote: string | undefined;
    if (!this.features.computeFindings) findingsNote = 'Findings are not available in this version of ztpath.';
    else {
      let all: FindingsLike | undefined;
      try {
        all = this.findingsAnswer ?? (this.cache.get('/api/findings') as FindingsLike | undefined) ?? (this.topology.counts.endpoints <= EAGER_FINDINGS_ENDPOINTS ? this.allFindings() : undefined);
      } catch (e) {
        findingsNote = `The findings could not be computed: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (all) {
        const mine = new Set(info.resources);
        findings = all.findings
          .filter((f) => mine.has(f.resource.toLowerCase()))
          .map((f) => ({ id: f.id, severity: f.severity, title: f.title, message: f.message, fix: f.fix }));
      } else findingsNote ??= 'Open the Findings view to compute the findings of this estate.';
    }
    return {
      node: n,
      title: n.label,
      subtitle,
      facts,
      tables,
      members: info.members?.map(({ name, ip, ref }) => ({ name, ip, ref })),
      findings,
      findingsNote,
      caveats: dedupeCaveats(caveats),
    };
  }
}

const KIND_TITLE: Record<WebNodeKind, string> = {
  vnet: 'Virtual network',
  subnet: 'Subnet',
  nic: 'Network interface',
  nicGroup: 'Group of equivalent network interfaces',
  appliance: 'Virtual appliance',
  privateEndpoint: 'Private endpoint',
  loadBalancer: 'Load balancer',
  applicationGateway: 'Application gateway',
  firewall: 'Azure Firewall',
  gateway: 'Virtual network gateway',
  storage: 'Storage account',
  internet: 'The internet',
  onPremises: 'On-premises network (local network gateway)',
};

function readLocateBody(body: unknown): LocateItem[] | undefined {
  if (typeof body !== 'object' || body === null || !('items' in body) || !Array.isArray(body.items)) return undefined;
  const out: LocateItem[] = [];
  for (const x of body.items as unknown[]) {
    if (typeof x !== 'object' || x === null) {
      out.push({});
      continue;
    }
    const o = x as Record<string, unknown>;
    out.push({
      resource: typeof o.resource === 'string' ? o.resource : undefined,
      ip: typeof o.ip === 'string' ? o.ip : undefined,
      name: typeof o.name === 'string' ? o.name : undefined,
    });
  }
  return out;
}

function yes(b: boolean): string {
  return b ? 'yes' : 'no';
}

function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function vnetName(s: Snapshot, id: ResourceId): string {
  return s.virtualNetworks.get(id)?.name ?? id.split('/').pop() ?? id;
}

function subnetName(s: Snapshot, id: ResourceId): string {
  const sub = s.subnets.get(id.toLowerCase());
  return sub ? `${vnetName(s, sub.vnetId)}/${sub.name}` : id;
}

function ruleRow(s: Snapshot, r: SecurityRule): string[] {
  const asg = (ids: string[]) => ids.map((a) => `asg:${s.applicationSecurityGroups.get(a)?.name ?? a.split('/').pop()}`);
  return [
    r.direction,
    String(r.priority),
    `${r.collection}/${r.name}`,
    r.access,
    r.protocol === '*' ? 'Any' : r.protocol,
    [...r.sourceAddressPrefixes, ...asg(r.sourceAsgIds)].join(', '),
    r.sourcePortRanges.join(', '),
    [...r.destinationAddressPrefixes, ...asg(r.destinationAsgIds)].join(', '),
    r.destinationPortRanges.join(', '),
  ];
}

function nsgTable(s: Snapshot, nsg: NetworkSecurityGroup | undefined, id: ResourceId, association: string): DetailTable {
  const cols = ['Direction', 'Priority', 'Rule', 'Access', 'Protocol', 'Source', 'Source ports', 'Destination', 'Destination ports'];
  if (!nsg) return { title: `NSG ${id.split('/').pop()} (${association})`, columns: cols, rows: [], note: 'The NSG is not in the input.' };
  const order = (a: SecurityRule, b: SecurityRule) => (a.direction === b.direction ? a.priority - b.priority : a.direction === 'Inbound' ? -1 : 1);
  const rules = [...nsg.securityRules].sort(order).concat([...nsg.defaultSecurityRules].sort(order));
  return { title: `NSG ${nsg.name} (${association})`, columns: cols, rows: rules.map((r) => ruleRow(s, r)) };
}

function dedupeCaveats(list: { code: string; message: string }[]): { code: string; message: string }[] {
  const seen = new Set<string>();
  return list.filter((c) => (seen.has(c.code + c.message) ? false : (seen.add(c.code + c.message), true)));
}
