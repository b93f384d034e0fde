// Two hubs, each with its own VPN gateway and local network gateway, and a spoke of hub2 using its
// gateway (gateway transit): the estate for on-premises entry with several hubs (rules 8.7, 9.1).

import { EstateBuilder } from './estate-builder.ts';

/** `lng1`/`lng2`: the prefixes of the site behind hub1's and hub2's gateway (vgw-hub1, vgw-hub2). */
export function twoHubDocuments(lng1: string[], lng2: string[]): { file: string; text: string }[] {
  return new EstateBuilder()
    .vnet('hub1', ['10.1.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.1.255.0/27' }, { name: 'app', prefix: '10.1.1.0/24' }])
    .vnet('hub2', ['10.2.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.2.255.0/27' }, { name: 'app', prefix: '10.2.1.0/24' }])
    .vnet('spoke2', ['10.3.0.0/16'], [{ name: 'app', prefix: '10.3.1.0/24' }])
    .peer('spoke2', 'hub2', { useRemoteGateways: true }, { allowGatewayTransit: true })
    .nic('vm1', { subnet: 'hub1/app', ip: '10.1.1.4' })
    .nic('vm2', { subnet: 'hub2/app', ip: '10.2.1.4' })
    .nic('vm3', { subnet: 'spoke2/app', ip: '10.3.1.4' })
    .vpn('hub1', lng1)
    .vpn('hub2', lng2)
    .documents();
}
