// What every view shares: the backend, the graph, the side panel, the status line, and locate
// (resource ids in an answer -> the topology nodes that show them).

import type { Backend, LocateItem, MetaAnswer, SearchResult } from './api.ts';
import type { Graph } from './graph.ts';

export type ViewName = 'topology' | 'trace' | 'blast' | 'exposure' | 'findings' | 'matrix' | 'whatif';

export interface View {
  name: ViewName;
  title: string;
  /** Show the view in the panel (and draw its layer on the graph). */
  enter(panel: HTMLElement, params: URLSearchParams): void | Promise<void>;
  leave?(): void;
  /** A node was clicked; true when the view used it. */
  onNodeTap?(id: string): boolean | Promise<boolean>;
  onHover?(id: string | null, x: number, y: number): void;
  /** A search result was chosen; true when the view used it. */
  onSearchPick?(r: SearchResult): boolean;
  /** The matrix replaces the graph. */
  replacesGraph?: boolean;
}

export interface App {
  backend: Backend;
  graph: Graph;
  meta: MetaAnswer;
  current(): ViewName;
  show(view: ViewName, params?: Record<string, string>): Promise<void>;
  status(text: string, tone?: 'info' | 'error' | 'busy'): void;
  locate(items: LocateItem[]): Promise<(string | null)[]>;
  /** Node details in the topology view. */
  select(nodeId: string): Promise<void>;
  tooltip(lines: string[] | null, x?: number, y?: number): void;
}
