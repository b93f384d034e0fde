// ZT-LARGEST-BLAST-RADIUS: the endpoints that, compromised, could reach the most of the estate
// (transitively), by the engine's blast-radius question. A blast radius costs a walk over the whole
// estate, so it is computed for a bounded set of likely footholds: the endpoints the internet can
// reach (exposure), then one NIC per VNet; the largest are reported (info).

import type { Endpoint } from '../../dataplane/address-index.ts';
import type { ResourceId } from '../../model/types.ts';
import { computeBlastRadius, type BlastAnswer } from '../blast.ts';
import { type FindingsContext, cmp, plural } from './context.ts';
import { endpointRef, traceEvidence } from './flows.ts';
import { parseIPv4 } from '../../sets/ipv4.ts';
import type { ExposureAnswer } from './exposure-source.ts';
import type { Finding, FindingEvidence } from './types.ts';

/** How many footholds are evaluated at most (each is a walk over the estate). */
export const BLAST_FOOTHOLDS = 4;

function footholds(ctx: FindingsContext, exposure: ExposureAnswer | undefined, max: number): { e: Endpoint; why: string }[] {
  const out: { e: Endpoint; why: string }[] = [];
  const seen = new Set<string>();
  const add = (e: Endpoint, why: string) => {
    if (e.kind !== 'nic' || out.length >= max) return;
    const k = ctx.classOf(e)?.key ?? `${e.vnetId}|${e.ip}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ e, why });
  };
  const exposed = [...(exposure?.items ?? [])].sort((a, b) => cmp(a.endpoint.vnetId, b.endpoint.vnetId) || a.endpoint.ip - b.endpoint.ip);
  for (const x of exposed) add(x.endpoint, 'reachable from the internet');
  const byVnet = new Map<ResourceId, Endpoint>();
  for (const c of ctx.classes) {
    const e = c.representative;
    if (e.kind === 'nic' && !byVnet.has(e.vnetId)) byVnet.set(e.vnetId, e);
  }
  for (const v of [...byVnet.keys()].sort(cmp)) add(byVnet.get(v)!, `a NIC of ${ctx.vnetName(v)}`);
  return out;
}

function size(a: BlastAnswer): number {
  return a.summary.endpoints + a.summary.storageAccounts;
}

/** Above this many NICs the check runs only on request (each blast radius walks the whole estate). */
export const BLAST_AUTO_MAX_NICS = 2000;

export function checkBlastRadius(ctx: FindingsContext, top: number, exposure?: ExposureAnswer, count?: number): Finding[] {
  const nics = ctx.dp.snapshot.networkInterfaces.size;
  const wanted = count ?? (nics <= BLAST_AUTO_MAX_NICS ? BLAST_FOOTHOLDS : 0);
  if (wanted === 0) {
    ctx.notJudged.add('ZT-LARGEST-BLAST-RADIUS');
    ctx.notes.push(count === 0 ? 'ZT-LARGEST-BLAST-RADIUS: skipped on request.' : `ZT-LARGEST-BLAST-RADIUS: skipped; the estate has ${nics} NICs (more than ${BLAST_AUTO_MAX_NICS}) and each blast radius walks all of it. Ask for it with --blast N (N footholds) or run 'ztpath blast'.`);
    return [];
  }
  const list = footholds(ctx, exposure, wanted);
  const answers: { e: Endpoint; why: string; a: BlastAnswer }[] = [];
  for (const f of list) {
    const a = computeBlastRadius(ctx.dp, { from: endpointRef(f.e) });
    if (a.error) continue;
    a.caveats.forEach((c) => ctx.caveats.add(c));
    answers.push({ ...f, a });
  }
  ctx.notes.push(`ZT-LARGEST-BLAST-RADIUS: blast radius computed for ${plural(answers.length, 'foothold')} (the internet-reachable endpoints first, then one NIC per VNet, at most ${wanted}); the largest ${Math.min(top, answers.length)} are reported.`);
  answers.sort((x, y) => size(y.a) - size(x.a) || cmp(x.e.vnetId, y.e.vnetId) || x.e.ip - y.e.ip);
  const out: Finding[] = [];
  for (const [rank, { e, why, a }] of answers.slice(0, top).entries()) {
    if (size(a) === 0) continue;
    const s = a.summary;
    const res = ctx.endpointResource(e);
    const first = a.reached.find((r) => r.depth === 1 && r.kind !== 'storageAccount') ?? a.reached[0];
    let evidence: FindingEvidence = { allowedBy: [], routes: [] };
    const step = first?.path[0];
    const target = step ? ctx.dp.addresses.byIp.get(parseIPv4(step.toIp) ?? -1)?.[0] : undefined;
    if (step && target) {
      const protocol = step.protocol === 'Tcp' ? 6 : step.protocol === 'Udp' ? 17 : 1;
      const port = step.ports[0] ? Number(step.ports[0].split('-')[0]) : undefined;
      const t = traceEvidence(ctx.dp, { from: endpointRef(e), to: endpointRef(target), protocol, dstPort: port });
      if (t) evidence = t.evidence;
    }
    const names = a.reached.slice(0, 6).map((r) => `${r.name} (depth ${r.depth})`);
    evidence.details = {
      endpoints: s.endpoints,
      hosts: s.hosts,
      privateEndpoints: s.privateEndpoints,
      storageAccounts: s.storageAccounts,
      exits: s.exits,
      maxDepth: s.maxDepth,
      reached: names,
    };
    const exits = s.exits.length ? `, and exit to ${s.exits.map((x) => (x === 'onPremises' ? 'on-premises' : x)).join(' and ')}` : '';
    out.push(
      ctx.finding({
        id: 'ZT-LARGEST-BLAST-RADIUS',
        severity: 'info',
        resource: res.resource,
        name: res.name,
        location: res.location,
        message: `Blast radius #${rank + 1} of ${answers.length} footholds evaluated: if ${ctx.endpointLabel(e)} (${why}) were compromised, it could reach ${plural(s.hosts, 'host')}, ${plural(s.privateEndpoints, 'private endpoint')} and ${plural(s.storageAccounts, 'storage account')}${s.maxDepth > 1 ? ` (up to ${s.maxDepth} hops away)` : ''}${exits}: e.g. ${names.slice(0, 4).join(', ')}.`,
        evidence,
        fix: `Segment ${ctx.endpointName(e)}: restrict its outbound NSG rules and the firewall rules for its subnet to the flows it needs (run 'ztpath blast' for the paths).`,
        related: ctx.relatedFromEvidence(evidence),
      }),
    );
  }
  return out;
}
