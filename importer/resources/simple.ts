// The small resource types: application security groups, public IPs, NAT gateways, IP groups.

import type { ApplicationSecurityGroup, IpGroup, NatGateway, PublicIpAddress } from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import type { Store } from '../store.ts';
import { readFirewallAddresses, readIp } from '../values.ts';
import { resourceBase } from './base.ts';

export function readApplicationSecurityGroup(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const asg: ApplicationSecurityGroup = { kind: 'applicationSecurityGroup', ...b };
  store.add(store.snap.applicationSecurityGroups, asg, 'application security group');
}

export function readPublicIpAddress(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const pip: PublicIpAddress = {
    kind: 'publicIpAddress',
    ...b,
    ipAddress: readIp(f, 'ipAddress'),
    // No sku in the export: the ARM default for public IPs created before the 2025 change was Basic.
    sku: f.sub('sku')?.str('name') ?? 'Basic',
    allocationMethod: f.str(f.key('publicIPAllocationMethod', 'publicIpAllocationMethod')),
    ipConfigurationId: f.ref('ipConfiguration'),
  };
  store.add(store.snap.publicIpAddresses, pip, 'public IP address');
}

export function readNatGateway(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const nat: NatGateway = {
    kind: 'natGateway',
    ...b,
    publicIpIds: f.refs(f.key('publicIpAddresses', 'publicIPAddresses')),
    subnetIds: f.refs('subnets'),
  };
  store.add(store.snap.natGateways, nat, 'NAT gateway');
}

export function readIpGroup(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const g: IpGroup = { kind: 'ipGroup', ...b, ipAddresses: readFirewallAddresses(f, 'ipAddresses') };
  store.add(store.snap.ipGroups, g, 'IP group');
}
