// Private endpoints in equivalence classes: grouped when nothing tells them apart (same subnet,
// same target and approval, same ASGs, same address atom), kept apart otherwise.

import { describe, expect, it } from 'vitest';
import { computeEndpointClasses, endpointKey, type DataPlane } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';

function classOfPe(dp: DataPlane): Map<string, number> {
  const { classOf } = computeEndpointClasses(dp, (e) => e.kind === 'privateEndpoint');
  const out = new Map<string, number>();
  for (const m of dp.addresses.byVnet.values()) for (const e of m.values()) if (e.kind === 'privateEndpoint') out.set(dp.snapshot.privateEndpoints.get(e.privateEndpointId)!.name, classOf.get(endpointKey(e))!);
  return out;
}

describe('private endpoint classes', () => {
  it('same subnet and account: one class; another account, another subnet or a pending connection: apart', () => {
    const b = new EstateBuilder()
      .vnet('v', ['10.0.0.0/16'], [{ name: 'pe', prefix: '10.0.3.0/24' }, { name: 'pe2', prefix: '10.0.4.0/24' }])
      .storageAccount('sta')
      .storageAccount('stb');
    const sta = b.id('Microsoft.Storage/storageAccounts', 'sta');
    b.privateEndpoint('pe-a-blob', { subnet: 'v/pe', ip: '10.0.3.4', target: sta })
      .privateEndpoint('pe-a-file', { subnet: 'v/pe', ip: '10.0.3.5', target: sta })
      .privateEndpoint('pe-b', { subnet: 'v/pe', ip: '10.0.3.6', target: b.id('Microsoft.Storage/storageAccounts', 'stb') })
      .privateEndpoint('pe-a-other-subnet', { subnet: 'v/pe2', ip: '10.0.4.4', target: sta })
      .privateEndpoint('pe-a-pending', { subnet: 'v/pe', ip: '10.0.3.7', target: sta });
    const pending = b.resources.find((r) => r.name === 'pe-a-pending') as { properties: { privateLinkServiceConnections: { properties: { privateLinkServiceConnectionState: { status: string } } }[] } };
    pending.properties.privateLinkServiceConnections[0].properties.privateLinkServiceConnectionState.status = 'Pending';
    const c = classOfPe(dataPlaneOf(b.documents()));
    expect(c.get('pe-a-blob')).toBe(c.get('pe-a-file'));
    expect(new Set([c.get('pe-a-blob'), c.get('pe-b'), c.get('pe-a-other-subnet'), c.get('pe-a-pending')]).size).toBe(4);
  });
});
