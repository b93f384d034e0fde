// What-if on fixture pairs (test/fixtures/whatif/<scenario>/{before,after}): each asserts the exact
// flows newly allowed and newly blocked, that the incremental answer equals the full comparison of
// every pair, and that the scenario's change file (whatif) gives the same answer as the two
// snapshots (diff). Regenerate the fixtures with `npx tsx test/fixtures/whatif/build.ts`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, computeWhatIf, setToCidrStrings, type FlowChange, type WhatIfAnswer, type Snapshot } from '../../../core/index.ts';
import { INTERNET_SOURCES } from '../../../core/analysis/diff/universe.ts';
import { applyChange, importDocuments } from '../../../importer/index.ts';
import { REPO_ROOT } from '../../support/paths.ts';

const DIR = join(REPO_ROOT, 'test', 'fixtures', 'whatif');
const INTERNET = setToCidrStrings(INTERNET_SOURCES).join(',');

function load(scenario: string, side: 'before' | 'after'): Snapshot {
  const file = join(DIR, scenario, side, 'estate.json');
  const s = importDocuments([{ file: `test/fixtures/whatif/${scenario}/${side}/estate.json`, text: readFileSync(file, 'utf8') }]);
  const errors = s.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('; '));
  return s;
}

/** `from -> to protocol ports from sources` (the internet's whole public space as `Internet`). */
function line(x: FlowChange): string {
  const sources = x.sources.join(',') === INTERNET ? 'Internet' : x.sources.join(',');
  return `${x.from} -> ${x.to} ${x.protocol}${x.ports.length ? ' ' + x.ports.join(',') : ''} from ${sources}`;
}

function comparable(a: WhatIfAnswer): string {
  const strip = (xs: FlowChange[]) => xs.map((x) => ({ ...x, example: { ...x.example, before: undefined, after: undefined } }));
  return JSON.stringify({ allowed: strip(a.newlyAllowed), blocked: strip(a.newlyBlocked), exposure: a.exposure });
}

const cache = new Map<string, { before: Snapshot; inc: WhatIfAnswer }>();
function whatIf(scenario: string): WhatIfAnswer {
  let c = cache.get(scenario);
  if (!c) {
    const before = load(scenario, 'before');
    c = { before, inc: computeWhatIf(compile(before), compile(load(scenario, 'after'))) };
    cache.set(scenario, c);
  }
  return c.inc;
}

