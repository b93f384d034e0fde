import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthMain } from '../../bench/synth/cli.ts';
import { planEstate, SHADOWED_RULE, SHADOWING_RULE } from '../../bench/synth/plan.ts';
import { expectedCounts, TIER_NAMES, TIERS, totalResources, validateTier } from '../../bench/synth/tiers.ts';
import { writeEstate } from '../../bench/synth/writer.ts';
import {
  checkAddresses, checkAsgs, checkBackReferences, checkNsgs, checkPeerings, checkReferences, checkRoutesAndFirewalls, lc,
  type LoadedEstate, loadEstate, type Obj, ofType, type Resource,
} from './estate-checks.ts';

const SEED = 20240601;
const root = mkdtempSync(join(tmpdir(), 'ztpath-synth-'));
const dir = (name: string): string => join(root, name);

afterAll(() => rmSync(root, { recursive: true, force: true }));

function filesOf(d: string): Map<string, Buffer> {
  return new Map(readdirSync(d).sort().map((f) => [f, readFileSync(join(d, f))] as const));
}

describe('tier definitions', () => {
  it('tier L matches the issue: 1,000 VNets, 10,000 subnets, 50,000 NICs, 2,000 NSGs, 100,000 rules, ~1,000 route tables', () => {
    const c = expectedCounts(TIERS.L);
    expect(c['Microsoft.Network/virtualNetworks']).toBe(1000);
    expect(c['Microsoft.Network/virtualNetworks/subnets']).toBe(10000);
    expect(c['Microsoft.Network/networkInterfaces']).toBe(50000);
    expect(c['Microsoft.Network/networkSecurityGroups']).toBe(2000);
    expect(c['Microsoft.Network/networkSecurityGroups/securityRules']).toBe(100000);
    expect(Math.abs(c['Microsoft.Network/routeTables'] - 1000)).toBeLessThanOrEqual(10);
  });

  it('tier XL is 4 x L', () => {
    const l = expectedCounts(TIERS.L);
    const xl = expectedCounts(TIERS.XL);
    for (const key of ['Microsoft.Network/virtualNetworks', 'Microsoft.Network/virtualNetworks/subnets', 'Microsoft.Network/networkInterfaces',
      'Microsoft.Network/networkSecurityGroups', 'Microsoft.Network/networkSecurityGroups/securityRules'] as const) {
      expect(xl[key]).toBe(4 * l[key]);
    }
    expect(Math.abs(xl['Microsoft.Network/routeTables'] - 4 * l['Microsoft.Network/routeTables']) / (4 * l['Microsoft.Network/routeTables'])).toBeLessThan(0.01);
  });

  it('tiers S and M: 20 VNets / 500 NICs and 200 VNets / 5,000 NICs', () => {
    expect(expectedCounts(TIERS.S)['Microsoft.Network/virtualNetworks']).toBe(20);
    expect(expectedCounts(TIERS.S)['Microsoft.Network/networkInterfaces']).toBe(500);
    expect(expectedCounts(TIERS.M)['Microsoft.Network/virtualNetworks']).toBe(200);
    expect(expectedCounts(TIERS.M)['Microsoft.Network/networkInterfaces']).toBe(5000);
  });

  it('every tier can be laid out, and S has no load balancers while the others do', () => {
    for (const t of TIER_NAMES) expect(validateTier(TIERS[t]), t).toEqual([]);
    expect(expectedCounts(TIERS.S)['Microsoft.Network/loadBalancers']).toBe(0);
    for (const t of ['M', 'L', 'XL'] as const) expect(expectedCounts(TIERS[t])['Microsoft.Network/loadBalancers']).toBeGreaterThan(0);
  });

  it('the plan of tier L is drawn without generating resources and matches the definition', () => {
    const plan = planEstate(TIERS.L, SEED);
    expect(plan.hubs).toHaveLength(10);
    expect(plan.spokes).toHaveLength(990);
    expect(plan.mistakes).toHaveLength(6 * TIERS.L.mistakesPerKind);
    expect(new Set(plan.spokes.map((s) => s.vnetName)).size).toBe(990);
  });
});

