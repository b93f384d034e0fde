// Microsoft.Network/privateEndpoints.

import type { PrivateEndpoint } from '../../core/model/index.ts';
import { parseIPv4 } from '../../core/sets/index.ts';
import type { Fields } from '../fields.ts';
import { canonId } from '../ids.ts';
import type { Store } from '../store.ts';
import { readIp } from '../values.ts';
import { resourceBase } from './base.ts';

export function readPrivateEndpoint(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const privateIps: string[] = [];
  const addIp = (ip: string | undefined) => {
    if (ip !== undefined && !privateIps.includes(ip)) privateIps.push(ip);
  };
  f.each('ipConfigurations', (c) => addIp(readIp(c, c.key('privateIPAddress', 'privateIpAddress'))));
  f.each('customDnsConfigs', (c) => {
    const list = c.strList('ipAddresses');
    for (let i = 0; i < list.length; i++) {
      const ip = list[i].trim();
      if (parseIPv4(ip) !== undefined || ip.indexOf(':') >= 0) addIp(ip);
      else c.errorAt('ip.invalid', c.strPath('ipAddresses', i), `'${ip}' is not a valid IP address; skipped`);
    }
  });
  const connections: PrivateEndpoint['connections'] = [];
  for (const key of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections']) {
    f.each(key, (c) => {
      const target = c.str('privateLinkServiceId');
      if (target === undefined) {
        c.warn('field.missing', undefined, `private link connection has no privateLinkServiceId; skipped`);
        return;
      }
      connections.push({
        targetId: canonId(target),
        groupIds: c.strList('groupIds').slice(),
        status: c.sub('privateLinkServiceConnectionState')?.str('status') ?? '',
      });
    });
  }
  const pe: PrivateEndpoint = {
    kind: 'privateEndpoint',
    ...b,
    subnetId: f.ref('subnet'),
    nicIds: f.refs('networkInterfaces'),
    privateIps,
    connections,
  };
  store.add(store.snap.privateEndpoints, pe, 'private endpoint');
}
