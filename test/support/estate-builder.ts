// Builds small estates as REST-shaped Azure JSON (nested `properties`, full ARM ids), so that
// tests go through the real importer exactly as an export would.

const SUB = '00000000-0000-0000-0000-0000000000aa';

export interface RuleSpec {
  name: string;
  priority: number;
  direction: 'Inbound' | 'Outbound';
  access: 'Allow' | 'Deny';
  protocol?: string;
  source?: string | string[];
  destination?: string | string[];
  sourcePorts?: string | string[];
  destinationPorts?: string | string[];
  sourceAsgs?: string[];
  destinationAsgs?: string[];
}

export interface SubnetSpec {
  name: string;
  prefix: string;
  nsg?: string;
  routeTable?: string;
  serviceEndpoints?: { service: string; locations?: string[] }[];
  /** Names of Microsoft.Network/serviceEndpointPolicies associated with the subnet. */
  serviceEndpointPolicies?: string[];
  privateEndpointNetworkPolicies?: string;
  defaultOutboundAccess?: boolean;
  natGateway?: string;
}

type Json = Record<string, unknown>;

export class EstateBuilder {
  readonly resources: Json[] = [];
  constructor(readonly rg = 'rg-test', readonly location = 'westeurope') {}

  id(type: string, name: string): string {
    return `/subscriptions/${SUB}/resourceGroups/${this.rg}/providers/${type}/${name}`;
  }
  subnetId(vnet: string, subnet: string): string {
    return `${this.id('Microsoft.Network/virtualNetworks', vnet)}/subnets/${subnet}`;
  }

  private vnetRes(name: string): Json {
    const r = this.resources.find((x) => x.type === 'Microsoft.Network/virtualNetworks' && x.name === name);
    if (!r) throw new Error(`no vnet ${name}`);
    return r;
  }

  vnet(name: string, addressSpace: string[], subnets: SubnetSpec[]): this {
    const id = this.id('Microsoft.Network/virtualNetworks', name);
    this.resources.push({
      id,
      name,
      type: 'Microsoft.Network/virtualNetworks',
      location: this.location,
      properties: {
        addressSpace: { addressPrefixes: addressSpace },
        subnets: subnets.map((s) => ({
          id: `${id}/subnets/${s.name}`,
          name: s.name,
          type: 'Microsoft.Network/virtualNetworks/subnets',
          properties: {
            addressPrefix: s.prefix,
            ...(s.nsg ? { networkSecurityGroup: { id: this.id('Microsoft.Network/networkSecurityGroups', s.nsg) } } : {}),
            ...(s.routeTable ? { routeTable: { id: this.id('Microsoft.Network/routeTables', s.routeTable) } } : {}),
            ...(s.natGateway ? { natGateway: { id: this.id('Microsoft.Network/natGateways', s.natGateway) } } : {}),
            ...(s.serviceEndpoints ? { serviceEndpoints: s.serviceEndpoints.map((e) => ({ service: e.service, locations: e.locations ?? [this.location] })) } : {}),
            ...(s.serviceEndpointPolicies ? { serviceEndpointPolicies: s.serviceEndpointPolicies.map((p) => ({ id: this.id('Microsoft.Network/serviceEndpointPolicies', p) })) } : {}),
            privateEndpointNetworkPolicies: s.privateEndpointNetworkPolicies ?? 'Disabled',
            ...(s.defaultOutboundAccess !== undefined ? { defaultOutboundAccess: s.defaultOutboundAccess } : {}),
          },
        })),
        virtualNetworkPeerings: [],
      },
    });
    return this;
  }

  /** Both halves of a peering (rule 8.2), each with its own flags. */
  peer(a: string, b: string, aFlags: Json = {}, bFlags: Json = {}, state: [string, string] = ['Connected', 'Connected']): this {
    const half = (from: string, to: string, flags: Json, st: string) => {
      const v = this.vnetRes(from);
      const remote = this.vnetRes(to);
      const props = v.properties as { virtualNetworkPeerings: Json[] };
      props.virtualNetworkPeerings.push({
        id: `${v.id}/virtualNetworkPeerings/${from}-to-${to}`,
        name: `${from}-to-${to}`,
        type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
        properties: {
          remoteVirtualNetwork: { id: remote.id },
          remoteAddressSpace: (remote.properties as { addressSpace: Json }).addressSpace,
          allowVirtualNetworkAccess: true,
          allowForwardedTraffic: false,
          allowGatewayTransit: false,
          useRemoteGateways: false,
          peeringState: st,
          peeringSyncLevel: 'FullyInSync',
          ...flags,
        },
      });
    };
    half(a, b, aFlags, state[0]);
    half(b, a, bFlags, state[1]);
    return this;
  }