describe('determinism', () => {
  beforeAll(async () => {
    await writeEstate(dir('a'), 'S', SEED);
    await writeEstate(dir('b'), 'S', SEED);
    await writeEstate(dir('c'), 'S', SEED + 1);
  });

  it('the same seed gives byte-identical files', () => {
    const a = filesOf(dir('a'));
    const b = filesOf(dir('b'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, bytes] of a) expect(bytes.equals(b.get(name) as Buffer), name).toBe(true);
  });

  it('a different seed gives different output', () => {
    const a = filesOf(dir('a'));
    const c = filesOf(dir('c'));
    const differing = [...a].filter(([name, bytes]) => !c.get(name)?.equals(bytes));
    expect(differing.length).toBeGreaterThanOrEqual(a.size - 1);
  });

  it('the resources do not depend on how spokes are cut into files', async () => {
    const summary = await writeEstate(dir('chunked'), { ...TIERS.S, spokesPerFile: 4 }, SEED);
    expect(summary.files.length).toBeGreaterThan(filesOf(dir('a')).size - 1);
    const lines = (d: string, names: string[]): string[] =>
      names.flatMap((n) => readFileSync(join(d, n), 'utf8').split('\n').filter((l) => l.startsWith('{"id"')).map((l) => l.replace(/,$/, '')));
    const order = (d: string): string[] => readdirSync(d).filter((f) => f.endsWith('.json')).sort((x, y) => {
      const key = (f: string): string => f.replace(/^global/, '0').replace(/^(hub|spokes)-(\d+)/, (_m, k: string, n: string) => `${n}-${k === 'hub' ? 0 : 1}`);
      return key(x) < key(y) ? -1 : 1;
    });
    expect(lines(dir('chunked'), order(dir('chunked')))).toEqual(lines(dir('a'), order(dir('a'))));
  });
});

function hubVnet(v: Resource): boolean {
  return (v.tags as Obj | undefined)?.role === 'hub';
}

function portCovers(p: Obj, port: number): boolean {
  const list = [...(typeof p.destinationPortRange === 'string' ? [p.destinationPortRange] : []), ...(p.destinationPortRanges as string[])];
  return list.some((r) => {
    if (r === '*') return true;
    const [lo, hi] = r.split('-').map(Number) as [number, number | undefined];
    return port >= lo && port <= (hi ?? lo);
  });
}

