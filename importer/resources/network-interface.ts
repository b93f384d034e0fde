// Microsoft.Network/networkInterfaces and their ipConfigurations.

import type { IpConfiguration, NetworkInterface } from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import type { Store } from '../store.ts';
import { readIp } from '../values.ts';
import { childIdentity, idOf, resourceBase } from './base.ts';

export function readNetworkInterface(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const ipConfigurations: IpConfiguration[] = [];
  let primaryCount = 0;
  f.each(
    'ipConfigurations',
    (c) => {
      const who = childIdentity(c, b.displayId, 'ipConfigurations', 'ip configuration');
      if (!who) return;
      const primary = c.bool('primary', false);
      if (primary) primaryCount++;
      ipConfigurations.push({
        id: who.id,
        displayId: who.displayId,
        name: who.name,
        nicId: b.id,
        subnetId: c.ref('subnet'),
        privateIp: readIp(c, c.key('privateIPAddress', 'privateIpAddress')),
        primary,
        publicIpId: c.ref(c.key('publicIPAddress', 'publicIpAddress')),
        asgIds: c.refs('applicationSecurityGroups'),
        loadBalancerBackendPoolIds: c.refs('loadBalancerBackendAddressPools'),
        loadBalancerInboundNatRuleIds: c.refs('loadBalancerInboundNatRules'),
        applicationGatewayBackendPoolIds: c.refs('applicationGatewayBackendAddressPools'),
        source: c.source(),
      });
    },
    idOf,
  );
  if (primaryCount === 0 && ipConfigurations.length > 0) {
    // Azure marks exactly one configuration primary; a single one is primary by definition.
    ipConfigurations[0].primary = true;
    if (ipConfigurations.length > 1) {
      f.warn('field.missing', 'ipConfigurations', `network interface ${b.name} marks no ip configuration as primary; using the first, ${ipConfigurations[0].name}`);
    }
  }
  const nic: NetworkInterface = {
    kind: 'networkInterface',
    id: b.id,
    displayId: b.displayId,
    name: b.name,
    location: b.location,
    tags: b.tags,
    source: b.source,
    ipConfigurations,
    nsgId: f.ref('networkSecurityGroup'),
    enableIpForwarding: f.bool(f.key('enableIPForwarding', 'enableIpForwarding'), false),
    vmId: f.ref('virtualMachine'),
    privateEndpointId: f.ref('privateEndpoint'),
  };
  store.add(store.snap.networkInterfaces, nic, 'network interface');
}
