// Microsoft.Network/loadBalancers: frontends, backend pools, load-balancing rules, inbound NAT
// rules and outbound rules.

import type {
  InboundNatRule,
  LoadBalancer,
  LoadBalancerFrontend,
  LoadBalancingRule,
  OutboundRule,
  ResourceId,
} from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import type { Store } from '../store.ts';
import { normalizeLbProtocol, readIp } from '../values.ts';
import { childIdentity, idOf, resourceBase } from './base.ts';

export function readLoadBalancer(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const frontends: LoadBalancerFrontend[] = [];
  f.each(
    'frontendIPConfigurations',
    (c) => {
      const who = childIdentity(c, b.displayId, 'frontendIPConfigurations', 'frontend ip configuration');
      if (!who) return;
      frontends.push({
        id: who.id,
        name: who.name,
        privateIp: readIp(c, c.key('privateIPAddress', 'privateIpAddress')),
        subnetId: c.ref('subnet'),
        publicIpId: c.ref(c.key('publicIPAddress', 'publicIpAddress')),
      });
    },
    idOf,
  );
  const backendPools: { id: ResourceId; name: string }[] = [];
  f.each(
    'backendAddressPools',
    (c) => {
      const who = childIdentity(c, b.displayId, 'backendAddressPools', 'backend pool');
      if (who) backendPools.push({ id: who.id, name: who.name });
    },
    idOf,
  );
  const loadBalancingRules: LoadBalancingRule[] = [];
  f.each(
    'loadBalancingRules',
    (c) => {
      const who = childIdentity(c, b.displayId, 'loadBalancingRules', 'load-balancing rule');
      if (!who) return;
      const protocol = lbProtocol(c, who.name);
      const frontendPort = requiredPort(c, 'frontendPort', who.name);
      const backendPort = c.has('backendPort') ? requiredPort(c, 'backendPort', who.name) : frontendPort;
      if (protocol === undefined || frontendPort === undefined || backendPort === undefined) return;
      const pools = c.refs('backendAddressPools');
      const pool = c.ref('backendAddressPool');
      if (pool !== undefined && !pools.includes(pool)) pools.unshift(pool);
      loadBalancingRules.push({
        id: who.id,
        name: who.name,
        frontendIpConfigurationId: c.ref('frontendIPConfiguration'),
        backendPoolIds: pools,
        protocol,
        frontendPort,
        backendPort,
      });
    },
    idOf,
  );
  const inboundNatRules: InboundNatRule[] = [];
  f.each(
    'inboundNatRules',
    (c) => {
      const who = childIdentity(c, b.displayId, 'inboundNatRules', 'inbound NAT rule');
      if (!who) return;
      const protocol = lbProtocol(c, who.name);
      const rangeStart = c.int('frontendPortRangeStart');
      const rangeEnd = c.int('frontendPortRangeEnd');
      const frontendPort = c.has('frontendPort') ? requiredPort(c, 'frontendPort', who.name) : rangeStart;
      if (frontendPort === undefined && rangeStart === undefined) {
        c.error('field.missing', undefined, `inbound NAT rule ${who.name} has no frontendPort; rule skipped`);
        return;
      }
      const backendPort = requiredPort(c, 'backendPort', who.name);
      if (protocol === undefined || frontendPort === undefined || backendPort === undefined) return;
      inboundNatRules.push({
        id: who.id,
        name: who.name,
        frontendIpConfigurationId: c.ref('frontendIPConfiguration'),
        protocol,
        frontendPort,
        backendPort,
        backendIpConfigurationId: c.ref('backendIPConfiguration'),
        frontendPortRangeStart: rangeStart,
        frontendPortRangeEnd: rangeEnd,
        backendPoolId: c.ref('backendAddressPool'),
      });
    },
    idOf,
  );
  const outboundRules: OutboundRule[] = [];
  f.each(
    'outboundRules',
    (c) => {
      const who = childIdentity(c, b.displayId, 'outboundRules', 'outbound rule');
      if (!who) return;
      const protocol = lbProtocol(c, who.name);
      if (protocol === undefined) return;
      outboundRules.push({
        id: who.id,
        name: who.name,
        frontendIpConfigurationIds: c.refs('frontendIPConfigurations'),
        backendPoolId: c.ref('backendAddressPool'),
        protocol,
      });
    },
    idOf,
  );
  const lb: LoadBalancer = {
    kind: 'loadBalancer',
    ...b,
    sku: lbSku(f, b.name),
    frontends,
    backendPools,
    loadBalancingRules,
    inboundNatRules,
    outboundRules,
  };
  store.add(store.snap.loadBalancers, lb, 'load balancer');
}

function lbProtocol(c: Fields, name: string): 'Tcp' | 'Udp' | 'All' | undefined {
  const text = c.str('protocol');
  const p = normalizeLbProtocol(text);
  if (p === undefined) {
    if (text === undefined) c.error('field.missing', undefined, `${name} has no protocol; rule skipped`);
    else c.error('field.value', 'protocol', `${name}: unknown protocol '${text}' (expected Tcp, Udp or All); rule skipped`);
  }
  return p;
}

function requiredPort(c: Fields, key: string, name: string): number | undefined {
  const v = c.int(key);
  if (v === undefined) {
    if (!c.has(key)) c.error('field.missing', undefined, `${name} has no ${key}; rule skipped`);
    return undefined;
  }
  if (v < 0 || v > 65535) {
    c.error('port.invalid', key, `${name}: ${key} ${v} is outside 0-65535; rule skipped`);
    return undefined;
  }
  return v;
}

function lbSku(f: Fields, name: string): string {
  const sku = f.sub('sku')?.str('name');
  if (sku !== undefined) return sku;
  f.info('field.missing', 'sku', `load balancer ${name} has no sku; assumed Basic`);
  return 'Basic';
}
