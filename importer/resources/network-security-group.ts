// Microsoft.Network/networkSecurityGroups with securityRules and defaultSecurityRules (embedded
// or standalone). Default rules missing from an NSG are added when the session finishes.

import type { Access, Direction, NetworkSecurityGroup, ResourceId, SecurityRule } from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import { canonId, parentOf } from '../ids.ts';
import type { Store } from '../store.ts';
import { matchEnum, normalizeRuleProtocol, readPortRanges, readRuleAddresses } from '../values.ts';
import { childIdentity, idOf, resourceBase, type ChildIdentity } from './base.ts';

type Collection = SecurityRule['collection'];

export function readNetworkSecurityGroup(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const nsg: NetworkSecurityGroup = {
    kind: 'networkSecurityGroup',
    id: b.id,
    displayId: b.displayId,
    name: b.name,
    location: b.location,
    tags: b.tags,
    source: b.source,
    securityRules: [],
    defaultSecurityRules: [],
  };
  const custom = readRules(f, 'securityRules', b.id, b.displayId);
  const defaults = readRules(f, 'defaultSecurityRules', b.id, b.displayId);
  store.addParent(store.snap.networkSecurityGroups, nsg, 'network security group', {
    securityRules: f.has('securityRules') ? custom.map((r) => r.id) : undefined,
    defaultSecurityRules: f.has('defaultSecurityRules') && defaults.length > 0 ? defaults.map((r) => r.id) : undefined,
  });
  for (const r of custom) store.addRule(r);
  for (const r of defaults) store.addRule(r);
}

/** A rule that stands alone (`.../networkSecurityGroups/securityRules` or `/defaultSecurityRules`). */
export function readSecurityRule(f: Fields, store: Store, collection: Collection): void {
  const b = resourceBase(f);
  const nsgDisplayId = parentOf(b.displayId);
  const rule = buildRule(f, b, canonId(nsgDisplayId), collection);
  if (rule) store.addRule(rule);
}

function readRules(f: Fields, collection: Collection, nsgId: ResourceId, nsgDisplayId: string): SecurityRule[] {
  const out: SecurityRule[] = [];
  f.each(
    collection,
    (c) => {
      const who = childIdentity(c, nsgDisplayId, collection, 'security rule');
      const rule = who && buildRule(c, who, nsgId, collection);
      if (rule) out.push(rule);
    },
    idOf,
  );
  return out;
}

const DIRECTIONS: readonly Direction[] = ['Inbound', 'Outbound'];
const ACCESSES: readonly Access[] = ['Allow', 'Deny'];

function buildRule(c: Fields, who: ChildIdentity, nsgId: ResourceId, collection: Collection): SecurityRule | undefined {
  const what = `security rule ${who.name}`;
  const direction = requiredEnum(c, 'direction', DIRECTIONS, what);
  const access = requiredEnum(c, 'access', ACCESSES, what);
  const protocolText = c.str('protocol');
  const protocol = protocolText === undefined ? undefined : normalizeRuleProtocol(protocolText);
  if (protocolText === undefined) c.error('field.missing', undefined, `${what} has no protocol; rule skipped`);
  else if (protocol === undefined) {
    c.error('field.value', 'protocol', `${what}: unknown protocol '${protocolText}' (expected Tcp, Udp, Icmp, Esp, Ah or *); rule skipped`);
  }
  const priority = c.int('priority');
  if (priority === undefined && !c.has('priority')) c.error('field.missing', undefined, `${what} has no priority; rule skipped`);
  if (collection === 'securityRules' && priority !== undefined && (priority < 100 || priority > 4096)) {
    c.error('priority.invalid', 'priority', `${what}: priority ${priority} is outside 100..4096 (Azure rejects it); kept as written`);
  }

  const src = readRuleAddresses(c, 'sourceAddressPrefix', 'sourceAddressPrefixes');
  const dst = readRuleAddresses(c, 'destinationAddressPrefix', 'destinationAddressPrefixes');
  const sourceAsgIds = c.refs('sourceApplicationSecurityGroups');
  const destinationAsgIds = c.refs('destinationApplicationSecurityGroups');
  const srcOk = endpointOk(c, what, 'source', src, sourceAsgIds.length);
  const dstOk = endpointOk(c, what, 'destination', dst, destinationAsgIds.length);
  const srcPorts = readPortRanges(c, 'sourcePortRange', 'sourcePortRanges');
  const dstPorts = readPortRanges(c, 'destinationPortRange', 'destinationPortRanges');
  const srcPortsOk = portsOk(c, what, 'source', srcPorts);
  const dstPortsOk = portsOk(c, what, 'destination', dstPorts);

  if (direction === undefined || access === undefined || protocol === undefined || priority === undefined) return undefined;
  if (!srcOk || !dstOk || !srcPortsOk || !dstPortsOk) return undefined;
  return {
    id: who.id,
    displayId: who.displayId,
    name: who.name,
    nsgId,
    collection,
    priority,
    direction,
    access,
    protocol,
    sourceAddressPrefixes: src.values,
    destinationAddressPrefixes: dst.values,
    sourceAsgIds,
    destinationAsgIds,
    sourcePortRanges: srcPorts.values,
    destinationPortRanges: dstPorts.values,
    description: c.str('description'),
    source: c.source(),
  };
}

function requiredEnum<T extends string>(c: Fields, key: string, allowed: readonly T[], what: string): T | undefined {
  const text = c.str(key);
  if (text === undefined) {
    c.error('field.missing', undefined, `${what} has no ${key}; rule skipped`);
    return undefined;
  }
  const v = matchEnum(text, allowed);
  if (v === undefined) c.error('field.value', key, `${what}: unknown ${key} '${text}' (expected ${allowed.join(' or ')}); rule skipped`);
  return v;
}

function endpointOk(c: Fields, what: string, side: string, list: { values: string[]; dropped: number }, asgCount: number): boolean {
  if (list.values.length > 0 || asgCount > 0) return true;
  if (list.dropped > 0) {
    c.error('field.value', undefined, `${what}: no valid ${side} address left; rule skipped`);
  } else {
    c.error('field.missing', undefined, `${what} has no ${side} (${side}AddressPrefix, ${side}AddressPrefixes or ${side}ApplicationSecurityGroups); rule skipped`);
  }
  return false;
}

function portsOk(c: Fields, what: string, side: string, list: { values: string[]; dropped: number }): boolean {
  if (list.values.length > 0) return true;
  if (list.dropped > 0) {
    c.error('port.invalid', undefined, `${what}: no valid ${side} port range left; rule skipped`);
    return false;
  }
  c.warn('field.missing', undefined, `${what} has no ${side} port range; read as *`);
  list.values.push('*');
  return true;
}
