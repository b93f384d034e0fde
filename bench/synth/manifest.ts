// MANIFEST.txt: what an estate folder holds (tier, seed, files, counts, planted mistakes).
// Deterministic: no dates, no timings.

import type { EstatePlan } from './plan.ts';
import { ESTATE_SUPERNET, REGION_PREFIX_LENGTH, VNET_PREFIX_LENGTH } from './shape.ts';
import { CHILD_TYPES, type EstateCounts } from './tiers.ts';

export interface ManifestFile {
  name: string;
  bytes: number;
  resources: number;
}

export function renderManifest(plan: EstatePlan, counts: EstateCounts, files: readonly ManifestFile[]): string {
  const t = plan.tier;
  const lines: string[] = [];
  const total = files.reduce((n, f) => n + f.bytes, 0);
  lines.push('ztpath synthetic enterprise estate');
  lines.push(`tier: ${t.tier}`);
  lines.push(`seed: ${plan.seed}`);
  lines.push(`layout: ${t.hubs} hubs (one per region), ${t.spokesPerHub} spokes per hub, ${t.workloadSubnetsPerSpoke} workload subnets + 1 private-endpoint subnet per spoke`);
  lines.push(`addressing: VNets in ${ESTATE_SUPERNET}; region i owns the i-th /${REGION_PREFIX_LENGTH}; hub = its first /${VNET_PREFIX_LENGTH}, spokes the next ones; no address spaces overlap (none planted)`);
  lines.push(`on-premises: site i = 192.168.i.0/24 and a /20 in 172.16.0.0/12, behind each hub's VPN gateway`);
  lines.push(`connectivity subscription: ${plan.connectivitySubscriptionId}`);
  lines.push(`landing-zone subscriptions: ${plan.landingZoneSubscriptionIds.length}`);
  lines.push('');
  lines.push(`files (${files.length}, ${total} bytes):`);
  for (const f of files) lines.push(`  ${f.name}  ${f.bytes} bytes  ${f.resources} resources`);
  lines.push('');
  lines.push('counts:');
  const width = Math.max(...Object.keys(counts).map((k) => k.length));
  for (const [type, n] of Object.entries(counts)) {
    lines.push(`  ${type.padEnd(width)}  ${n}${CHILD_TYPES.has(type as keyof EstateCounts) ? '  (embedded)' : ''}`);
  }
  lines.push('');
  lines.push(`planted mistakes (${plan.mistakes.length}):`);
  for (const m of plan.mistakes) {
    lines.push(`  [${m.kind}] ${m.summary}`);
    for (const r of m.resources) lines.push(`      ${r.name}  ${r.id}`);
  }
  lines.push('');
  lines.push('by design (not mistakes): GatewaySubnet and AzureFirewallSubnet have no NSG; each hub firewall DNATs its public IP:443');
  lines.push('to a web VM of the hub\'s first spoke; spokes with a load balancer allow Internet -> web:443; hub VM subnets reach');
  lines.push('spokes directly over the peering; regions talk hub to hub only (spoke traffic does not cross regions).');
  return `${lines.join('\n')}\n`;
}
