// Azure Firewall rules and rule collections, shared by classic firewall rule collections and
// firewall policy rule collection groups (the field names differ slightly: `protocols` vs
// `ipProtocols`).

import type {
  FirewallApplicationRule,
  FirewallNatRule,
  FirewallNetworkRule,
  FirewallRule,
  FirewallRuleCollection,
  FirewallRuleProtocol,
} from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import { matchEnum, normalizeFirewallProtocol, readFirewallAddresses, readFirewallPorts } from '../values.ts';

type RuleKind = FirewallRuleCollection['ruleType'];

function protocols(r: Fields, key: string): FirewallRuleProtocol[] {
  const list = r.strList(key);
  const out: FirewallRuleProtocol[] = [];
  for (let i = 0; i < list.length; i++) {
    const p = normalizeFirewallProtocol(list[i]);
    if (p === undefined) r.errorAt('field.value', r.strPath(key, i), `unknown firewall protocol '${list[i]}' (expected TCP, UDP, ICMP or Any); skipped`);
    else if (!out.includes(p)) out.push(p);
  }
  return out;
}

function ipGroupIds(r: Fields, key: string): string[] {
  return r.strList(key).map((id) => r.ctx.canonRef(id));
}

function name(r: Fields): string {
  return typeof r.obj.name === 'string' ? r.obj.name : '';
}

export function readNetworkRule(r: Fields, protocolKey: string): FirewallNetworkRule {
  return {
    kind: 'network',
    name: name(r),
    protocols: protocols(r, protocolKey),
    sourceAddresses: readFirewallAddresses(r, 'sourceAddresses'),
    sourceIpGroupIds: ipGroupIds(r, 'sourceIpGroups'),
    destinationAddresses: readFirewallAddresses(r, 'destinationAddresses'),
    destinationIpGroupIds: ipGroupIds(r, 'destinationIpGroups'),
    destinationFqdns: r.strList('destinationFqdns').slice(),
    destinationPorts: readFirewallPorts(r, 'destinationPorts'),
  };
}

const DEFAULT_APP_PORTS: Record<string, number> = { http: 80, https: 443, mssql: 1433 };

export function readApplicationRule(r: Fields): FirewallApplicationRule {
  const protocolList: { protocolType: string; port: number }[] = [];
  r.each('protocols', (p) => {
    const protocolType = p.str('protocolType') ?? 'Https';
    const port = p.int('port') ?? DEFAULT_APP_PORTS[protocolType.toLowerCase()] ?? 443;
    protocolList.push({ protocolType, port });
  });
  return {
    kind: 'application',
    name: name(r),
    protocols: protocolList,
    sourceAddresses: readFirewallAddresses(r, 'sourceAddresses'),
    sourceIpGroupIds: ipGroupIds(r, 'sourceIpGroups'),
    targetFqdns: r.strList('targetFqdns').slice(),
    fqdnTags: r.strList('fqdnTags').slice(),
    destinationAddresses: readFirewallAddresses(r, 'destinationAddresses'),
    webCategories: r.strList('webCategories').slice(),
  };
}

export function readNatRule(r: Fields, protocolKey: string): FirewallNatRule {
  return {
    kind: 'nat',
    name: name(r),
    protocols: protocols(r, protocolKey),
    sourceAddresses: readFirewallAddresses(r, 'sourceAddresses'),
    sourceIpGroupIds: ipGroupIds(r, 'sourceIpGroups'),
    destinationAddresses: readFirewallAddresses(r, 'destinationAddresses'),
    destinationPorts: readFirewallPorts(r, 'destinationPorts'),
    translatedAddress: r.str('translatedAddress'),
    translatedFqdn: r.str('translatedFqdn'),
    translatedPort: r.str('translatedPort'),
  };
}

const ACTIONS: readonly FirewallRuleCollection['action'][] = ['Allow', 'Deny', 'Dnat'];

