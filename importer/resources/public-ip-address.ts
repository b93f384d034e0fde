// Microsoft.Network/publicIPAddresses.

import type { PublicIpAddress } from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import type { Store } from '../store.ts';
import { readIp } from '../values.ts';
import { resourceBase } from './base.ts';

export function readPublicIpAddress(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const pip: PublicIpAddress = {
    kind: 'publicIpAddress',
    ...b,
    ipAddress: readIp(f, 'ipAddress'),
    sku: readSku(f, b.name),
    allocationMethod: f.str(f.key('publicIPAllocationMethod', 'publicIpAllocationMethod')),
    ipConfigurationId: f.ref('ipConfiguration'),
  };
  store.add(store.snap.publicIpAddresses, pip, 'public IP address');
}

/**
 * No sku in the export: the ARM default for public IPs created before the 2025 change was Basic,
 * which is also the cautious reading (open by default, rule 14.5). Said, not guessed silently.
 */
function readSku(f: Fields, name: string): string {
  const sku = f.sub('sku')?.str('name');
  if (sku !== undefined) return sku;
  f.info('field.missing', 'sku', `public IP ${name} has no sku; assumed Basic (open by default)`);
  return 'Basic';
}
