// Helpers shared by the rule-book tests of this folder.

import { computeEffectiveRoutesView, type DataPlane } from '../../../core/index.ts';

/** Rows of a subnet's effective routes, `source state prefixes nextHopType [ips]`. */
export function rows(dp: DataPlane, subnetId: string): string[] {
  return computeEffectiveRoutesView(dp, subnetId.toLowerCase()).value.map(
    (r) => `${r.source} ${r.state} ${r.addressPrefix.join(',')} ${r.nextHopType}${r.nextHopIpAddress.length ? ' ' + r.nextHopIpAddress.join(',') : ''}`,
  );
}

export function codes(list: { code: string }[]): string[] {
  return list.map((c) => c.code);
}
