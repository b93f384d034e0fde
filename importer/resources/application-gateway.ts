// Microsoft.Network/applicationGateways: the parts that decide reachability (subnet, frontends,
// listeners, backend pools and settings, routing rules).

import type { ApplicationGateway, ApplicationGatewayBackendPool, ResourceId } from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import type { Store } from '../store.ts';
import { readIp } from '../values.ts';
import { childIdentity, idOf, resourceBase } from './base.ts';

export function readApplicationGateway(f: Fields, store: Store): void {
  const b = resourceBase(f);
  let subnetId: ResourceId | undefined;
  f.each('gatewayIPConfigurations', (c) => {
    subnetId ??= c.ref('subnet');
  });
  const frontends: ApplicationGateway['frontends'] = [];
  f.each(
    'frontendIPConfigurations',
    (c) => {
      const who = childIdentity(c, b.displayId, 'frontendIPConfigurations', 'frontend ip configuration');
      if (!who) return;
      frontends.push({
        id: who.id,
        name: who.name,
        privateIp: readIp(c, c.key('privateIPAddress', 'privateIpAddress')),
        publicIpId: c.ref(c.key('publicIPAddress', 'publicIpAddress')),
        subnetId: c.ref('subnet'),
      });
    },
    idOf,
  );
  const frontendPorts: ApplicationGateway['frontendPorts'] = [];
  f.each(
    'frontendPorts',
    (c) => {
      const who = childIdentity(c, b.displayId, 'frontendPorts', 'frontend port');
      const port = c.int('port');
      if (who && port !== undefined) frontendPorts.push({ id: who.id, name: who.name, port });
    },
    idOf,
  );
  const listeners: ApplicationGateway['listeners'] = [];
  f.each(
    'httpListeners',
    (c) => {
      const who = childIdentity(c, b.displayId, 'httpListeners', 'listener');
      if (!who) return;
      const hostNames = c.strList('hostNames').slice();
      const hostName = c.str('hostName');
      if (hostName !== undefined && hostName.length > 0 && !hostNames.includes(hostName)) hostNames.unshift(hostName);
      listeners.push({
        id: who.id,
        name: who.name,
        frontendIpConfigurationId: c.ref('frontendIPConfiguration'),
        frontendPortId: c.ref('frontendPort'),
        protocol: c.str('protocol') ?? 'Http',
        hostNames,
      });
    },
    idOf,
  );
  const backendPools: ApplicationGatewayBackendPool[] = [];
  f.each(
    'backendAddressPools',
    (c) => {
      const who = childIdentity(c, b.displayId, 'backendAddressPools', 'backend pool');
      if (!who) return;
      const addresses: { ipAddress?: string; fqdn?: string }[] = [];
      c.each('backendAddresses', (a) => {
        const ipAddress = readIp(a, 'ipAddress');
        const fqdn = a.str('fqdn');
        if (ipAddress !== undefined || fqdn !== undefined) addresses.push({ ipAddress, fqdn });
      });
      backendPools.push({ id: who.id, name: who.name, addresses, ipConfigurationIds: c.refs('backendIPConfigurations') });
    },
    idOf,
  );
  const backendHttpSettings: ApplicationGateway['backendHttpSettings'] = [];
  f.each(
    'backendHttpSettingsCollection',
    (c) => {
      const who = childIdentity(c, b.displayId, 'backendHttpSettingsCollection', 'backend HTTP settings');
      const port = c.int('port');
      if (who && port !== undefined) backendHttpSettings.push({ id: who.id, name: who.name, port, protocol: c.str('protocol') ?? 'Http' });
    },
    idOf,
  );
  const requestRoutingRules: ApplicationGateway['requestRoutingRules'] = [];
  f.each(
    'requestRoutingRules',
    (c) => {
      const who = childIdentity(c, b.displayId, 'requestRoutingRules', 'request routing rule');
      if (!who) return;
      requestRoutingRules.push({
        id: who.id,
        name: who.name,
        listenerId: c.ref('httpListener'),
        backendPoolId: c.ref('backendAddressPool'),
        backendHttpSettingsId: c.ref('backendHttpSettings'),
        priority: c.int('priority'),
      });
    },
    idOf,
  );
  const gw: ApplicationGateway = {
    kind: 'applicationGateway',
    ...b,
    sku: f.sub('sku')?.str('name') ?? '',
    subnetId,
    frontends,
    frontendPorts,
    listeners,
    backendPools,
    backendHttpSettings,
    requestRoutingRules,
  };
  store.add(store.snap.applicationGateways, gw, 'application gateway');
}
