import type { Snapshot } from './types.ts';

/** An empty snapshot, filled by the importer (or by tests). */
export function createSnapshot(): Snapshot {
  return {
    virtualNetworks: new Map(),
    subnets: new Map(),
    peerings: new Map(),
    networkInterfaces: new Map(),
    networkSecurityGroups: new Map(),
    applicationSecurityGroups: new Map(),
    routeTables: new Map(),
    publicIpAddresses: new Map(),
    natGateways: new Map(),
    loadBalancers: new Map(),
    applicationGateways: new Map(),
    virtualNetworkGateways: new Map(),
    localNetworkGateways: new Map(),
    connections: new Map(),
    azureFirewalls: new Map(),
    firewallPolicies: new Map(),
    firewallPolicyRuleCollectionGroups: new Map(),
    ipGroups: new Map(),
    privateEndpoints: new Map(),
    storageAccounts: new Map(),
    virtualMachines: new Map(),
    unsupported: [],
    diagnostics: [],
    files: [],
  };
}
