declare module 'cytoscape-fcose' {
  import type { Ext } from 'cytoscape';
  const fcose: Ext;
  export default fcose;
}

interface ZtpathEngineGlobal {
  createEngine(input: unknown): { answer(method: string, path: string, query: string, body?: unknown): { status: number; body: unknown } };
}

interface Window {
  ZtpathEngine?: ZtpathEngineGlobal;
  __ztpath?: Record<string, unknown>;
}
