// The web view's side of the API. The view asks questions and draws the answers; core computes
// them (on the server with `ztpath serve`, or in the page with the report's bundled engine).
// The view's own shapes mirror cli/web-types.ts (web/ and cli/ never import each other;
// test/web/types.test.ts checks that both stay assignable). Answers the CLI also gives are core's
// own types.

export type { Trace, Hop, Step, FindingsAnswer, Finding, WhatIfAnswer, FlowChange, ReachAnswer } from '../../core/index.ts';

export type WebNodeKind =
  | 'vnet'
  | 'subnet'
  | 'nic'
  | 'nicGroup'
  | 'appliance'
  | 'privateEndpoint'
  | 'loadBalancer'
  | 'applicationGateway'
  | 'firewall'
  | 'gateway'
  | 'storage'
  | 'internet'
  | 'onPremises';

export interface WebNode {
  id: string;
  kind: WebNodeKind;
  label: string;
  parent?: string;
  ref?: string;
  resource?: string;
  ip?: string;
  prefix?: string;
  count?: number;
  endpoints?: number;
  subnets?: number;
  missing?: boolean;
}

export type WebEdgeKind = 'peering' | 'gatewayConnection' | 'privateLink' | 'publicIp' | 'loadBalancer' | 'applicationGateway' | 'serviceEndpoint';

export interface WebEdge {
  id: string;
  source: string;
  target: string;
  kind: WebEdgeKind;
  label?: string;
  down?: boolean;
  count?: number;
  aggregated?: boolean;
}

export interface TopologyAnswer {
  title: string;
  vnet?: string;
  grouped: boolean;
  collapsed: boolean;
  nodes: WebNode[];
  edges: WebEdge[];
  counts: { vnets: number; subnets: number; nics: number; endpoints: number; groups: number; nodes: number; edges: number };
}

export interface DetailTable {
  title: string;
  columns: string[];
  rows: string[][];
  note?: string;
}

export interface NodeDetails {
  node: WebNode;
  title: string;
  subtitle: string;
  facts: { label: string; value: string }[];
  tables: DetailTable[];
  members?: { name: string; ip: string; ref: string }[];
  findings: { id: string; severity: string; title: string; message: string; fix?: string }[] | null;
  findingsNote?: string;
  caveats: { code: string; message: string }[];
}

export interface SearchResult {
  node: string;
  label: string;
  kind: WebNodeKind;
  detail: string;
  ref?: string;
}

export interface LocateItem {
  resource?: string;
  ip?: string;
  name?: string;
}

export interface MetaAnswer {
  title: string;
  version: string;
  mode: 'serve' | 'report' | 'dev';
  features: { exposure: boolean; blast: boolean; matrix: boolean; findings: boolean; whatif: boolean; reach: boolean };
  whatifNote?: string;
  whatifDiagnostics?: string[];
  counts: TopologyAnswer['counts'];
  diagnostics: { errors: number; warnings: number };
  serviceTags: string;
  precomputed?: string[];
}

// ---- answers of core questions that core/index.ts may not export types for yet ----

export interface Caveat {
  code: string;
  message: string;
}

export interface AllowedPorts {
  protocol: string;
  ports: string[];
}

export interface ExposedItem {
  resource: string;
  name: string;
  kind: string;
  ip?: string;
  subnet?: string;
  entry: { via: string; resource: string; name: string; publicIp?: string; frontendPort?: number; frontendPortRange?: string; backendPort?: number; protocol?: string; rule?: string; fqdn?: string };
  allowed: { protocol: string; ports: string[]; sources: string[]; anySource: boolean; example: { src: string; dst: string; protocol: string; dstPort?: number } }[];
}

/** What `ztpath exposure --json` prints. */
export interface ExposureAnswer {
  exposed: ExposedItem[];
  caveats: Caveat[];
}

export interface BlastStep {
  from: string;
  to: string;
  fromIp: string;
  toIp: string;
  protocol: string;
  ports: string[];
}

export interface BlastReached {
  resource: string;
  name: string;
  kind: string;
  ip?: string;
  subnet?: string;
  depth: number;
  path: BlastStep[];
  via?: string;
  through?: string;
  critical?: string;
}

/** One VNet (or subnet) reached, summed up (`ztpath blast --by`). */
export interface BlastGroup {
  kind: 'vnet' | 'subnet' | 'storageAccounts';
  name: string;
  id: string | null;
  reached: number;
  hosts: number;
  privateEndpoints: number;
  storageAccounts: number;
  nearestDepth: number;
  critical: number;
  open: { protocol: string; ports: string[] }[];
}

/** What `ztpath blast --json` prints (with `groups` when asked `--by`). */
export interface BlastAnswer {
  reached: BlastReached[];
  exits: { kind: 'internet' | 'onPremises'; target: string; destinations: string[]; depth: number; path: BlastStep[] }[];
  critical: unknown[];
  groups?: BlastGroup[];
  summary: {
    from: { resource: string; name: string; ip: string; subnet: string };
    ports: string[] | 'any';
    endpoints: number;
    hosts: number;
    privateEndpoints: number;
    storageAccounts: number;
    exits: string[];
    maxDepth: number;
    byDepth: Record<string, number>;
  };
  caveats: Caveat[];
}

