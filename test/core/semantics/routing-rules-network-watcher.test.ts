// Network Watcher shapes for routing, pinned to the rule book (../shared/azure-semantics.md): rules
// 13.2 (next hop) and 13.3 (effective routes). Sources: "Next hop overview"
// (learn.microsoft.com/azure/network-watcher/next-hop-overview, S16), the networkWatcher.json and
// networkInterface.json REST specs and their examples NetworkWatcherNextHopGet.json and
// NetworkInterfaceEffectiveRouteTableList.json (Azure/azure-rest-api-specs, S28; copies in
// ../shared/corpus/azure-rest-api-specs).
//
// Already pinned elsewhere: routeTableId "System Route" for a system route and the route table id
// for a user route (test/core/dataplane/effective-routes.test.ts "5.5", "7.1"); the CLI next-hop JSON
// (test/cli/fixtures.test.ts).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeEffectiveRoutesView, computeNextHop } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { CORPUS, dataPlaneOf, ip } from '../../support/load.ts';

const EXAMPLES = join(CORPUS, 'azure-rest-api-specs/specification/network/resource-manager/Microsoft.Network/Network/examples/2025-05-01');

interface RestEffectiveRoute {
  addressPrefix: string[];
  nextHopIpAddress: string[];
  nextHopType: string;
  source: string;
  state: string;
  name?: string;
}

/** 13.3: the EffectiveRoute schema (networkInterface.json). */
const EFFECTIVE_ROUTE_KEYS = new Set(['name', 'disableBgpRoutePropagation', 'source', 'state', 'addressPrefix', 'nextHopIpAddress', 'nextHopType']);
const EFFECTIVE_ROUTE_SOURCES = new Set(['Unknown', 'User', 'VirtualNetworkGateway', 'Default']);
/** 13.2: the NextHopResult nextHopType enum (networkWatcher.json). */
const NEXT_HOP_TYPES = new Set(['Internet', 'VirtualAppliance', 'VirtualNetworkGateway', 'VnetLocal', 'HyperNetGateway', 'None']);

function sortKey(r: RestEffectiveRoute): string {
  return `${r.addressPrefix.join(',')}|${r.nextHopType}|${r.source}`;
}

