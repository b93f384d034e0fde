// A trace as text: one block per hop, the steps that decided each stage, and for a blocked flow
// the step that blocked it and what would have to change. Renders core's Trace objects only.

import type { Hop, Step, Trace } from '../../core/index.ts';
import { shortName } from '../common.ts';
import { paint, renderCaveats } from './table.ts';

function stepText(s: Step): string {
  switch (s.kind) {
    case 'nsg':
      return `NSG ${s.nsgName} (${s.side}, ${s.direction}): ${s.access} by ${s.rule} [priority ${s.priority}]`;
    case 'route':
      return `route ${s.addressPrefix} -> ${s.nextHopType}${s.nextHopIpAddress ? ' ' + s.nextHopIpAddress : ''} (${s.source}${s.route ? ` route ${s.route}` : ''}${s.routeTable ? ` in ${shortName(s.routeTable)}` : ''}; ${s.reason === 'longest-prefix' ? 'longest prefix' : s.reason === 'system-over-bgp' ? 'system route over BGP' : 'service endpoint'})`;
    case 'peering':
      return `peering ${shortName(s.peering)} to ${shortName(s.remoteVnet)}: ${s.access} (${s.detail})`;
    case 'forwarding':
      return `IP forwarding on ${shortName(s.nic)}: ${s.enableIPForwarding ? 'enabled' : 'disabled'}`;
    case 'firewall':
      return `firewall ${shortName(s.firewall)}: ${s.action} by ${s.ruleType}${s.rule ? ` rule ${s.rule}` : ''}${s.ruleCollection ? ` (${s.ruleCollection}${s.ruleCollectionGroup ? ` / ${s.ruleCollectionGroup}` : ''})` : ''}`;
    case 'nat':
      return `${s.type} ${s.from} -> ${s.to} by ${s.by}`;
    case 'egress':
      return `egress: ${s.method}${s.resource ? ` ${shortName(s.resource)}` : ''} (${s.detail})`;
    case 'entry':
      return `entry: ${s.via} ${shortName(s.resource)}${s.frontendPort !== undefined ? ` port ${s.frontendPort}` : ''}${s.backendPort !== undefined ? ` -> ${s.backendPort}` : ''} (${s.detail})`;
    case 'service':
      return `service ${shortName(s.resource)}: ${s.access} by ${s.rule} (${s.detail})`;
    case 'deliver':
      return `delivered`;
    case 'note':
      return s.detail;
  }
}

function hopBlock(label: string, h: Hop, color: boolean): string[] {
  const lines = [`${label.padEnd(7)}${paint(h.name, 'bold', color)} ${h.ip} [${h.kind}]`];
  for (const s of h.steps) {
    const deny = (s.kind === 'nsg' && s.access === 'Deny') || (s.kind === 'firewall' && s.action === 'Deny') || (s.kind === 'service' && s.access === 'Deny') || (s.kind === 'peering' && s.access === 'Deny');
    lines.push(`       ${paint(stepText(s), deny ? 'bad' : undefined, color)}`);
  }
  return lines;
}

export function renderTraceText(t: Trace, color: boolean, alternatives = 0): string {
  const f = t.flow;
  const head = `${t.source.name} (${f.src}) -> ${f.dst} ${f.protocol}${f.dstPort !== undefined ? `/${f.dstPort}` : ''}: ${paint(t.disposition, t.reachable ? 'good' : 'bad', color)}`;
  const lines = [head, '', ...hopBlock('source', t.source, color)];
  t.hops.forEach((h, i) => lines.push(...hopBlock(`${i + 1}`, h, color)));
  if (t.stoppedBy) {
    const sb = t.stoppedBy;
    lines.push('');
    lines.push(paint(`Stopped at ${sb.stage}${sb.rule ? ` by ${sb.rule}` : ''}${sb.nsg ? ` in ${shortName(sb.nsg)}` : ''}${sb.resource && !sb.nsg ? ` (${shortName(sb.resource)})` : ''}`, 'bad', color));
    if (sb.detail) lines.push(`  ${sb.detail}`);
    if (sb.fix) lines.push(`  To allow it: ${sb.fix}`);
  }
  if (alternatives > 0) lines.push('', `(${alternatives} other entry point${alternatives > 1 ? 's' : ''} also match; --json lists the chosen one)`);
  return lines.join('\n') + '\n' + renderCaveats(t.caveats, color);
}
