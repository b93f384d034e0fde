// Microsoft.Network/ipGroups: address lists that firewall rules refer to.

import type { IpGroup } from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import type { Store } from '../store.ts';
import { readFirewallAddresses } from '../values.ts';
import { resourceBase } from './base.ts';

export function readIpGroup(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const g: IpGroup = { kind: 'ipGroup', ...b, ipAddresses: readFirewallAddresses(f, 'ipAddresses') };
  store.add(store.snap.ipGroups, g, 'IP group');
}
