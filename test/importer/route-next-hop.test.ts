// Rule 6.2: a user-defined route names a next hop IP only when its next hop type is
// VirtualAppliance ("Next hop values are only allowed in routes where the next hop type is
// VirtualAppliance"), and VirtualAppliance needs one. On the REST example RouteTableGet.json.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDocuments } from '../../importer/index.ts';
import { CORPUS } from '../support/paths.ts';

const FILE = join(CORPUS, 'azure-rest-api-specs/specification/network/resource-manager/Microsoft.Network/Network/examples/2025-05-01/RouteTableGet.json');

function withRoute(properties: Record<string, unknown>) {
  const doc = JSON.parse(readFileSync(FILE, 'utf8'));
  Object.assign(doc.responses['200'].body.properties.routes[0].properties, properties);
  const s = importDocuments([{ file: 'RouteTableGet.json', text: JSON.stringify(doc) }]);
  const route = [...s.routeTables.values()][0].routes[0];
  return { route, diagnostics: s.diagnostics.filter((d) => d.severity !== 'info') };
}

describe('next hop IP addresses of user-defined routes (rule 6.2)', () => {
  it('the example as it is: a VirtualNetworkGateway route without an address, no diagnostic', () => {
    const { route, diagnostics } = withRoute({});
    expect(route).toMatchObject({ name: 'route1', nextHopType: 'VirtualNetworkGateway', nextHopIpAddress: undefined });
    expect(diagnostics).toEqual([]);
  });

  it('an address on another next hop type is an error naming the route and field, and is ignored', () => {
    const { route, diagnostics } = withRoute({ nextHopIpAddress: '10.0.0.4' });
    expect(route.nextHopIpAddress).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: 'error',
      code: 'route.next-hop-ip',
      file: 'RouteTableGet.json',
      resourceId: '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/routeTables/testrt/routes/route1',
      jsonPath: "$.responses['200'].body.properties.routes[0].properties.nextHopIpAddress",
    });
    expect(diagnostics[0].message).toContain('nextHopType is VirtualNetworkGateway (rule 6.2)');
  });

  it('VirtualAppliance keeps its address, and without one is an error', () => {
    expect(withRoute({ nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.0.4' })).toMatchObject({ route: { nextHopIpAddress: '10.0.0.4' }, diagnostics: [] });
    expect(withRoute({ nextHopType: 'VirtualAppliance' }).diagnostics.map((d) => d.code)).toEqual(['field.missing']);
  });

  it('next hop types a UDR cannot use (VNetPeering, VirtualNetworkServiceEndpoint) are errors, the route skipped', () => {
    for (const t of ['VNetPeering', 'VirtualNetworkServiceEndpoint']) {
      const doc = JSON.parse(readFileSync(FILE, 'utf8'));
      doc.responses['200'].body.properties.routes[0].properties.nextHopType = t;
      const s = importDocuments([{ file: 'RouteTableGet.json', text: JSON.stringify(doc) }]);
      expect([...s.routeTables.values()][0].routes).toEqual([]);
      expect(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['field.value']);
    }
  });
});
