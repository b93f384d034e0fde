// The storage account -> private endpoint addresses index (built once per data plane) gives
// exactly what a scan of every address for every private endpoint of the account gives, in the
// same order (the first endpoint whose route the source sees is the one DNS is assumed to return).

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { DataPlane, Endpoint, StorageAccount } from '../../../core/index.ts';
import { storagePrivateEndpointIps } from '../../../core/trace/run-path.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf, readFolderDocuments, REPO_ROOT } from '../../support/load.ts';

function scan(dp: DataPlane, account: StorageAccount): [number, Endpoint][] {
  const out = new Map<number, Endpoint>();
  for (const pe of dp.snapshot.privateEndpoints.values()) {
    if (!pe.connections.some((c) => c.targetId === account.id)) continue;
    for (const list of dp.addresses.byIp.values()) for (const e of list) if (e.kind === 'privateEndpoint' && e.privateEndpointId === pe.id) out.set(e.ip, e);
  }
  return [...out];
}

function check(dp: DataPlane): number {
  let n = 0;
  for (const a of dp.snapshot.storageAccounts.values()) {
    expect([...storagePrivateEndpointIps(dp, a)]).toEqual(scan(dp, a));
    n += scan(dp, a).length;
  }
  return n;
}

describe('storage private endpoint index', () => {
  it('equals the full scan on the sample estate', () => {
    expect(check(dataPlaneOf(readFolderDocuments(join(REPO_ROOT, 'examples/hub-spoke'))))).toBeGreaterThan(0);
  });

  it('equals the full scan with several endpoints, accounts and VNets, and follows a new data plane', () => {
    const b = new EstateBuilder()
      .vnet('v1', ['10.0.0.0/16'], [{ name: 'pe', prefix: '10.0.3.0/24' }])
      .vnet('v2', ['10.1.0.0/16'], [{ name: 'pe', prefix: '10.1.3.0/24' }])
      .storageAccount('sta')
      .storageAccount('stb');
    b.privateEndpoint('pe-b', { subnet: 'v2/pe', ip: '10.1.3.9', target: b.id('Microsoft.Storage/storageAccounts', 'stb') })
      .privateEndpoint('pe-a1', { subnet: 'v1/pe', ip: '10.0.3.5', target: b.id('Microsoft.Storage/storageAccounts', 'sta') })
      .privateEndpoint('pe-a2', { subnet: 'v2/pe', ip: '10.1.3.4', target: b.id('Microsoft.Storage/storageAccounts', 'sta') });
    const dp = dataPlaneOf(b.documents());
    expect(check(dp)).toBe(3);
    const sta = [...dp.snapshot.storageAccounts.values()].find((a) => a.name === 'sta')!;
    expect([...storagePrivateEndpointIps(dp, sta).values()].map((e) => e.ipText)).toEqual(['10.0.3.5', '10.1.3.4']);
    // Another data plane (another snapshot) gets its own index.
    const dp2 = dataPlaneOf(new EstateBuilder().vnet('v1', ['10.0.0.0/16'], []).storageAccount('sta').documents());
    expect(storagePrivateEndpointIps(dp2, [...dp2.snapshot.storageAccounts.values()][0]).size).toBe(0);
  });
});