function readAction(c: Fields, fallback: FirewallRuleCollection['action'] | undefined, what: string): FirewallRuleCollection['action'] | undefined {
  const action = c.sub('action');
  const text = action?.str('type');
  const v = matchEnum(text, ACTIONS);
  if (v !== undefined) return v;
  if (text !== undefined) c.error('field.value', 'action', `${what}: unknown action '${text}' (expected Allow, Deny or Dnat); collection skipped`);
  else if (fallback === undefined) c.error('field.missing', undefined, `${what} has no action.type; collection skipped`);
  return text === undefined ? fallback : undefined;
}

function readPriority(c: Fields, what: string): number | undefined {
  const p = c.int('priority');
  if (p === undefined) {
    if (!c.has('priority')) c.error('field.missing', undefined, `${what} has no priority; collection skipped`);
    return undefined;
  }
  if (p < 100 || p > 65000) c.error('priority.invalid', 'priority', `${what}: priority ${p} is outside 100..65000; kept as written`);
  return p;
}

/** A classic (pre-policy) rule collection of one type (rule 12.2). */
export function readClassicCollection(c: Fields, ruleType: RuleKind): FirewallRuleCollection | undefined {
  const collectionName = name(c);
  const what = `${ruleType} rule collection ${collectionName}`;
  const priority = readPriority(c, what);
  const action = readAction(c, ruleType === 'nat' ? 'Dnat' : undefined, what);
  if (priority === undefined || action === undefined) return undefined;
  const rules: FirewallRule[] = [];
  c.each('rules', (r) => {
    if (ruleType === 'network') rules.push(readNetworkRule(r, 'protocols'));
    else if (ruleType === 'application') rules.push(readApplicationRule(r));
    else rules.push(readNatRule(r, 'protocols'));
  });
  return { name: collectionName, priority, action, ruleType, rules };
}

/** A firewall policy rule collection (`FirewallPolicyFilterRuleCollection` / `...NatRuleCollection`). */
export function readPolicyCollection(c: Fields): FirewallRuleCollection | undefined {
  const collectionName = name(c);
  const typeText = c.str('ruleCollectionType') ?? '';
  const isNat = typeText.toLowerCase() === 'firewallpolicynatrulecollection';
  const what = `rule collection ${collectionName}`;
  if (!isNat && typeText.toLowerCase() !== 'firewallpolicyfilterrulecollection') {
    c.error('field.value', 'ruleCollectionType', `${what}: unknown ruleCollectionType '${typeText}'; collection skipped`);
    return undefined;
  }
  const priority = readPriority(c, what);
  const action = readAction(c, isNat ? 'Dnat' : undefined, what);
  if (priority === undefined || action === undefined) return undefined;
  const rules: FirewallRule[] = [];
  const kinds = new Set<RuleKind>();
  c.each('rules', (r) => {
    const t = (r.str('ruleType') ?? (isNat ? 'NatRule' : 'NetworkRule')).toLowerCase();
    if (t === 'networkrule') {
      rules.push(readNetworkRule(r, 'ipProtocols'));
      kinds.add('network');
    } else if (t === 'applicationrule') {
      rules.push(readApplicationRule(r));
      kinds.add('application');
    } else if (t === 'natrule') {
      rules.push(readNatRule(r, 'ipProtocols'));
      kinds.add('nat');
    } else {
      r.error('field.value', 'ruleType', `unknown ruleType '${r.str('ruleType') ?? ''}' (expected NetworkRule, ApplicationRule or NatRule); rule skipped`);
    }
  });
  if (kinds.size > 1) c.warn('field.value', 'rules', `${what} mixes rule types (${[...kinds].join(', ')}); Azure allows one type per collection`);
  const ruleType: RuleKind = isNat ? 'nat' : kinds.has('application') && !kinds.has('network') ? 'application' : 'network';
  return { name: collectionName, priority, action, ruleType, rules };
}