  nsg(name: string, rules: RuleSpec[]): this {
    const id = this.id('Microsoft.Network/networkSecurityGroups', name);
    const many = (v: string | string[] | undefined, single: string, plural: string): Json => {
      if (v === undefined) return { [single]: '*' };
      return Array.isArray(v) ? { [plural]: v } : { [single]: v };
    };
    this.resources.push({
      id,
      name,
      type: 'Microsoft.Network/networkSecurityGroups',
      location: this.location,
      properties: {
        securityRules: rules.map((r) => ({
          id: `${id}/securityRules/${r.name}`,
          name: r.name,
          type: 'Microsoft.Network/networkSecurityGroups/securityRules',
          properties: {
            priority: r.priority,
            direction: r.direction,
            access: r.access,
            protocol: r.protocol ?? '*',
            ...(r.sourceAsgs ? { sourceApplicationSecurityGroups: r.sourceAsgs.map((a) => ({ id: this.id('Microsoft.Network/applicationSecurityGroups', a) })) } : many(r.source, 'sourceAddressPrefix', 'sourceAddressPrefixes')),
            ...(r.destinationAsgs ? { destinationApplicationSecurityGroups: r.destinationAsgs.map((a) => ({ id: this.id('Microsoft.Network/applicationSecurityGroups', a) })) } : many(r.destination, 'destinationAddressPrefix', 'destinationAddressPrefixes')),
            ...many(r.sourcePorts, 'sourcePortRange', 'sourcePortRanges'),
            ...many(r.destinationPorts, 'destinationPortRange', 'destinationPortRanges'),
          },
        })),
      },
    });
    return this;
  }

  asg(name: string): this {
    this.resources.push({ id: this.id('Microsoft.Network/applicationSecurityGroups', name), name, type: 'Microsoft.Network/applicationSecurityGroups', location: this.location, properties: {} });
    return this;
  }

  nic(name: string, o: { subnet: string; ip: string; nsg?: string; asgs?: string[]; ipForwarding?: boolean; publicIp?: string }): this {
    const [vnet, subnet] = o.subnet.split('/');
    const id = this.id('Microsoft.Network/networkInterfaces', name);
    this.resources.push({
      id,
      name,
      type: 'Microsoft.Network/networkInterfaces',
      location: this.location,
      properties: {
        enableIPForwarding: o.ipForwarding ?? false,
        ...(o.nsg ? { networkSecurityGroup: { id: this.id('Microsoft.Network/networkSecurityGroups', o.nsg) } } : {}),
        ipConfigurations: [
          {
            id: `${id}/ipConfigurations/ipconfig1`,
            name: 'ipconfig1',
            properties: {
              privateIPAddress: o.ip,
              privateIPAllocationMethod: 'Static',
              primary: true,
              subnet: { id: this.subnetId(vnet, subnet) },
              ...(o.publicIp ? { publicIPAddress: { id: this.id('Microsoft.Network/publicIPAddresses', o.publicIp) } } : {}),
              ...(o.asgs ? { applicationSecurityGroups: o.asgs.map((a) => ({ id: this.id('Microsoft.Network/applicationSecurityGroups', a) })) } : {}),
            },
          },
        ],
      },
    });
    return this;
  }

  routeTable(name: string, routes: { name: string; prefix: string; nextHopType: string; nextHopIp?: string }[], disableBgpRoutePropagation = false): this {
    const id = this.id('Microsoft.Network/routeTables', name);
    this.resources.push({
      id,
      name,
      type: 'Microsoft.Network/routeTables',
      location: this.location,
      properties: {
        disableBgpRoutePropagation,
        routes: routes.map((r) => ({
          id: `${id}/routes/${r.name}`,
          name: r.name,
          properties: { addressPrefix: r.prefix, nextHopType: r.nextHopType, ...(r.nextHopIp ? { nextHopIpAddress: r.nextHopIp } : {}) },
        })),
      },
    });
    return this;
  }

