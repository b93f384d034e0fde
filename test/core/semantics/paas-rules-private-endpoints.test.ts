// Private endpoints (rule book 11.1, 11.6, 11.7), through the public API on REST-shaped estates.
// Sources: learn.microsoft.com/azure/private-link/private-endpoint-overview (S11): "A private
// endpoint is a network interface that uses a private IP address from your virtual network"; "A
// read-only network interface is automatically created for the lifecycle of the private endpoint"
// (11.1); when routing private-endpoint traffic through an NVA "SNAT is recommended always" (11.6);
// the ARM shape `Microsoft.Network/privateEndpoints` with `subnet`, `privateLinkServiceConnections`
// (and, for connections that need approval, `manualPrivateLinkServiceConnections`),
// `networkInterfaces`, `customDnsConfigs` (11.7, from the REST specification).
//
// Already pinned elsewhere: the REST example PrivateEndpointGet.json (subnet, NIC id, IPs from
// ipConfigurations and customDnsConfigs, an auto-approved connection) in
// test/importer/corpus-rest.test.ts; the /32 routes (11.3, 11.5) in
// test/core/dataplane/effective-routes.test.ts.

import { describe, expect, it } from 'vitest';
import { traceFlow, type DataPlane } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';
import { path, ref, trace } from '../trace/helpers.ts';

type Json = Record<string, unknown>;

function base() {
  return new EstateBuilder()
    .vnet('v', ['10.0.0.0/16'], [
      { name: 'app', prefix: '10.0.1.0/24' },
      { name: 'pe', prefix: '10.0.3.0/24' },
    ])
    .nic('app-nic', { subnet: 'v/app', ip: '10.0.1.4' })
    .storageAccount('stacct', { defaultAction: 'Deny', publicNetworkAccess: 'Disabled' });
}

