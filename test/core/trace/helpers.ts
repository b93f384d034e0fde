import { computeReach, resolveRef, traceFlow, type DataPlane, type Trace, type ReachAnswer } from '../../../core/index.ts';

export function ref(dp: DataPlane, text: string) {
  const r = resolveRef(dp, text);
  if (!r.ok) throw new Error(`${text}: ${r.message}`);
  return r.ref;
}

export function trace(dp: DataPlane, from: string, to: string, protocol: 'Tcp' | 'Udp' | 'Icmp', port?: number, o: { viaPublicIp?: boolean; fqdn?: string; endpoint?: string; srcPort?: number; gatewayId?: string } = {}): Trace {
  const r = traceFlow(dp, { from: ref(dp, from), to: ref(dp, to), protocol: protocol === 'Tcp' ? 6 : protocol === 'Udp' ? 17 : 1, dstPort: port, ...o });
  if (!r.ok) throw new Error(r.error);
  return r.trace;
}

export function reach(dp: DataPlane, from: string, to: string, o: { viaPublicIp?: boolean; endpoint?: string; gatewayId?: string } = {}): ReachAnswer {
  return computeReach(dp, { from: ref(dp, from), to: ref(dp, to), ...o });
}

/** `kind:name` of each hop, for compact path assertions. */
export function path(t: Trace): string[] {
  return t.hops.map((h) => `${h.kind}:${h.name}`);
}
