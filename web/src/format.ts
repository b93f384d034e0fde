// Text for the answers' data (steps, ports, flows). The answers already say what decided what:
// these functions only put it in words.

import type { Step, Trace } from './api.ts';

export function short(id: string | undefined): string {
  if (!id) return '';
  const parts = id.replace(/\/+$/, '').split('/');
  return parts[parts.length - 1] || id;
}

export function stepText(s: Step): string {
  switch (s.kind) {
    case 'nsg':
      return `NSG ${s.nsgName} (${s.side}, ${s.direction}): ${s.access} by ${s.rule} [priority ${s.priority}]`;
    case 'route':
      return `route ${s.addressPrefix} -> ${s.nextHopType}${s.nextHopIpAddress ? ` ${s.nextHopIpAddress}` : ''} (${s.source}${s.route ? ` route ${s.route}` : ''}${s.routeTable ? ` in ${short(s.routeTable)}` : ''}; ${s.reason})`;
    case 'peering':
      return `peering ${short(s.peering)} to ${short(s.remoteVnet)}: ${s.access} (${s.detail})`;
    case 'forwarding':
      return `IP forwarding on ${short(s.nic)}: ${s.enableIPForwarding ? 'enabled' : 'disabled'}`;
    case 'firewall':
      return `firewall ${short(s.firewall)}: ${s.action}${s.rule ? ` by ${s.ruleType} rule ${s.rule}` : ` (${s.ruleType})`}${s.ruleCollection ? ` (${s.ruleCollection}${s.ruleCollectionGroup ? ` / ${s.ruleCollectionGroup}` : ''})` : ''}`;
    case 'nat':
      return `${s.type} ${s.from} -> ${s.to} by ${s.by}`;
    case 'egress':
      return `egress via ${s.method}${s.resource ? ` ${short(s.resource)}` : ''}: ${s.detail}`;
    case 'entry':
      return `entry via ${s.via} ${short(s.resource)}${s.frontendPort !== undefined ? ` port ${s.frontendPort}${s.backendPort !== undefined ? ` -> ${s.backendPort}` : ''}` : ''}: ${s.detail}`;
    case 'service':
      return `service ${short(s.resource)}: ${s.access} by ${s.rule} (${s.detail})`;
    case 'deliver':
      return s.detail || 'delivered';
    case 'note':
      return s.detail;
  }
}

/** Allow, deny or neutral, for colouring a step. */
export function stepTone(s: Step): 'allow' | 'deny' | 'neutral' {
  if (s.kind === 'nsg' || s.kind === 'peering' || s.kind === 'service') return s.access === 'Allow' ? 'allow' : 'deny';
  if (s.kind === 'firewall') return s.action === 'Allow' ? 'allow' : 'deny';
  if (s.kind === 'route') return s.nextHopType === 'None' ? 'deny' : 'neutral';
  if (s.kind === 'forwarding') return s.enableIPForwarding ? 'neutral' : 'deny';
  if (s.kind === 'deliver') return 'allow';
  return 'neutral';
}

export function flowText(t: Trace): string {
  const f = t.flow;
  return `${f.src} -> ${f.dst} ${f.protocol}${f.dstPort !== undefined ? `/${f.dstPort}` : ''}`;
}

export function portsText(p: { protocol: string; ports: string[] }): string {
  return p.ports.length ? `${p.protocol} ${p.ports.join(', ')}` : p.protocol;
}

/** How many ports (per protocol) an allowed list opens: for heat colours. */
export function breadth(allowed: { protocol: string; ports: string[] }[]): number {
  let n = 0;
  for (const a of allowed) {
    if (!a.ports.length) {
      n += 1;
      continue;
    }
    for (const p of a.ports) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(p.trim());
      if (!m) n += 65536;
      else n += (m[2] ? Number(m[2]) : Number(m[1])) - Number(m[1]) + 1;
    }
  }
  return n;
}