describe('rule 11.1: a private endpoint is a read-only NIC holding a private address of its subnet', () => {
  it("the endpoint's NIC (with its privateEndpoint back-reference) is the endpoint's address, not a VM NIC", () => {
    const b = base();
    b.privateEndpoint('pe-st', { subnet: 'v/pe', ip: '10.0.3.4', target: b.id('Microsoft.Storage/storageAccounts', 'stacct') });
    const dp = dataPlaneOf(b.documents());
    for (const name of ['pe-st.nic', 'pe-st', '10.0.3.4']) {
      const r = ref(dp, name);
      expect(r.kind === 'endpoint' && r.endpoint.kind, name).toBe('privateEndpoint');
      expect(r.kind === 'endpoint' && r.endpoint.ipText, name).toBe('10.0.3.4');
    }
    // Traffic to its address arrives at the endpoint and goes on to the service behind it.
    const t = trace(dp, 'app-nic', '10.0.3.4', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(path(t)).toEqual(['privateEndpoint:pe-st', 'service:stacct']);
    // It is no workload: it opens no connection of its own.
    const r = traceFlow(dp, { from: ref(dp, 'pe-st.nic'), to: ref(dp, 'app-nic'), protocol: 6, dstPort: 22 });
    expect(r.ok).toBe(false);
  });

  it("when the endpoint's NIC is not in the input, its address comes from the endpoint's customDnsConfigs", () => {
    const b = base();
    b.privateEndpoint('pe-st', { subnet: 'v/pe', ip: '10.0.3.4', target: b.id('Microsoft.Storage/storageAccounts', 'stacct') });
    const nicIndex = b.resources.findIndex((r) => r.name === 'pe-st.nic');
    b.resources.splice(nicIndex, 1);
    ((b.resources.find((r) => r.name === 'pe-st') as Json).properties as Json).customDnsConfigs = [{ fqdn: 'stacct.blob.core.windows.net', ipAddresses: ['10.0.3.4'] }];
    const dp = dataPlaneOf(b.documents(), { allowErrors: true });
    const t = trace(dp, 'app-nic', 'stacct', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(path(t)).toEqual(['privateEndpoint:pe-st', 'service:stacct']);
  });
});

describe('rule 11.7: the ARM shape, including manualPrivateLinkServiceConnections', () => {
  function manual(status: string): DataPlane {
    const b = base();
    b.privateEndpoint('pe-st', { subnet: 'v/pe', ip: '10.0.3.4', target: b.id('Microsoft.Storage/storageAccounts', 'stacct') });
    const props = (b.resources.find((r) => r.name === 'pe-st') as Json).properties as Json;
    // A connection that needed approval is listed under manualPrivateLinkServiceConnections instead.
    props.manualPrivateLinkServiceConnections = (props.privateLinkServiceConnections as Json[]).map((c) => ({ ...c, properties: { ...(c.properties as Json), privateLinkServiceConnectionState: { status, description: '', actionsRequired: 'None' } } }));
    props.privateLinkServiceConnections = [];
    return dataPlaneOf(b.documents());
  }

  it('an approved manual connection carries traffic to the storage account', () => {
    const t = trace(manual('Approved'), 'app-nic', 'stacct', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(t.allowedBy).toContainEqual({ paasFirewall: expect.stringContaining('stacct'), rule: 'privateEndpointConnections' });
  });

  it('a pending manual connection does not (rule 11.2: only Approved endpoints carry traffic)', () => {
    const t = trace(manual('Pending'), 'app-nic', '10.0.3.4', 'Tcp', 443);
    expect(t).toMatchObject({ disposition: 'DENIED_BY_SERVICE', stoppedBy: { stage: 'paasFirewall' } });
    expect(t.stoppedBy?.detail).toContain('Pending');
  });
});

describe('rule 11.6: private-endpoint traffic routed through a firewall', () => {
  /**
   * Hub: AzureFirewallSubnet (firewall 10.0.1.4) and a private-endpoint subnet with route-table
   * network policies enabled (so a user route can take over the /32, rule 11.5). The spoke sends
   * 0.0.0.0/0 and the endpoint subnet to the firewall, which allows TCP 443 by a network rule (or,
   * with `app`, by an application rule for the account's blob FQDN).
   */
  function estate(o: { app?: boolean } = {}): DataPlane {
    const b = new EstateBuilder()
      .routeTable('rt-spoke', [
        { name: 'default', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' },
        { name: 'to-pe', prefix: '10.0.3.0/24', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' },
      ], true)
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.1.0/26' }, { name: 'pe', prefix: '10.0.3.0/24', privateEndpointNetworkPolicies: 'Enabled' }])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', routeTable: 'rt-spoke' }])
      .peer('hub', 'spoke', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
      .firewallPolicy('policy')
      .firewall('afw', { vnet: 'hub', privateIp: '10.0.1.4', policy: 'policy' })
      .ruleCollectionGroup('policy', 'rcg', 100, [
        o.app
          ? { ruleCollectionType: 'FirewallPolicyFilterRuleCollection', name: 'web', priority: 100, action: { type: 'Allow' }, rules: [{ ruleType: 'ApplicationRule', name: 'blob', sourceAddresses: ['10.1.0.0/16'], targetFqdns: ['stacct.blob.core.windows.net'], protocols: [{ protocolType: 'Https', port: 443 }] }] }
          : { ruleCollectionType: 'FirewallPolicyFilterRuleCollection', name: 'net', priority: 100, action: { type: 'Allow' }, rules: [{ ruleType: 'NetworkRule', name: 'https', ipProtocols: ['TCP'], sourceAddresses: ['10.1.0.0/16'], destinationAddresses: ['10.0.3.0/24'], destinationPorts: ['443'] }] },
      ])
      .nic('vm-nic', { subnet: 'spoke/s', ip: '10.1.1.4' })
      .storageAccount('stacct', { defaultAction: 'Deny', publicNetworkAccess: 'Disabled' });
    b.privateEndpoint('pe-st', { subnet: 'hub/pe', ip: '10.0.3.4', target: b.id('Microsoft.Storage/storageAccounts', 'stacct') });
    return dataPlaneOf(b.documents());
  }

  it('to the endpoint address: through the firewall, then the endpoint', () => {
    const t = trace(estate(), 'vm-nic', '10.0.3.4', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(path(t)).toEqual(['firewall:afw', 'privateEndpoint:pe-st', 'service:stacct']);
  });

  it("to the account by name: the name still resolves to the endpoint (DNS does not depend on the /32 route), so the same path", () => {
    // The user route invalidates the /32 in the spoke (rule 11.5); the privatelink DNS answer is
    // unchanged, so the client connects to 10.0.3.4 through the firewall. Going to the public
    // endpoint instead (closed: publicNetworkAccess Disabled) is a wrong answer.
    const t = trace(estate(), 'vm-nic', 'stacct', 'Tcp', 443);
    expect(path(t)).toEqual(['firewall:afw', 'privateEndpoint:pe-st', 'service:stacct']);
    expect(t.disposition).toBe('ACCEPTED');
  });

  it('an application rule proxies (SNAT to the firewall): the endpoint sees the firewall as the source', () => {
    const t = trace(estate({ app: true }), 'vm-nic', '10.0.3.4', 'Tcp', 443, { fqdn: 'stacct.blob.core.windows.net' });
    expect(t.disposition).toBe('ACCEPTED');
    expect(t.hops.flatMap((h) => h.steps).find((s) => s.kind === 'nat')).toMatchObject({ type: 'SNAT', to: '10.0.1.4' });
  });

  it('a network rule does not SNAT a private destination: the answer says the return path to the client may bypass the firewall (SNAT recommended)', () => {
    const t = trace(estate(), 'vm-nic', '10.0.3.4', 'Tcp', 443);
    expect(t.hops.flatMap((h) => h.steps).some((s) => s.kind === 'nat')).toBe(false);
    expect(t.caveats.some((c) => /snat|asymmetr|symmetr/i.test(`${c.code} ${c.message}`)), JSON.stringify(t.caveats.map((c) => c.code))).toBe(true);
  });
});
