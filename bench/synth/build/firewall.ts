// Azure Firewall (policy-managed), firewall policies and their rule collection groups.

import { childId, ref, TYPES } from '../ids.ts';
import { type ArmResource, armResource, type Json, SUCCEEDED } from './resource.ts';

export interface FirewallInput {
  id: string;
  name: string;
  location: string;
  privateIp: string;
  subnetId: string;
  publicIpId: string;
  policyId: string;
}

export const FIREWALL_IP_CONFIG = 'azureFirewallIpConfiguration';

export function firewallIpConfigId(firewallId: string): string {
  return childId(firewallId, 'ipConfigurations', FIREWALL_IP_CONFIG);
}

export function buildFirewall(f: FirewallInput): ArmResource {
  return armResource(f.id, f.name, TYPES.azureFirewall, f.location, {
    provisioningState: SUCCEEDED,
    sku: { name: 'AZFW_VNet', tier: 'Premium' },
    threatIntelMode: 'Alert',
    additionalProperties: {},
    ipConfigurations: [{
      name: FIREWALL_IP_CONFIG,
      id: firewallIpConfigId(f.id),
      properties: {
        provisioningState: SUCCEEDED,
        privateIPAddress: f.privateIp,
        publicIPAddress: ref(f.publicIpId),
        subnet: ref(f.subnetId),
      },
    }],
    firewallPolicy: ref(f.policyId),
    applicationRuleCollections: [],
    natRuleCollections: [],
    networkRuleCollections: [],
    ipGroups: [],
  }, { zones: ['1', '2', '3'] });
}

export interface FirewallPolicyInput {
  id: string;
  name: string;
  location: string;
  basePolicyId?: string;
  childPolicyIds?: readonly string[];
  firewallIds: readonly string[];
  ruleCollectionGroupNames: readonly string[];
  dnsProxy: boolean;
}

export function ruleCollectionGroupId(policyId: string, name: string): string {
  return childId(policyId, 'ruleCollectionGroups', name);
}

export function buildFirewallPolicy(p: FirewallPolicyInput): ArmResource {
  const properties: { [key: string]: Json } = {
    provisioningState: SUCCEEDED,
    sku: { tier: 'Premium' },
    threatIntelMode: 'Alert',
  };
  if (p.basePolicyId) properties.basePolicy = ref(p.basePolicyId);
  if (p.childPolicyIds && p.childPolicyIds.length > 0) properties.childPolicies = p.childPolicyIds.map(ref);
  properties.firewalls = p.firewallIds.map(ref);
  properties.ruleCollectionGroups = p.ruleCollectionGroupNames.map((n) => ref(ruleCollectionGroupId(p.id, n)));
  properties.dnsSettings = { enableProxy: p.dnsProxy, servers: [] };
  return armResource(p.id, p.name, TYPES.firewallPolicy, p.location, properties);
}

export interface NetworkRule {
  name: string;
  ipProtocols: ('TCP' | 'UDP' | 'ICMP' | 'Any')[];
  sourceAddresses: string[];
  destinationAddresses?: string[];
  destinationFqdns?: string[];
  destinationPorts: string[];
  description?: string;
}

export interface ApplicationRule {
  name: string;
  protocols: { protocolType: 'Http' | 'Https'; port: number }[];
  sourceAddresses: string[];
  targetFqdns?: string[];
  fqdnTags?: string[];
  description?: string;
}

export interface NatRule {
  name: string;
  ipProtocols: ('TCP' | 'UDP')[];
  sourceAddresses: string[];
  destinationAddresses: string[];
  destinationPorts: string[];
  translatedAddress: string;
  translatedPort: string;
  description?: string;
}

export type RuleCollection =
  | { kind: 'network'; name: string; priority: number; action: 'Allow' | 'Deny'; rules: NetworkRule[] }
  | { kind: 'application'; name: string; priority: number; action: 'Allow' | 'Deny'; rules: ApplicationRule[] }
  | { kind: 'nat'; name: string; priority: number; rules: NatRule[] };

function networkRule(r: NetworkRule): Json {
  return {
    ruleType: 'NetworkRule',
    name: r.name,
    description: r.description,
    ipProtocols: r.ipProtocols,
    sourceAddresses: r.sourceAddresses,
    sourceIpGroups: [],
    destinationAddresses: r.destinationAddresses ?? [],
    destinationIpGroups: [],
    destinationFqdns: r.destinationFqdns ?? [],
    destinationPorts: r.destinationPorts,
  };
}

function applicationRule(r: ApplicationRule): Json {
  return {
    ruleType: 'ApplicationRule',
    name: r.name,
    description: r.description,
    protocols: r.protocols,
    sourceAddresses: r.sourceAddresses,
    sourceIpGroups: [],
    targetFqdns: r.targetFqdns ?? [],
    fqdnTags: r.fqdnTags ?? [],
    webCategories: [],
    targetUrls: [],
    terminateTLS: false,
  };
}

function natRule(r: NatRule): Json {
  return {
    ruleType: 'NatRule',
    name: r.name,
    description: r.description,
    ipProtocols: r.ipProtocols,
    sourceAddresses: r.sourceAddresses,
    sourceIpGroups: [],
    destinationAddresses: r.destinationAddresses,
    destinationPorts: r.destinationPorts,
    translatedAddress: r.translatedAddress,
    translatedPort: r.translatedPort,
  };
}

function ruleCollection(c: RuleCollection): Json {
  if (c.kind === 'nat') {
    return {
      ruleCollectionType: 'FirewallPolicyNatRuleCollection',
      name: c.name,
      priority: c.priority,
      action: { type: 'DNAT' },
      rules: c.rules.map(natRule),
    };
  }
  return {
    ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
    name: c.name,
    priority: c.priority,
    action: { type: c.action },
    rules: c.kind === 'network' ? c.rules.map(networkRule) : c.rules.map(applicationRule),
  };
}

export function buildRuleCollectionGroup(policyId: string, name: string, priority: number, collections: readonly RuleCollection[]): ArmResource {
  return armResource(ruleCollectionGroupId(policyId, name), name, TYPES.ruleCollectionGroup, undefined, {
    provisioningState: SUCCEEDED,
    priority,
    ruleCollections: collections.map(ruleCollection),
  });
}