export interface MatrixAnswer {
  by: string;
  ports: string[] | 'any';
  groups: { id: string; name: string; endpoints: number }[];
  cells: { from: string; to: string; fromId: string; toId: string; allowed: AllowedPorts[]; defaultRulesOnly: boolean; inboundDefaultRulesOnly?: boolean; nsgOnPath?: boolean; example?: { src: string; dst: string; protocol: string; dstPort?: number } }[];
  summary: Record<string, number>;
  caveats: Caveat[];
}

// ---- transport ----

export type Reply<T> = { ok: true; body: T } | { ok: false; status: number; error: string; body: unknown };

export type Params = Record<string, string | number | boolean | undefined | null>;

export interface Backend {
  readonly mode: 'serve' | 'report';
  get<T>(path: string, params?: Params): Promise<Reply<T>>;
  post<T>(path: string, body: unknown): Promise<Reply<T>>;
}

export function toQuery(params: Params = {}): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    q.set(k, v === true ? '1' : String(v));
  }
  return q;
}

/** The same key cli/web-data.ts canonicalKey() gives a request (precomputed answers use it). */
export function canonicalKey(path: string, query: URLSearchParams): string {
  const pairs = [...query.entries()].filter(([, v]) => v !== '').sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const q = new URLSearchParams(pairs).toString();
  return q ? `${path}?${q}` : path;
}

function errorOf(body: unknown, status: number): string {
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string') return body.error;
  return `request failed (${status})`;
}

/** What a slow request is computing, for the status line. */
const QUESTION_NAMES: Record<string, string> = {
  '/api/blast': 'the blast radius',
  '/api/matrix': 'the reachability matrix',
  '/api/findings': 'the findings',
  '/api/exposure': 'the exposure',
  '/api/whatif': 'the what-if comparison',
  '/api/reach': 'what gets through',
  '/api/trace': 'the trace',
};

/** A request still unanswered after this long shows as "computing..." until it is answered. */
const BUSY_AFTER_MS = 250;

/** `ztpath serve`: the questions go to the server. */
export class HttpBackend implements Backend {
  readonly mode = 'serve' as const;
  private readonly busy = new Map<number, string>();
  private seq = 0;

  /** onBusy: what the server is computing for the page (empty when nothing). */
  constructor(private readonly onBusy: (what: string[]) => void = () => {}) {}

  async get<T>(path: string, params?: Params): Promise<Reply<T>> {
    const q = toQuery(params).toString();
    return this.send<T>(q ? `${path}?${q}` : path, { method: 'GET' });
  }

  async post<T>(path: string, body: unknown): Promise<Reply<T>> {
    return this.send<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  private async send<T>(url: string, init: RequestInit): Promise<Reply<T>> {
    const id = ++this.seq;
    const name = QUESTION_NAMES[url.split('?')[0]];
    const timer = name
      ? setTimeout(() => {
          this.busy.set(id, name);
          this.onBusy([...new Set(this.busy.values())]);
        }, BUSY_AFTER_MS)
      : undefined;
    try {
      let res: Response;
      try {
        res = await fetch(url, init);
      } catch (e) {
        return { ok: false, status: 0, error: `the ztpath server does not answer (${e instanceof Error ? e.message : String(e)}); is \`ztpath serve\` still running?`, body: null };
      }
      const body: unknown = await res.json().catch(() => null);
      if (res.ok) return { ok: true, body: body as T };
      return { ok: false, status: res.status, error: errorOf(body, res.status), body };
    } finally {
      clearTimeout(timer);
      if (this.busy.delete(id)) this.onBusy([...new Set(this.busy.values())]);
    }
  }
}

/** The report: answers computed beforehand, and the bundled engine for any other question. */
export class LocalBackend implements Backend {
  readonly mode = 'report' as const;
  private engine: ReturnType<NonNullable<Window['ZtpathEngine']>['createEngine']> | undefined;
  private engineError: string | undefined;

  constructor(
    private readonly precomputed: Record<string, unknown>,
    private readonly inputs: () => unknown,
    private readonly onBusy: (busy: boolean) => void = () => {},
  ) {}

  async get<T>(path: string, params?: Params): Promise<Reply<T>> {
    const q = toQuery(params);
    const key = canonicalKey(path, q);
    if (key in this.precomputed) return { ok: true, body: this.precomputed[key] as T };
    return this.ask<T>('GET', path, q.toString());
  }

  async post<T>(path: string, body: unknown): Promise<Reply<T>> {
    return this.ask<T>('POST', path, '', body);
  }

  private async ask<T>(method: string, path: string, query: string, body?: unknown): Promise<Reply<T>> {
    if (!this.engine && !this.engineError) {
      this.onBusy(true);
      // Let the page paint "computing" before the synchronous import and compile.
      await new Promise((r) => setTimeout(r, 30));
      try {
        const factory = window.ZtpathEngine;
        if (!factory) throw new Error('the report has no engine script');
        this.engine = factory.createEngine(this.inputs());
      } catch (e) {
        this.engineError = e instanceof Error ? e.message : String(e);
      }
    }
    if (!this.engine) {
      this.onBusy(false);
      return { ok: false, status: 500, error: `the engine in this report could not start: ${this.engineError}`, body: null };
    }
    this.onBusy(true);
    await new Promise((r) => setTimeout(r, 0));
    try {
      const r = this.engine.answer(method, path, query, body);
      if (r.status >= 200 && r.status < 300) return { ok: true, body: r.body as T };
      return { ok: false, status: r.status, error: errorOf(r.body, r.status), body: r.body };
    } finally {
      this.onBusy(false);
    }
  }
}
