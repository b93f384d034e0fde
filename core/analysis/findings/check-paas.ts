// ZT-PAAS-PUBLIC-ACCESS: storage accounts an internet client can reach. The public endpoint is
// filtered by the account's own network rules only (no NSG or route lies between a client on the
// internet and the service), evaluated by the same function the walker uses; the evidence is a
// trace of an internet client connecting on 443.

import { evaluateStorageAccess } from '../../trace/paas.ts';
import { INTERNET_SET } from '../../dataplane/well-known-addresses.ts';
import { cidrsToSet } from '../../sets/cidr.ts';
import { type FindingsContext, cmp, loc } from './context.ts';
import { describeAddresses, externalRef, pickAddress, traceEvidence } from './flows.ts';
import type { Finding } from './types.ts';

export function checkPaas(ctx: FindingsContext): Finding[] {
  const dp = ctx.dp;
  const out: Finding[] = [];
  for (const sa of [...dp.snapshot.storageAccounts.values()].sort((a, b) => cmp(a.id, b.id))) {
    const example = parseInt('c6336407', 16); // 198.51.100.7, an arbitrary internet client
    const open = evaluateStorageAccess(sa, { via: 'public', sourcePublicIp: example, sameRegion: false });
    let severity: 'high' | 'medium';
    let sources: string;
    let src = example;
    let why: string;
    if (open.access === 'Allow' && open.rule === 'networkAcls.defaultAction') {
      severity = 'high';
      sources = 'any network, including the internet';
      why = `publicNetworkAccess is ${sa.publicNetworkAccess ?? 'not set (Enabled)'} and networkAcls.defaultAction is Allow`;
    } else if (sa.publicNetworkAccess?.toLowerCase() !== 'disabled' && sa.networkAcls.defaultAction === 'Deny') {
      const rules = sa.networkAcls.ipRules.filter((r) => r.action.toLowerCase() === 'allow');
      const set = cidrsToSet(rules.map((r) => r.value)).set.intersect(INTERNET_SET);
      if (set.size() <= 65536) continue;
      severity = 'medium';
      sources = describeAddresses(set);
      src = pickAddress(set, [example])!;
      why = `networkAcls.ipRules admit ${set.size()} internet addresses`;
    } else continue;
    const t = traceEvidence(dp, { from: externalRef(src, 'internet'), to: { kind: 'storageAccount', storageAccountId: sa.id, label: sa.name }, protocol: 6, dstPort: 443 });
    t?.trace.caveats.forEach((c) => ctx.caveats.add(c));
    const evidence = t?.evidence ?? { allowedBy: [], routes: [] };
    const pes = [...dp.snapshot.privateEndpoints.values()].filter((p) => p.connections.some((c) => c.targetId === sa.id)).map((p) => p.name).sort(cmp);
    evidence.details = {
      publicNetworkAccess: sa.publicNetworkAccess ?? 'not set',
      defaultAction: sa.networkAcls.defaultAction,
      ipRules: sa.networkAcls.ipRules.map((r) => r.value),
      virtualNetworkRules: sa.networkAcls.virtualNetworkRules.length,
      privateEndpoints: pes,
    };
    out.push(
      ctx.finding({
        id: 'ZT-PAAS-PUBLIC-ACCESS',
        severity,
        resource: sa.displayId,
        name: sa.name,
        location: loc(sa.source),
        message: `Storage account ${sa.name} accepts connections from ${sources}: ${why}${pes.length ? ` (it also has private endpoint ${pes.join(', ')})` : ', and it has no private endpoint'}.`,
        evidence,
        fix: `Set networkAcls.defaultAction to Deny on ${sa.name} with virtual network rules or IP rules for its clients, or add a private endpoint and set publicNetworkAccess to Disabled.`,
      }),
    );
  }
  return out;
}