  /** A route-based VPN gateway in `vnet`'s GatewaySubnet, a local network gateway and an IPsec connection. */
  vpn(vnet: string, onPremPrefixes: string[], o: { connectionStatus?: string; gatewayType?: string; name?: string } = {}): this {
    // `name` tells apart several gateways (and their local network gateways, connections) in one VNet.
    const n = o.name ?? vnet;
    const gwId = this.id('Microsoft.Network/virtualNetworkGateways', `vgw-${n}`);
    const lngId = this.id('Microsoft.Network/localNetworkGateways', `lng-${n}`);
    this.resources.push({
      id: gwId,
      name: `vgw-${n}`,
      type: 'Microsoft.Network/virtualNetworkGateways',
      location: this.location,
      properties: {
        gatewayType: o.gatewayType ?? 'Vpn',
        vpnType: 'RouteBased',
        sku: { name: 'VpnGw1', tier: 'VpnGw1' },
        enableBgp: false,
        activeActive: false,
        ipConfigurations: [{ id: `${gwId}/ipConfigurations/default`, name: 'default', properties: { subnet: { id: this.subnetId(vnet, 'GatewaySubnet') } } }],
      },
    });
    this.resources.push({ id: lngId, name: `lng-${n}`, type: 'Microsoft.Network/localNetworkGateways', location: this.location, properties: { localNetworkAddressSpace: { addressPrefixes: onPremPrefixes }, gatewayIpAddress: '203.0.113.10' } });
    this.resources.push({
      id: this.id('Microsoft.Network/connections', `cn-${n}`),
      name: `cn-${n}`,
      type: 'Microsoft.Network/connections',
      location: this.location,
      properties: {
        connectionType: 'IPsec',
        connectionStatus: o.connectionStatus ?? 'Connected',
        virtualNetworkGateway1: { id: gwId },
        localNetworkGateway2: { id: lngId },
        enableBgp: false,
      },
    });
    return this;
  }

  privateEndpoint(name: string, o: { subnet: string; ip: string; target: string }): this {
    const [vnet, subnet] = o.subnet.split('/');
    const peId = this.id('Microsoft.Network/privateEndpoints', name);
    const nicId = this.id('Microsoft.Network/networkInterfaces', `${name}.nic`);
    this.resources.push({
      id: peId,
      name,
      type: 'Microsoft.Network/privateEndpoints',
      location: this.location,
      properties: {
        subnet: { id: this.subnetId(vnet, subnet) },
        networkInterfaces: [{ id: nicId }],
        privateLinkServiceConnections: [{ name, properties: { privateLinkServiceId: o.target, groupIds: ['blob'], privateLinkServiceConnectionState: { status: 'Approved' } } }],
      },
    });
    this.resources.push({
      id: nicId,
      name: `${name}.nic`,
      type: 'Microsoft.Network/networkInterfaces',
      location: this.location,
      properties: {
        privateEndpoint: { id: peId },
        ipConfigurations: [{ id: `${nicId}/ipConfigurations/privateEndpointIpConfig`, name: 'privateEndpointIpConfig', properties: { privateIPAddress: o.ip, primary: true, subnet: { id: this.subnetId(vnet, subnet) } } }],
      },
    });
    return this;
  }


  publicIp(name: string, ipAddress: string, sku = 'Standard'): this {
    this.resources.push({ id: this.id('Microsoft.Network/publicIPAddresses', name), name, type: 'Microsoft.Network/publicIPAddresses', location: this.location, sku: { name: sku }, properties: { ipAddress, publicIPAllocationMethod: 'Static' } });
    return this;
  }

  /** Azure Firewall in `vnet`'s AzureFirewallSubnet with a Firewall Policy made of the given groups. */
  firewall(name: string, o: { vnet: string; privateIp: string; publicIp?: string; policy: string }): this {
    const id = this.id('Microsoft.Network/azureFirewalls', name);
    this.resources.push({
      id,
      name,
      type: 'Microsoft.Network/azureFirewalls',
      location: this.location,
      properties: {
        sku: { name: 'AZFW_VNet', tier: 'Standard' },
        firewallPolicy: { id: this.id('Microsoft.Network/firewallPolicies', o.policy) },
        ipConfigurations: [{ id: `${id}/azureFirewallIpConfigurations/ipconfig`, name: 'ipconfig', properties: { privateIPAddress: o.privateIp, subnet: { id: this.subnetId(o.vnet, 'AzureFirewallSubnet') }, ...(o.publicIp ? { publicIPAddress: { id: this.id('Microsoft.Network/publicIPAddresses', o.publicIp) } } : {}) } }],
      },
    });
    return this;
  }

  firewallPolicy(name: string, basePolicy?: string): this {
    this.resources.push({ id: this.id('Microsoft.Network/firewallPolicies', name), name, type: 'Microsoft.Network/firewallPolicies', location: this.location, properties: { ...(basePolicy ? { basePolicy: { id: this.id('Microsoft.Network/firewallPolicies', basePolicy) } } : {}) } });
    return this;
  }

