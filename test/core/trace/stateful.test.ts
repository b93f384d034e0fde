// Rule 3.8: NSGs are stateful. A flow is judged when its connection is opened, by the source's
// outbound rules and the destination's inbound rules; the reply is allowed by the flow's state,
// so the destination's outbound rules and the source's inbound rules never judge it
// (learn.microsoft.com/azure/virtual-network/network-security-groups-overview, "Security rules").

import { describe, expect, it } from 'vitest';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';
import { reach, trace } from './helpers.ts';

/** One VNet: the client subnet denies all inbound, the server subnet denies all outbound. */
function estate() {
  const b = new EstateBuilder()
    .nsg('nsg-client', [{ name: 'Deny-All-In', priority: 100, direction: 'Inbound', access: 'Deny' }])
    .nsg('nsg-server', [{ name: 'Deny-All-Out', priority: 100, direction: 'Outbound', access: 'Deny' }])
    .vnet('v', ['10.0.0.0/16'], [
      { name: 'client', prefix: '10.0.1.0/24', nsg: 'nsg-client' },
      { name: 'server', prefix: '10.0.2.0/24', nsg: 'nsg-server' },
    ])
    .nic('client-nic', { subnet: 'v/client', ip: '10.0.1.4' })
    .nic('server-nic', { subnet: 'v/server', ip: '10.0.2.4' });
  return dataPlaneOf(b.documents());
}

describe('stateful NSGs (rule 3.8)', () => {
  const dp = estate();

  it("a connection the client opens is accepted: the server's outbound Deny and the client's inbound Deny do not judge its replies", () => {
    const t = trace(dp, 'client-nic', 'server-nic', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    // Every protocol and port: nothing on the way judges the replies.
    expect(reach(dp, 'client-nic', 'server-nic').allowed.map((p) => `${p.protocol} ${p.ports.join(',')}`)).toEqual(['Tcp 0-65535', 'Udp 0-65535', 'Icmp ', 'Esp ', 'Ah ']);
  });

  it('a connection the server opens is judged by its own outbound rules, and the client inbound ones', () => {
    expect(trace(dp, 'server-nic', 'client-nic', 'Tcp', 443).disposition).toBe('DENIED_OUT');
    expect(reach(dp, 'server-nic', 'client-nic').allowed).toEqual([]);
  });
});
