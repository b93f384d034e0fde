// Canonical ARM resource ids for the synthetic estate.

export interface ResourceGroupRef {
  subscriptionId: string;
  resourceGroup: string;
}

export function resourceGroupId(rg: ResourceGroupRef): string {
  return `/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.resourceGroup}`;
}

/** `/subscriptions/.../resourceGroups/.../providers/<type>/<name>`, type as `Microsoft.Network/virtualNetworks`. */
export function resourceId(rg: ResourceGroupRef, type: string, name: string): string {
  return `${resourceGroupId(rg)}/providers/${type}/${name}`;
}

export function networkId(rg: ResourceGroupRef, kind: string, name: string): string {
  return resourceId(rg, `Microsoft.Network/${kind}`, name);
}

/** A child id: `<parentId>/<kind>/<name>`. */
export function childId(parentId: string, kind: string, name: string): string {
  return `${parentId}/${kind}/${name}`;
}

/** `{ id }`, the shape of every ARM reference. */
export function ref(id: string): { id: string } {
  return { id };
}

export const TYPES = {
  virtualNetwork: 'Microsoft.Network/virtualNetworks',
  networkInterface: 'Microsoft.Network/networkInterfaces',
  networkSecurityGroup: 'Microsoft.Network/networkSecurityGroups',
  applicationSecurityGroup: 'Microsoft.Network/applicationSecurityGroups',
  routeTable: 'Microsoft.Network/routeTables',
  publicIpAddress: 'Microsoft.Network/publicIPAddresses',
  loadBalancer: 'Microsoft.Network/loadBalancers',
  azureFirewall: 'Microsoft.Network/azureFirewalls',
  firewallPolicy: 'Microsoft.Network/firewallPolicies',
  ruleCollectionGroup: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
  virtualNetworkGateway: 'Microsoft.Network/virtualNetworkGateways',
  localNetworkGateway: 'Microsoft.Network/localNetworkGateways',
  connection: 'Microsoft.Network/connections',
  privateEndpoint: 'Microsoft.Network/privateEndpoints',
  storageAccount: 'Microsoft.Storage/storageAccounts',
  virtualMachine: 'Microsoft.Compute/virtualMachines',
} as const;