describe('rule 13.3: effective routes in the Network Watcher shape', () => {
  it('13.3: a NIC in a VNet of 172.20.2.0/24 gets exactly the rows of the REST example NetworkInterfaceEffectiveRouteTableList (read from the corpus)', () => {
    const example = JSON.parse(readFileSync(join(EXAMPLES, 'NetworkInterfaceEffectiveRouteTableList.json'), 'utf8')) as { responses: { '200': { body: { value: RestEffectiveRoute[] } } } };
    const expected = example.responses['200'].body.value;
    const b = new EstateBuilder().vnet('vnet1', ['172.20.2.0/24'], [{ name: 'default', prefix: '172.20.2.0/24' }]);
    const view = computeEffectiveRoutesView(dataPlaneOf(b.documents()), b.subnetId('vnet1', 'default').toLowerCase());
    const got: RestEffectiveRoute[] = view.value.map((r) => ({ addressPrefix: r.addressPrefix, nextHopIpAddress: r.nextHopIpAddress, nextHopType: r.nextHopType, source: r.source, state: r.state }));
    expect([...got].sort((x, y) => sortKey(x).localeCompare(sortKey(y)))).toEqual([...expected].sort((x, y) => sortKey(x).localeCompare(sortKey(y))));
    // A5: the example has 172.16.0.0/12, real output may not: the answer says so.
    expect(view.caveats.map((c) => c.code)).toContain('route.reserved-172');
  });

  it('13.3: every row has only EffectiveRoute fields, source and state from the API enums, and prefix and next hop IP as arrays', () => {
    const b = new EstateBuilder()
      .routeTable('rt', [
        { name: 'to-fw', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' },
        { name: 'keep-local', prefix: '10.0.1.0/24', nextHopType: 'VnetLocal' },
      ], true)
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' }, { name: 't', prefix: '10.0.2.0/24' }])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
      .peer('hub', 'spoke')
      .vpn('hub', ['192.168.10.0/24']);
    const dp = dataPlaneOf(b.documents());
    for (const s of ['s', 't']) {
      const value = computeEffectiveRoutesView(dp, b.subnetId('hub', s).toLowerCase()).value;
      expect(value.length).toBeGreaterThan(0);
      for (const r of value) {
        for (const k of Object.keys(r)) expect(EFFECTIVE_ROUTE_KEYS.has(k), `${s}: field ${k}`).toBe(true);
        expect(EFFECTIVE_ROUTE_SOURCES.has(r.source)).toBe(true);
        expect(['Active', 'Invalid']).toContain(r.state);
        expect(Array.isArray(r.addressPrefix) && r.addressPrefix.length > 0).toBe(true);
        expect(Array.isArray(r.nextHopIpAddress)).toBe(true);
        // Only user routes carry a name (the CLI example shows "name": null for a Default route).
        if (r.source === 'User') expect(r.name).toBeDefined();
        else expect(r.name).toBeUndefined();
      }
    }
  });

  it('13.3: a user route row names its route, carries its next hop IP and the table\'s disableBgpRoutePropagation', () => {
    const b = new EstateBuilder()
      .routeTable('rt', [{ name: 'to-fw', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }], true)
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' }]);
    const value = computeEffectiveRoutesView(dataPlaneOf(b.documents()), b.subnetId('v', 's').toLowerCase()).value;
    expect(value.find((r) => r.source === 'User')).toEqual({
      name: 'to-fw',
      source: 'User',
      state: 'Active',
      addressPrefix: ['0.0.0.0/0'],
      nextHopType: 'VirtualAppliance',
      nextHopIpAddress: ['10.0.9.4'],
      disableBgpRoutePropagation: true,
    });
    expect(value.find((r) => r.source === 'Default' && r.addressPrefix[0] === '0.0.0.0/0')).toMatchObject({ state: 'Invalid', nextHopType: 'Internet', nextHopIpAddress: [] });
  });
});

describe('rule 13.2: next hop in the Network Watcher shape', () => {
  /** A subnet with a user route table (mixed-case names, as ARM keeps them), a gateway and the system routes. */
  function estate() {
    const b = new EstateBuilder('RG-Net')
      .routeTable('RT-Front', [
        { name: 'Onprem-Via-Nva', prefix: '172.16.0.0/12', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' },
        { name: 'Blackhole', prefix: '203.0.113.0/24', nextHopType: 'None' },
      ])
      .vnet('Hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 'Front', prefix: '10.0.1.0/24', routeTable: 'RT-Front' }])
      .vpn('Hub', ['192.168.10.0/24']);
    return { b, dp: dataPlaneOf(b.documents()), subnet: b.subnetId('Hub', 'Front').toLowerCase() };
  }

  it('13.2: each next hop type is one of the API enum values, with the routeTableId rule: the route table id for a user route, else "System Route"', () => {
    const { b, dp, subnet } = estate();
    const rtId = b.id('Microsoft.Network/routeTables', 'RT-Front');
    const cases: [string, string, string | null, string][] = [
      ['10.0.1.9', 'VnetLocal', null, 'System Route'],
      ['93.184.216.34', 'Internet', null, 'System Route'],
      ['100.64.0.1', 'None', null, 'System Route'],
      ['172.20.0.1', 'VirtualAppliance', '10.0.9.4', rtId],
      ['203.0.113.9', 'None', null, rtId],
      // A gateway route is not a user created route.
      ['192.168.10.7', 'VirtualNetworkGateway', null, 'System Route'],
    ];
    for (const [dst, type, nhIp, table] of cases) {
      const h = computeNextHop(dp, subnet, ip(dst));
      expect(NEXT_HOP_TYPES.has(h.nextHopType), dst).toBe(true);
      expect({ dst, nextHopType: h.nextHopType, nextHopIpAddress: h.nextHopIpAddress, routeTableId: h.routeTableId }).toEqual({ dst, nextHopType: type, nextHopIpAddress: nhIp, routeTableId: table });
    }
  });

  it('13.2: the routeTableId keeps the ARM id as exported (original case), though ids are compared case-insensitively', () => {
    const { dp, subnet } = estate();
    const h = computeNextHop(dp, subnet, ip('172.20.0.1'));
    expect(h.routeTableId).toBe('/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/RG-Net/providers/Microsoft.Network/routeTables/RT-Front');
    expect(h.route).toMatchObject({ source: 'User', name: 'Onprem-Via-Nva', addressPrefix: '172.16.0.0/12' });
  });
});