describe('tier S self-consistency', () => {
  let e: LoadedEstate;
  beforeAll(async () => {
    await writeEstate(dir('s'), 'S', SEED);
    e = loadEstate(dir('s'));
  });

  it('writes only {"value": [...]} JSON files under 50 MB and MANIFEST.txt', () => {
    expect(e.files.length).toBeGreaterThan(1);
    for (const f of e.files) {
      expect(f.name).toMatch(/\.json$/);
      expect(f.bytes).toBeLessThan(50 * 1024 * 1024);
    }
    expect(e.manifest).toContain('tier: S');
    expect(e.manifest).toContain(`seed: ${SEED}`);
  });

  it('counts per type match the tier definition', () => {
    const expected = expectedCounts(TIERS.S);
    const actual: Record<string, number> = {};
    for (const r of e.resources) actual[r.type] = (actual[r.type] ?? 0) + 1;
    const sum = (type: string, key: string): number => ofType(e, type).reduce((n, r) => n + ((r.properties[key] as unknown[]) ?? []).length, 0);
    actual['Microsoft.Network/virtualNetworks/subnets'] = sum('Microsoft.Network/virtualNetworks', 'subnets');
    actual['Microsoft.Network/virtualNetworks/virtualNetworkPeerings'] = sum('Microsoft.Network/virtualNetworks', 'virtualNetworkPeerings');
    actual['Microsoft.Network/networkSecurityGroups/securityRules'] = sum('Microsoft.Network/networkSecurityGroups', 'securityRules');
    actual['Microsoft.Network/networkSecurityGroups/defaultSecurityRules'] = sum('Microsoft.Network/networkSecurityGroups', 'defaultSecurityRules');
    actual['Microsoft.Network/routeTables/routes'] = sum('Microsoft.Network/routeTables', 'routes');
    for (const [type, n] of Object.entries(expected)) expect(actual[type] ?? 0, type).toBe(n);
    expect(e.resources.length).toBe(totalResources(expected));
    expect(Object.keys(actual).every((t) => t in expected)).toBe(true);
  });

  it('every reference points at a generated resource', () => {
    expect(checkReferences(e)).toEqual([]);
  });

  it('address spaces do not overlap and every private IP is a usable address of its subnet', () => {
    expect(checkAddresses(e)).toEqual([]);
  });

  it('every peering has both halves, Connected, with matching address spaces', () => {
    expect(checkPeerings(e)).toEqual([]);
  });

  it('NSG priorities are unique per direction and the default rules are Azure\'s', () => {
    expect(checkNsgs(e)).toEqual([]);
  });

  it('ASGs used together belong to one VNet', () => {
    expect(checkAsgs(e)).toEqual([]);
  });

  it('back-references agree with forward references', () => {
    expect(checkBackReferences(e)).toEqual([]);
  });

  it('routes to virtual appliances and DNAT targets exist', () => {
    expect(checkRoutesAndFirewalls(e)).toEqual([]);
  });

  it('is hub and spoke: spokes peer with their hub (transit flags set) and route 0/0 to its firewall', () => {
    const vnets = ofType(e, 'Microsoft.Network/virtualNetworks');
    const hubs = vnets.filter(hubVnet);
    expect(hubs).toHaveLength(TIERS.S.hubs);
    const fwIpOfHub = new Map<string, string>();
    for (const fw of ofType(e, 'Microsoft.Network/azureFirewalls')) {
      const cfg = (fw.properties.ipConfigurations as Obj[])[0] as Obj;
      const subnet = ((cfg.properties as Obj).subnet as Obj).id as string;
      fwIpOfHub.set(lc(subnet.replace(/\/subnets\/.*$/, '')), (cfg.properties as Obj).privateIPAddress as string);
    }
    const routeTables = new Map(ofType(e, 'Microsoft.Network/routeTables').map((t) => [lc(t.id), t] as const));
    for (const spoke of vnets.filter((v) => !hubVnet(v))) {
      const peerings = spoke.properties.virtualNetworkPeerings as Obj[];
      const toHub = peerings.filter((p) => hubs.some((h) => lc(h.id) === lc(((p.properties as Obj).remoteVirtualNetwork as Obj).id as string)));
      expect(toHub, spoke.name).toHaveLength(1);
      const hp = (toHub[0] as Obj).properties as Obj;
      expect(hp.useRemoteGateways).toBe(true);
      expect(hp.allowForwardedTraffic).toBe(true);
      const hubId = lc((hp.remoteVirtualNetwork as Obj).id as string);
      for (const s of spoke.properties.subnets as Obj[]) {
        const rt = ((s.properties as Obj).routeTable as Obj | undefined)?.id as string | undefined;
        if (!rt) continue; // the planted spoke without a route table; checked below
        const table = routeTables.get(lc(rt)) as Resource;
        const def = (table.properties.routes as Obj[]).find((r) => (r.properties as Obj).addressPrefix === '0.0.0.0/0');
        expect((def?.properties as Obj).nextHopType).toBe('VirtualAppliance');
        expect((def?.properties as Obj).nextHopIpAddress).toBe(fwIpOfHub.get(hubId));
      }
    }
  });

  it('plants each mistake where the manifest says, and nowhere else', () => {
    const plan = planEstate(TIERS.S, SEED);
    const m = TIERS.S.mistakesPerKind;
    const planted = (kind: string): string[] => plan.mistakes.filter((x) => x.kind === kind).flatMap((x) => x.resources.map((r) => lc(r.id)));
    for (const mistake of plan.mistakes) {
      expect(e.manifest).toContain(`[${mistake.kind}]`);
      for (const r of mistake.resources) {
        expect(e.defined.has(lc(r.id)), r.id).toBe(true);
        expect(e.manifest).toContain(r.id);
      }
    }
    const vnets = ofType(e, 'Microsoft.Network/virtualNetworks');
    const spokes = vnets.filter((v) => !hubVnet(v));

    // subnets without an NSG (the platform subnets GatewaySubnet/AzureFirewallSubnet may have none)
    const bare = vnets.flatMap((v) => (v.properties.subnets as Obj[])
      .filter((s) => !['GatewaySubnet', 'AzureFirewallSubnet'].includes(s.name as string) && !(s.properties as Obj).networkSecurityGroup)
      .map((s) => lc(s.id as string)));
    expect(bare.sort()).toEqual(planted('subnet-without-nsg').sort());

    // spokes without a route table
    const unrouted = spokes.filter((v) => (v.properties.subnets as Obj[]).every((s) => !(s.properties as Obj).routeTable)).map((v) => lc(v.id));
    expect(unrouted.sort()).toEqual(planted('spoke-without-route-table').sort());
    expect(spokes.filter((v) => (v.properties.subnets as Obj[]).some((s) => !(s.properties as Obj).routeTable)).length).toBe(m);

    // storage accounts open to every network
    const open = ofType(e, 'Microsoft.Storage/storageAccounts').filter((s) => (s.properties.networkAcls as Obj).defaultAction === 'Allow').map((s) => lc(s.id));
    expect(open.sort()).toEqual(planted('storage-default-allow').sort());

    // spoke-to-spoke peerings
    const spokeIds = new Set(spokes.map((v) => lc(v.id)));
    const direct = spokes.flatMap((v) => (v.properties.virtualNetworkPeerings as Obj[])
      .filter((p) => spokeIds.has(lc(((p.properties as Obj).remoteVirtualNetwork as Obj).id as string)))
      .map((p) => lc(p.id as string)));
    expect(direct.sort()).toEqual(planted('spoke-to-spoke-peering').sort());
    expect(direct).toHaveLength(2 * m);

    // shadowed rule: the deny is covered by an earlier allow in the same direction
    for (const mistake of plan.mistakes.filter((x) => x.kind === 'shadowed-rule')) {
      const [shadowed, shadowing] = mistake.resources.map((r) => e.defined.get(lc(r.id)) as Obj);
      const d = (shadowed as Obj).properties as Obj;
      const a = (shadowing as Obj).properties as Obj;
      expect((shadowed as Obj).name).toBe(SHADOWED_RULE);
      expect((shadowing as Obj).name).toBe(SHADOWING_RULE);
      expect([d.access, a.access]).toEqual(['Deny', 'Allow']);
      expect(d.direction).toBe(a.direction);
      expect(a.priority as number).toBeLessThan(d.priority as number);
      expect(a.protocol).toBe(d.protocol);
      expect(a.sourceAddressPrefixes as string[]).toContain(d.sourceAddressPrefix);
      expect(a.destinationAddressPrefix).toBe('*');
      expect(portCovers(a, Number(d.destinationPortRange))).toBe(true);
    }

    // management ports open to the internet: only the planted rules, on a NIC with a public IP
    const openMgmt = ofType(e, 'Microsoft.Network/networkSecurityGroups').flatMap((nsg) => (nsg.properties.securityRules as Obj[])
      .filter((r) => {
        const p = r.properties as Obj;
        return p.direction === 'Inbound' && p.access === 'Allow' && ['Internet', '*', '0.0.0.0/0'].includes(p.sourceAddressPrefix as string)
          && (portCovers(p, 22) || portCovers(p, 3389));
      })
      .map((r) => lc(r.id as string)));
    const plantedRules = planted('internet-management-port').filter((id) => id.includes('/securityrules/'));
    expect(openMgmt.sort()).toEqual(plantedRules.sort());
    for (const mistake of plan.mistakes.filter((x) => x.kind === 'internet-management-port')) {
      const nic = e.defined.get(lc(mistake.resources[0]?.id as string)) as Obj;
      const cfg = ((nic.properties as Obj).ipConfigurations as Obj[])[0] as Obj;
      expect((cfg.properties as Obj).publicIPAddress).toBeDefined();
      expect(lc(((nic.properties as Obj).networkSecurityGroup as Obj).id as string)).toBe(lc((mistake.resources[2]?.id as string).replace(/\/securityRules\/.*$/, '')));
    }
  });
});