const EXPECTED: Record<string, { allowed: string[]; blocked: string[] }> = {
  'nsg-rule-added': {
    allowed: ['vnet-a/snet-app -> vm-d1-nic Tcp 5432 from 10.1.1.4/31'],
    blocked: [],
  },
  'nsg-rule-removed': {
    allowed: [],
    blocked: ['vnet-a/snet-app -> vm-d1-nic Tcp 443 from 10.1.1.4/31'],
  },
  'nsg-rule-reprioritised': {
    allowed: [],
    // Only vm-a1 (10.1.1.4) is named by Deny-A1-Ssh; vm-a2 keeps SSH.
    blocked: ['vm-a1-nic -> vm-d1-nic Tcp 22 from 10.1.1.4/32'],
  },
  'route-table-via-firewall': {
    // Spoke A reaches spoke B through the firewall (network rule a-to-b-https, nsg-b Allow-A-Https);
    // before, the VirtualNetwork tag did not cover spoke B, so AllowVnetOutBound did not apply and
    // there was no route either.
    allowed: ['vm-d1-nic -> vm-b1-nic Tcp 443 from 10.1.2.4/32', 'vnet-a/snet-app -> vm-b1-nic Tcp 443 from 10.1.1.4/31'],
    // Internet egress and the storage account's public endpoint now meet the firewall, which has
    // no rule for them.
    blocked: [
      'vm-b1-nic -> internet Any from 10.2.1.4/32',
      'vm-b1-nic -> stwhatif01 Tcp 443 from 10.2.1.4/32',
      'vm-d1-nic -> internet Any from 10.1.2.4/32',
      'vm-d1-nic -> stwhatif01 Tcp 443 from 10.1.2.4/32',
      'vnet-a/snet-app -> internet Any from 10.1.1.4/31',
      'vnet-a/snet-app -> stwhatif01 Tcp 443 from 10.1.1.4/31',
    ],
  },
  'peering-flag-flipped': {
    allowed: [],
    // The firewall forwards spoke A's traffic: its source is outside the hub, so spoke B's peering
    // must allow forwarded traffic (rule 8.6).
    blocked: ['vm-d1-nic -> vm-b1-nic Tcp 443 from 10.1.2.4/32', 'vnet-a/snet-app -> vm-b1-nic Tcp 443 from 10.1.1.4/31'],
  },
  'nsg-dissociated': {
    allowed: [
      'vm-shared-nic -> vm-d1-nic Any from 10.0.2.4/32',
      'vnet-a/snet-app -> vm-d1-nic Tcp 0-21,23-442,444-65535 from 10.1.1.4/31',
      'vnet-a/snet-app -> vm-d1-nic Udp 0-65535 from 10.1.1.4/31',
      'vnet-a/snet-app -> vm-d1-nic Icmp from 10.1.1.4/31',
      'vnet-a/snet-app -> vm-d1-nic Esp from 10.1.1.4/31',
      'vnet-a/snet-app -> vm-d1-nic Ah from 10.1.1.4/31',
    ],
    blocked: [],
  },
  'public-ip-attached': {
    allowed: ['internet -> vm-a1-nic Tcp 443 from Internet'],
    blocked: [],
  },
  'storage-closed': {
    allowed: [],
    blocked: [
      'internet -> stwhatif01 Tcp 443 from Internet',
      'vm-b1-nic -> stwhatif01 Tcp 443 from 10.2.1.4/32',
      'vm-d1-nic -> stwhatif01 Tcp 443 from 10.1.2.4/32',
      'vm-shared-nic -> stwhatif01 Tcp 443 from 10.0.2.4/32',
      'vnet-a/snet-app -> stwhatif01 Tcp 443 from 10.1.1.4/31',
    ],
  },
};

