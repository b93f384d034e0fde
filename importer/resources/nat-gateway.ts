// Microsoft.Network/natGateways. The subnets' `natGateway` field is the truth; the gateway's own
// `subnets` list is a mirror, merged with it when the session finishes.

import type { NatGateway } from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import type { Store } from '../store.ts';
import { resourceBase } from './base.ts';

export function readNatGateway(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const nat: NatGateway = {
    kind: 'natGateway',
    ...b,
    publicIpIds: f.refs(f.key('publicIpAddresses', 'publicIPAddresses')),
    subnetIds: f.refs('subnets'),
  };
  store.add(store.snap.natGateways, nat, 'NAT gateway');
}
