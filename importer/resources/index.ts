// Which reader handles which ARM resource type (lower-cased). Types not listed here are recorded
// in `snapshot.unsupported`.

import type { Fields } from '../fields.ts';
import type { Store } from '../store.ts';
import { readApplicationGateway } from './application-gateway.ts';
import { readApplicationSecurityGroup } from './application-security-group.ts';
import { readAzureFirewall } from './azure-firewall.ts';
import { readFirewallPolicy, readRuleCollectionGroup } from './firewall-policy.ts';
import { readConnection, readLocalNetworkGateway, readVirtualNetworkGateway } from './gateways.ts';
import { readLoadBalancer } from './load-balancer.ts';
import { readIpGroup } from './ip-group.ts';
import { readNatGateway } from './nat-gateway.ts';
import { readNetworkInterface } from './network-interface.ts';
import { readNetworkSecurityGroup, readSecurityRule } from './network-security-group.ts';
import { readPrivateEndpoint } from './private-endpoint.ts';
import { readPublicIpAddress } from './public-ip-address.ts';
import { readRoute, readRouteTable } from './route-table.ts';
import { readStorageAccount } from './storage-account.ts';
import { readVirtualMachine } from './virtual-machine.ts';
import { readPeering, readSubnet, readVirtualNetwork } from './virtual-network.ts';

export type ResourceReader = (f: Fields, store: Store) => void;

export const RESOURCE_READERS: ReadonlyMap<string, ResourceReader> = new Map<string, ResourceReader>([
  ['microsoft.network/virtualnetworks', readVirtualNetwork],
  ['microsoft.network/virtualnetworks/subnets', readSubnet],
  ['microsoft.network/virtualnetworks/virtualnetworkpeerings', readPeering],
  ['microsoft.network/networkinterfaces', readNetworkInterface],
  ['microsoft.network/networksecuritygroups', readNetworkSecurityGroup],
  ['microsoft.network/networksecuritygroups/securityrules', (f, s) => readSecurityRule(f, s, 'securityRules')],
  ['microsoft.network/networksecuritygroups/defaultsecurityrules', (f, s) => readSecurityRule(f, s, 'defaultSecurityRules')],
  ['microsoft.network/applicationsecuritygroups', readApplicationSecurityGroup],
  ['microsoft.network/routetables', readRouteTable],
  ['microsoft.network/routetables/routes', readRoute],
  ['microsoft.network/publicipaddresses', readPublicIpAddress],
  ['microsoft.network/natgateways', readNatGateway],
  ['microsoft.network/loadbalancers', readLoadBalancer],
  ['microsoft.network/applicationgateways', readApplicationGateway],
  ['microsoft.network/virtualnetworkgateways', readVirtualNetworkGateway],
  ['microsoft.network/localnetworkgateways', readLocalNetworkGateway],
  ['microsoft.network/connections', readConnection],
  ['microsoft.network/azurefirewalls', readAzureFirewall],
  ['microsoft.network/firewallpolicies', readFirewallPolicy],
  ['microsoft.network/firewallpolicies/rulecollectiongroups', readRuleCollectionGroup],
  ['microsoft.network/ipgroups', readIpGroup],
  ['microsoft.network/privateendpoints', readPrivateEndpoint],
  ['microsoft.storage/storageaccounts', readStorageAccount],
  ['microsoft.compute/virtualmachines', readVirtualMachine],
]);