describe('what-if on fixture pairs', () => {
  for (const [scenario, expected] of Object.entries(EXPECTED)) {
    describe(scenario, () => {
      it('newly allowed and newly blocked, exactly', () => {
        const a = whatIf(scenario);
        expect(a.newlyAllowed.map(line)).toEqual(expected.allowed);
        expect(a.newlyBlocked.map(line)).toEqual(expected.blocked);
        expect(a.stats.complete).toBe(true);
      });

      it('equals the full comparison of every pair', () => {
        const before = load(scenario, 'before');
        const full = computeWhatIf(compile(before), compile(load(scenario, 'after')), { mode: 'full', traces: false });
        expect(full.stats.mode).toBe('full');
        expect(comparable(whatIf(scenario))).toEqual(comparable(full));
      });

      it('the change file gives the same answer as the after snapshot', () => {
        const before = load(scenario, 'before');
        const r = applyChange(before, readFileSync(join(DIR, scenario, 'change.json'), 'utf8'), `test/fixtures/whatif/${scenario}/change.json`);
        expect(r.failed).toBe(false);
        expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
        expect(comparable(computeWhatIf(compile(before), compile(r.snapshot)))).toEqual(comparable(whatIf(scenario)));
      });
    });
  }

  it('examples are traced before and after, and name the deciding rule', () => {
    const x = whatIf('nsg-rule-removed').newlyBlocked[0];
    expect(x.example).toMatchObject({ src: '10.1.1.4', dst: '10.1.2.4', protocol: 'Tcp', dstPort: 443 });
    expect(x.example.before?.disposition).toBe('ACCEPTED');
    expect(x.example.before?.allowedBy).toContainEqual(expect.objectContaining({ rule: 'securityRules/Allow-App-Https' }));
    expect(x.example.after?.disposition).toBe('DENIED_IN');
    expect(x.example.after?.stoppedBy).toMatchObject({ stage: 'nsg-inbound', rule: 'securityRules/Deny-All-Inbound' });
    expect(x.fromRef).toMatchObject({ kind: 'subnet', name: 'vnet-a/snet-app', ips: ['10.1.1.4', '10.1.1.5'] });
    expect(x.toRef).toMatchObject({ kind: 'endpoint', name: 'vm-d1-nic', endpointKind: 'nic', subnet: 'vnet-a/snet-data' });
  });

  it('internet exposure follows the internet flows', () => {
    const pip = whatIf('public-ip-attached');
    expect(pip.exposure.removed).toEqual([]);
    expect(pip.exposure.added).toEqual([expect.objectContaining({ name: 'vm-a1-nic', kind: 'nic', ip: '10.1.1.4', protocol: 'Tcp', ports: ['443'], via: 'pip-a1' })]);
    expect(pip.newlyAllowed[0].via).toBe('pip-a1');
    const st = whatIf('storage-closed');
    expect(st.exposure.added).toEqual([]);
    expect(st.exposure.removed).toEqual([expect.objectContaining({ name: 'stwhatif01', kind: 'storageAccount', protocol: 'Tcp', ports: ['443'] })]);
  });

  it('reports the effective rules and routes that changed', () => {
    const removed = whatIf('nsg-rule-removed');
    expect(removed.rules).toEqual([expect.objectContaining({ endpoints: ['vm-d1-nic'], subnet: 'vnet-a/snet-data', added: [], removed: [expect.objectContaining({ name: 'securityRules/Allow-App-Https', priority: 200, access: 'Allow' })] })]);
    expect(removed.routes).toEqual([]);
    const rt = whatIf('route-table-via-firewall');
    expect(rt.routes.map((r) => r.name)).toEqual(['vnet-a/snet-app', 'vnet-a/snet-data', 'vnet-b/snet-b']);
    expect(rt.routes[0].added).toContainEqual(expect.objectContaining({ source: 'User', addressPrefix: ['0.0.0.0/0'], nextHopType: 'VirtualAppliance', nextHopIpAddress: ['10.0.1.4'] }));
    // The user route makes VirtualNetwork cover 0.0.0.0/0: the expanded default rules change.
    expect(rt.rules.map((r) => r.endpoints.join('+'))).toEqual(['vm-a1-nic+vm-a2-nic', 'vm-b1-nic', 'vm-d1-nic']);
  });

  it('says what changed, resource by resource', () => {
    expect(whatIf('nsg-rule-reprioritised').changes).toEqual([
      expect.objectContaining({ collection: 'networkSecurityGroups', name: 'nsg-data', change: 'modified', details: ['securityRules/Deny-A1-Ssh changed (priority)'] }),
    ]);
    expect(whatIf('nsg-dissociated').changes).toEqual([expect.objectContaining({ collection: 'subnets', name: 'snet-data', details: [expect.stringMatching(/^nsgId: .*nsg-data -> \(none\)$/)] })]);
  });

  it('an unchanged snapshot has no differences and recomputes nothing', () => {
    const before = load('nsg-rule-added', 'before');
    const a = computeWhatIf(compile(before), compile(load('nsg-rule-added', 'before')));
    expect(a.newlyAllowed).toEqual([]);
    expect(a.newlyBlocked).toEqual([]);
    expect(a.changes).toEqual([]);
    expect(a.stats.pairsConsidered).toBe(0);
  });

  it('the budget of a full comparison covers its setup: exhausted before the first walk, nothing is compared', () => {
    const a = computeWhatIf(compile(load('nsg-rule-added', 'before')), compile(load('nsg-rule-added', 'after')), { mode: 'full', traces: false, budgetMs: -1 });
    expect(a.stats.complete).toBe(false);
    expect(a.stats.pairsConsidered).toBe(0);
    expect(a.stats.pairsComputed).toBe(0);
    expect(a.stats.estimatedFullMs).toBeUndefined();
    expect(a.caveats.map((c) => c.code)).toContain('whatif.partial');
  });
});
