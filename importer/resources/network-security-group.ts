// Microsoft.Network/networkSecurityGroups with securityRules and defaultSecurityRules (embedded
// or standalone). Default rules missing from an NSG are added when the session finishes.

import type { Access, Direction, NetworkSecurityGroup, ResourceId, SecurityRule } from '../../core/model/index.ts';
import { EMPTY_IDS, type Fields } from '../fields.ts';
import { canonId, parentOf } from '../ids.ts';
import type { Store } from '../store.ts';
import { matchEnum, normalizeRuleProtocol, ruleAddresses, rulePorts } from '../values.ts';
import { childIdentity, resourceBase, type ChildIdentity } from './base.ts';

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
  // Rule 3.9 (networkSecurityGroup.json): "When enabled, flows created from Network Security Group
  // connections will be re-evaluated when rules are updates." Kept only when true (models stay equal).
  if (f.bool('flushConnection', false)) nsg.flushConnection = true;
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
  const list = f.list(collection);
  if (list === undefined) return out;
  const listPath = f.atRef(collection);
  for (let i = 0; i < list.length; i++) {
    const c = f.item(list, listPath, i, collection);
    const who = c && childIdentity(c, nsgDisplayId, collection, 'security rule', nsgId);
    const rule = who && buildRule(c, who, nsgId, collection);
    if (rule) out.push(rule);
  }
  return out;
}

const DIRECTIONS: readonly Direction[] = ['Inbound', 'Outbound'];
const ACCESSES: readonly Access[] = ['Allow', 'Deny'];

/**
 * One rule. The fields are read by name from the properties object first (the common, valid case
 * costs a few property loads); anything unusual goes through the checked Fields getters, which
 * report it.
 */
function buildRule(c: Fields, who: ChildIdentity, nsgId: ResourceId, collection: Collection): SecurityRule | undefined {
  const p = c.props;
  const d = p.direction;
  const direction = d === 'Inbound' || d === 'Outbound' ? d : requiredEnum(c, 'direction', DIRECTIONS, who);
  const a = p.access;
  const access = a === 'Allow' || a === 'Deny' ? a : requiredEnum(c, 'access', ACCESSES, who);
  const pr = p.protocol;
  let protocol = typeof pr === 'string' ? normalizeRuleProtocol(pr) : undefined;
  if (protocol === undefined) {
    const protocolText = c.str('protocol');
    protocol = protocolText === undefined ? undefined : normalizeRuleProtocol(protocolText);
    if (protocolText === undefined) c.error('field.missing', undefined, `security rule ${who.name} has no protocol; rule skipped`);
    else if (protocol === undefined) {
      c.error('field.value', 'protocol', `security rule ${who.name}: unknown protocol '${protocolText}' (expected Tcp, Udp, Icmp, Esp, Ah or *); rule skipped`);
    }
  }
  const prio = p.priority;
  let priority = typeof prio === 'number' && Number.isInteger(prio) ? prio : undefined;
  if (priority === undefined) {
    priority = c.int('priority');
    if (priority === undefined && !c.has('priority')) c.error('field.missing', undefined, `security rule ${who.name} has no priority; rule skipped`);
  }
  if (collection === 'securityRules' && priority !== undefined && (priority < 100 || priority > 4096)) {
    c.error('priority.invalid', 'priority', `security rule ${who.name}: priority ${priority} is outside 100..4096 (Azure rejects it); kept as written`);
  }

  const src = ruleAddresses(c, p.sourceAddressPrefix, p.sourceAddressPrefixes, 'sourceAddressPrefix', 'sourceAddressPrefixes');
  const dst = ruleAddresses(c, p.destinationAddressPrefix, p.destinationAddressPrefixes, 'destinationAddressPrefix', 'destinationAddressPrefixes');
  const sourceAsgIds = asgRefs(c, p.sourceApplicationSecurityGroups, 'sourceApplicationSecurityGroups');
  const destinationAsgIds = asgRefs(c, p.destinationApplicationSecurityGroups, 'destinationApplicationSecurityGroups');
  const srcOk = endpointOk(c, who, 'source', src, sourceAsgIds.length);
  const dstOk = endpointOk(c, who, 'destination', dst, destinationAsgIds.length);
  const srcPorts = ports(c, who, 'source', rulePorts(c, p.sourcePortRange, p.sourcePortRanges, 'sourcePortRange', 'sourcePortRanges'));
  const dstPorts = ports(c, who, 'destination', rulePorts(c, p.destinationPortRange, p.destinationPortRanges, 'destinationPortRange', 'destinationPortRanges'));
  const desc = p.description;

  if (direction === undefined || access === undefined || protocol === undefined || priority === undefined) return undefined;
  if (!srcOk || !dstOk || srcPorts === null || dstPorts === null || src === null || dst === null) return undefined;
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
    sourceAddressPrefixes: src,
    destinationAddressPrefixes: dst,
    sourceAsgIds,
    destinationAsgIds,
    sourcePortRanges: srcPorts,
    destinationPortRanges: dstPorts,
    description: typeof desc === 'string' ? desc : c.str('description'),
    source: c.source(),
  };
}

/** ASG references; absent or empty lists share one frozen empty array. */
function asgRefs(c: Fields, raw: unknown, key: string): ResourceId[] {
  const none = raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0);
  if (none && (c.props === c.obj || c.obj[key] === undefined || c.obj[key] === null)) return EMPTY_IDS;
  return c.refs(key, true);
}

function requiredEnum<T extends string>(c: Fields, key: string, allowed: readonly T[], who: ChildIdentity): T | undefined {
  const text = c.str(key);
  if (text === undefined) {
    c.error('field.missing', undefined, `security rule ${who.name} has no ${key}; rule skipped`);
    return undefined;
  }
  const v = matchEnum(text, allowed);
  if (v === undefined) c.error('field.value', key, `security rule ${who.name}: unknown ${key} '${text}' (expected ${allowed.join(' or ')}); rule skipped`);
  return v;
}

function endpointOk(c: Fields, who: ChildIdentity, side: string, list: string[] | null, asgCount: number): boolean {
  if (list !== null && (list.length > 0 || asgCount > 0)) return true;
  if (list === null) {
    c.error('field.value', undefined, `security rule ${who.name}: no valid ${side} address left; rule skipped`);
  } else {
    c.error('field.missing', undefined, `security rule ${who.name} has no ${side} (${side}AddressPrefix, ${side}AddressPrefixes or ${side}ApplicationSecurityGroups); rule skipped`);
  }
  return false;
}

/** The port list to keep: null (reported) when nothing valid is left; `*` when none was given. */
function ports(c: Fields, who: ChildIdentity, side: string, list: string[] | null): string[] | null {
  if (list === null) {
    c.error('port.invalid', undefined, `security rule ${who.name}: no valid ${side} port range left; rule skipped`);
    return null;
  }
  if (list.length === 0) {
    c.warn('field.missing', undefined, `security rule ${who.name} has no ${side} port range; read as *`);
    return c.ctx.sharedList('*');
  }
  return list;
}
