// `--gateway REF` on trace and reach: an on-premises site connected to two hubs enters through the
// gateway the question names (rules 8.7, 9.1); bad uses exit 2 with the gateways there are.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { twoHubDocuments } from '../support/two-hubs.ts';
import { run, SAMPLE } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ztpath-two-hubs-'));
twoHubDocuments(['192.168.0.0/16'], ['192.168.0.0/16']).forEach((d, i) => writeFileSync(path.join(dir, `${i}-${path.basename(d.file)}`), d.text));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface TraceJson { disposition: string; hops: { kind: string; name: string }[] }

describe('--gateway', () => {
  it('trace enters through the named gateway: hub2 leads to vm2, hub1 does not', async () => {
    const t = async (gw: string) => {
      const r = await run(['trace', dir, '--from', '192.168.1.10', '--to', 'vm2', '--protocol', 'Tcp', '--port', '22', '--gateway', gw, '--json']);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as TraceJson;
    };
    const two = await t('vgw-hub2');
    expect(two.disposition).toBe('ACCEPTED');
    expect(`${two.hops[0].kind}:${two.hops[0].name}`).toBe('gateway:vgw-hub2');
    expect((await t('VGW-HUB1')).disposition).not.toBe('ACCEPTED');
  });

  it('reach through hub1 finds nothing to vm2; through hub2 the site gets in', async () => {
    const r1 = await run(['reach', dir, '--from', '192.168.1.10', '--to', 'vm2', '--gateway', 'vgw-hub1', '--json']);
    const r2 = await run(['reach', dir, '--from', '192.168.1.10', '--to', 'vm2', '--gateway', 'vgw-hub2', '--json']);
    expect([r1.code, r2.code]).toEqual([0, 0]);
    expect((JSON.parse(r1.stdout) as { allowed: unknown[] }).allowed).toEqual([]);
    expect((JSON.parse(r2.stdout) as { allowed: unknown[] }).allowed.length).toBeGreaterThan(0);
  });

  it('an unknown gateway, or a source that is not on-premises, exits 2 and says why', async () => {
    const unknown = await run(['trace', SAMPLE, '--from', '172.16.10.4', '--to', 'vm-app01', '--protocol', 'Tcp', '--port', '443', '--gateway', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--gateway nope: no virtual network gateway');
    expect(unknown.stderr).toContain('virtualNetworkGateways/vgw-hub-weu');
    expect(unknown.stdout).toBe('');
    const notOnPrem = await run(['reach', SAMPLE, '--from', 'vm-web01', '--to', 'vm-app01', '--gateway', 'vgw-hub-weu']);
    expect(notOnPrem.code).toBe(2);
    expect(notOnPrem.stderr).toContain('--gateway applies to an on-premises source');
  });
});
