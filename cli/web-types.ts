// The JSON shapes of the web view's API (`ztpath serve` answers them over HTTP; the report answers
// them in the page, with the same code). Answers of questions the CLI also asks (trace, reach,
// blast, exposure, findings, matrix, whatif) are exactly what the CLI's --json prints; the shapes
// here are the view's own: the topology graph, a node's details, search and locate.
//
// web/src/api.ts mirrors these types (web/ and cli/ never import each other); test/web/types.test.ts
// checks that the two stay assignable.

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
  /** Short id, stable for one snapshot (`v3`, `s12`, `n40`...). */
  id: string;
  kind: WebNodeKind;
  label: string;
  /** The compound parent: a subnet's VNet, an endpoint's subnet. */
  parent?: string;
  /**
   * What to pass as REF to trace, reach and blast (an id, `internet`, or an address). Only in
   * details: the topology leaves it out (the API takes `@NODE` for a node's REF).
   */
  ref?: string;
  /** The resource id as the input spelled it (details only). */
  resource?: string;
  /** Private address(es), or a range for a group. */
  ip?: string;
  /** Address space / prefixes. */
  prefix?: string;
  /** Members of a group of equivalent NICs. */
  count?: number;
  /** VNets: NICs and other endpoints inside (shown when collapsed). */
  endpoints?: number;
  /** VNets: subnets inside. */
  subnets?: number;
  /** A VNet that a peering names but the input does not hold. */
  missing?: boolean;
}

export type WebEdgeKind = 'peering' | 'gatewayConnection' | 'privateLink' | 'publicIp' | 'loadBalancer' | 'applicationGateway' | 'serviceEndpoint';

export interface WebEdge {
  id: string;
  source: string;
  target: string;
  kind: WebEdgeKind;
  label?: string;
  /** Peering or connection not (fully) connected. */
  down?: boolean;
  /** Collapsed view: this edge stands for `count` edges between the insides of two nodes. */
  count?: number;
  aggregated?: boolean;
}

export interface TopologyAnswer {
  title: string;
  /** Set when the answer is the inside of one (collapsed) VNet. */
  vnet?: string;
  /** NICs that no rule tells apart are shown as one node per group. */
  grouped: boolean;
  /** The view opens with one node per VNet (expand on click). */
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

export interface DetailMember {
  name: string;
  ip: string;
  ref: string;
}

export interface DetailFinding {
  id: string;
  severity: string;
  title: string;
  message: string;
  fix?: string;
}

export interface NodeDetails {
  node: WebNode;
  title: string;
  subtitle: string;
  facts: { label: string; value: string }[];
  tables: DetailTable[];
  members?: DetailMember[];
  /** Findings about this resource; null when findings are not computed yet (or not available). */
  findings: DetailFinding[] | null;
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
  /** Why what-if is off (no --change, or not in this version). */
  whatifNote?: string;
  /** What reading the change file found, one line each: errors and warnings (a change Azure would refuse). */
  whatifDiagnostics?: string[];
  counts: TopologyAnswer['counts'];
  diagnostics: { errors: number; warnings: number };
  serviceTags: string;
  /** Answers already in hand (report mode: precomputed). */
  precomputed?: string[];
}
