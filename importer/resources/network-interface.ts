// Microsoft.Network/networkInterfaces and their ipConfigurations. Fields are read by name (the
// hot path: estates have tens of thousands of NICs); unusual values go through the checked Fields
// getters, which report them.

import type { IpConfiguration, NetworkInterface, ResourceId } from '../../core/model/index.ts';
import { isIPv4 } from '../../core/sets/index.ts';
import { isObject, type JsonObject } from '../context.ts';
import { EMPTY_IDS, type Fields } from '../fields.ts';
import type { Store } from '../store.ts';
import { readIp } from '../values.ts';
import { childIdentity, resourceBase } from './base.ts';

const NOTHING: JsonObject = {};

/** Where REST-shaped objects may still carry a field at the top level (else nothing). */
function top(c: Fields): JsonObject {
  return c.props === c.obj ? NOTHING : c.obj;
}

/** A `{id}` reference given its raw value; odd values go through Fields.ref (which reports them). */
function refOf(c: Fields, v: unknown, key: string): ResourceId | undefined {
  if (v === undefined || v === null) return undefined;
  if (isObject(v)) {
    const id = v.id;
    if (typeof id === 'string' && id.length > 0) return c.ctx.canonRef(id);
  }
  return c.ref(key);
}

/** A list of references; absent or empty lists share one frozen empty array. */
function refsOf(c: Fields, v: unknown, key: string): ResourceId[] {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return EMPTY_IDS;
  return c.refs(key, true);
}

export function readNetworkInterface(f: Fields, store: Store): void {
  const b = resourceBase(f);
  let ipConfigurations: IpConfiguration[] = [];
  let primaryCount = 0;
  const list = f.list('ipConfigurations');
  const listPath = list === undefined ? '' : f.atRef('ipConfigurations');
  for (let i = 0; list !== undefined && i < list.length; i++) {
    const c = f.item(list, listPath, i, 'ipConfigurations');
    const who = c && childIdentity(c, b.displayId, 'ipConfigurations', 'ip configuration', b.id);
    if (!c || !who) continue;
    const p = c.props;
    const t = top(c);
    const pr = p.primary;
    const primary = typeof pr === 'boolean' ? pr : c.bool('primary', false);
    if (primary) primaryCount++;
    const ip = p.privateIPAddress ?? p.privateIpAddress;
    ipConfigurations.push({
      id: who.id,
      displayId: who.displayId,
      name: who.name,
      nicId: b.id,
      subnetId: refOf(c, p.subnet ?? t.subnet, 'subnet'),
      privateIp: typeof ip === 'string' && isIPv4(ip) ? ip.trim() : readIp(c, c.key('privateIPAddress', 'privateIpAddress')),
      primary,
      publicIpId: refOf(c, p.publicIPAddress ?? p.publicIpAddress ?? t.publicIPAddress ?? t.publicIpAddress, c.key('publicIPAddress', 'publicIpAddress')),
      asgIds: refsOf(c, p.applicationSecurityGroups ?? t.applicationSecurityGroups, 'applicationSecurityGroups'),
      loadBalancerBackendPoolIds: refsOf(c, p.loadBalancerBackendAddressPools ?? t.loadBalancerBackendAddressPools, 'loadBalancerBackendAddressPools'),
      loadBalancerInboundNatRuleIds: refsOf(c, p.loadBalancerInboundNatRules ?? t.loadBalancerInboundNatRules, 'loadBalancerInboundNatRules'),
      applicationGatewayBackendPoolIds: refsOf(c, p.applicationGatewayBackendAddressPools ?? t.applicationGatewayBackendAddressPools, 'applicationGatewayBackendAddressPools'),
      source: c.source(),
    });
  }
  // A pushed array keeps spare capacity; the model keeps one list per NIC, so keep an exact copy.
  if (ipConfigurations.length > 0) ipConfigurations = ipConfigurations.slice();
  if (primaryCount === 0 && ipConfigurations.length > 0) {
    // Azure marks exactly one configuration primary; a single one is primary by definition.
    ipConfigurations[0].primary = true;
    if (ipConfigurations.length > 1) {
      f.warn('field.missing', 'ipConfigurations', `network interface ${b.name} marks no ip configuration as primary; using the first, ${ipConfigurations[0].name}`);
    }
  }
  const p = f.props;
  const t = top(f);
  const fwd = p.enableIPForwarding ?? p.enableIpForwarding;
  const nic: NetworkInterface = {
    kind: 'networkInterface',
    id: b.id,
    displayId: b.displayId,
    name: b.name,
    location: b.location,
    tags: b.tags,
    source: b.source,
    ipConfigurations,
    nsgId: refOf(f, p.networkSecurityGroup ?? t.networkSecurityGroup, 'networkSecurityGroup'),
    enableIpForwarding: typeof fwd === 'boolean' ? fwd : f.bool(f.key('enableIPForwarding', 'enableIpForwarding'), false),
    vmId: refOf(f, p.virtualMachine ?? t.virtualMachine, 'virtualMachine'),
    privateEndpointId: refOf(f, p.privateEndpoint ?? t.privateEndpoint, 'privateEndpoint'),
  };
  store.add(store.snap.networkInterfaces, nic, 'network interface');
}