  /** A rule collection group; collections are given in the REST shape. */
  ruleCollectionGroup(policy: string, name: string, priority: number, ruleCollections: Json[]): this {
    this.resources.push({ id: `${this.id('Microsoft.Network/firewallPolicies', policy)}/ruleCollectionGroups/${name}`, name, type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups', properties: { priority, ruleCollections } });
    return this;
  }

  storageAccount(name: string, o: { defaultAction?: string; publicNetworkAccess?: string; vnetRules?: string[]; ipRules?: string[] } = {}): this {
    this.resources.push({
      id: this.id('Microsoft.Storage/storageAccounts', name),
      name,
      type: 'Microsoft.Storage/storageAccounts',
      location: this.location,
      kind: 'StorageV2',
      properties: {
        publicNetworkAccess: o.publicNetworkAccess ?? 'Enabled',
        networkAcls: {
          bypass: 'AzureServices',
          defaultAction: o.defaultAction ?? 'Allow',
          virtualNetworkRules: (o.vnetRules ?? []).map((s) => { const [v, sn] = s.split('/'); return { id: this.subnetId(v, sn), action: 'Allow' }; }),
          ipRules: (o.ipRules ?? []).map((value) => ({ value, action: 'Allow' })),
        },
      },
    });
    return this;
  }

  /** A public Standard load balancer with one frontend, a pool of NICs, rules and NAT rules. */
  loadBalancer(name: string, o: { publicIp: string; pool: string[]; rules?: { name: string; protocol: string; frontendPort: number; backendPort: number }[]; natRules?: { name: string; nic: string; protocol: string; frontendPort: number; backendPort: number }[]; poolNatRules?: { name: string; protocol: string; frontendPortRangeStart: number; frontendPortRangeEnd: number; backendPort: number }[]; outboundRules?: { name: string; protocol: string }[] }): this {
    const id = this.id('Microsoft.Network/loadBalancers', name);
    const feId = `${id}/frontendIPConfigurations/fe`;
    const poolId = `${id}/backendAddressPools/pool`;
    this.resources.push({
      id,
      name,
      type: 'Microsoft.Network/loadBalancers',
      location: this.location,
      sku: { name: 'Standard' },
      properties: {
        frontendIPConfigurations: [{ id: feId, name: 'fe', properties: { publicIPAddress: { id: this.id('Microsoft.Network/publicIPAddresses', o.publicIp) } } }],
        backendAddressPools: [{ id: poolId, name: 'pool', properties: {} }],
        loadBalancingRules: (o.rules ?? []).map((r) => ({ id: `${id}/loadBalancingRules/${r.name}`, name: r.name, properties: { frontendIPConfiguration: { id: feId }, backendAddressPool: { id: poolId }, protocol: r.protocol, frontendPort: r.frontendPort, backendPort: r.backendPort } })),
        inboundNatRules: [
          ...(o.natRules ?? []).map((r) => ({ id: `${id}/inboundNatRules/${r.name}`, name: r.name, properties: { frontendIPConfiguration: { id: feId }, protocol: r.protocol, frontendPort: r.frontendPort, backendPort: r.backendPort, backendIPConfiguration: { id: `${this.id('Microsoft.Network/networkInterfaces', r.nic)}/ipConfigurations/ipconfig1` } } })),
          // The newer, pool-based form (inbound NAT rule V2): a frontend port range over the pool.
          ...(o.poolNatRules ?? []).map((r) => ({ id: `${id}/inboundNatRules/${r.name}`, name: r.name, properties: { frontendIPConfiguration: { id: feId }, protocol: r.protocol, frontendPort: 0, frontendPortRangeStart: r.frontendPortRangeStart, frontendPortRangeEnd: r.frontendPortRangeEnd, backendPort: r.backendPort, backendAddressPool: { id: poolId } } })),
        ],
        ...(o.outboundRules ? { outboundRules: o.outboundRules.map((r) => ({ id: `${id}/outboundRules/${r.name}`, name: r.name, properties: { frontendIPConfigurations: [{ id: feId }], backendAddressPool: { id: poolId }, protocol: r.protocol } })) } : {}),
      },
    });
    // Pool membership lives on the NIC ip configurations, as Azure exports it.
    for (const nicName of o.pool) {
      const nic = this.resources.find((x) => x.name === nicName && x.type === 'Microsoft.Network/networkInterfaces');
      const ipc = ((nic?.properties as { ipConfigurations: Json[] }).ipConfigurations[0].properties) as Json;
      ipc.loadBalancerBackendAddressPools = [...((ipc.loadBalancerBackendAddressPools as Json[]) ?? []), { id: poolId }];
    }
    for (const r of o.natRules ?? []) {
      const nic = this.resources.find((x) => x.name === r.nic && x.type === 'Microsoft.Network/networkInterfaces');
      const ipc = ((nic?.properties as { ipConfigurations: Json[] }).ipConfigurations[0].properties) as Json;
      ipc.loadBalancerInboundNatRules = [...((ipc.loadBalancerInboundNatRules as Json[]) ?? []), { id: `${id}/inboundNatRules/${r.name}` }];
    }
    return this;
  }

  add(resource: Json): this {
    this.resources.push(resource);
    return this;
  }

  documents(file = 'estate.json'): { file: string; text: string }[] {
    return [{ file, text: JSON.stringify({ value: this.resources }, null, 2) }];
  }
}