describe('tier M self-consistency (load balancers, more spokes)', () => {
  let e: LoadedEstate;
  beforeAll(async () => {
    await writeEstate(dir('m'), 'M', SEED);
    e = loadEstate(dir('m'));
  });

  it('is consistent', () => {
    expect(ofType(e, 'Microsoft.Network/loadBalancers').length).toBe(expectedCounts(TIERS.M)['Microsoft.Network/loadBalancers']);
    expect(checkReferences(e)).toEqual([]);
    expect(checkAddresses(e)).toEqual([]);
    expect(checkPeerings(e)).toEqual([]);
    expect(checkNsgs(e)).toEqual([]);
    expect(checkAsgs(e)).toEqual([]);
    expect(checkBackReferences(e)).toEqual([]);
    expect(checkRoutesAndFirewalls(e)).toEqual([]);
  });
});

describe('synthMain', () => {
  const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = '';
    let err = '';
    const code = await synthMain(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
    return { code, out, err };
  };

  it('prints help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--tier S|M|L|XL');
  });

  it.each([
    [[], 'missing --tier'],
    [['--tier', 'XXL', '--seed', '1', '--out', 'x'], '--tier must be one of'],
    [['--tier', 'S', '--seed', '-1', '--out', 'x'], '--seed'],
    [['--tier', 'S', '--seed', 'abc', '--out', 'x'], '--seed must be an integer'],
    [['--tier', 'S', '--seed', '99999999999', '--out', 'x'], '--seed must be an integer'],
    [['--tier', 'S', '--seed', '1'], 'missing --out'],
    [['--tier', 'S', '--seed', '1', '--out', 'x', '--frobnicate'], 'unknown option --frobnicate'],
    [['--tier', 'S', '--tier', 'M', '--seed', '1', '--out', 'x'], 'given twice'],
  ])('exits 2 on bad arguments %j', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('refuses an output folder that already holds JSON', async () => {
    const d = dir('busy');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'other.json'), '{}');
    const r = await run(['--tier', 'S', '--seed', '1', '--out', d]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('other.json');
  });

  it('writes an estate and reports it', async () => {
    const r = await run(['--tier=s', '--seed=5', '--out', dir('cli'), '--quiet']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('20 VNets');
    expect(readdirSync(dir('cli'))).toContain('MANIFEST.txt');
  });
});
