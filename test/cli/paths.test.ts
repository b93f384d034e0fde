// trace, reach and firewall on the command line: CONTRACT.md shapes, readable text, and clear
// answers for bad references (exit 2 with candidates).

import { describe, expect, it } from 'vitest';
import { SAMPLE, run, runJson } from './helpers.ts';

describe('trace', () => {
  it('JSON has the contract fields', async () => {
    const { json } = await runJson<Record<string, unknown>>(['trace', SAMPLE, '--from', 'vm-app01', '--to', 'vm-sql01', '--protocol', 'Tcp', '--port', '1433']);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['flow', 'reachable', 'disposition', 'hops', 'allowedBy', 'stoppedBy', 'caveats']));
    expect(json.flow).toEqual({ src: '10.2.1.4', dst: '10.3.1.4', protocol: 'Tcp', dstPort: 1433, srcPort: 49152 });
    const hops = json.hops as { ip: string; resource: string; kind: string; steps: unknown[] }[];
    expect(hops.map((h) => [h.ip, h.kind])).toEqual([['10.0.1.4', 'firewall'], ['10.3.1.4', 'nic']]);
    expect(json.stoppedBy).toBeNull();
  });

  it('a blocked flow names the stage, the rule and a fix in text', async () => {
    const r = await run(['trace', SAMPLE, '--from', 'vm-web01', '--to', 'vm-sql01', '--protocol', 'Tcp', '--port', '1433']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('DENIED_OUT');
    expect(r.stdout).toContain('Stopped at nsg-outbound by securityRules/Deny-All-Outbound in nsg-web');
    expect(r.stdout).toContain('To allow it:');
  });

  it('unknown and ambiguous references exit 2 with candidates, nothing on stdout', async () => {
    const unknown = await run(['trace', SAMPLE, '--from', 'vm-web', '--to', 'vm-sql01', '--protocol', 'Tcp', '--port', '1433']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('ref.unknown');
    expect(unknown.stderr).toContain('vm-web01');
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });

  it('usage errors: missing port for Tcp, bad protocol, bad endpoint', async () => {
    expect((await run(['trace', SAMPLE, '--from', 'vm-app01', '--to', 'vm-sql01', '--protocol', 'Tcp'])).stderr).toContain('--port is required');
    expect((await run(['trace', SAMPLE, '--from', 'vm-app01', '--to', 'vm-sql01', '--protocol', 'Gre', '--port', '1'])).code).toBe(2);
    expect((await run(['trace', SAMPLE, '--from', 'vm-app01', '--to', 'stdataweu01', '--protocol', 'Tcp', '--port', '443', '--endpoint', 'ftp'])).code).toBe(2);
  });

  it('a private endpoint cannot be a source (rule 11.2): exit 2 with the reason', async () => {
    const r = await run(['trace', SAMPLE, '--from', 'pe-stdata-blob', '--to', 'vm-sql01', '--protocol', 'Tcp', '--port', '1433']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('does not initiate connections');
  });
});

describe('reach', () => {
  it('gives exact ports and sources per protocol, each with an example', async () => {
    const { json } = await runJson<{ allowed: { protocol: string; ports: string[]; sources: string[]; example: Record<string, unknown>; via?: string }[] }>(['reach', SAMPLE, '--from', 'internet', '--to', 'vm-legacy01', '--via-public-ip']);
    const ssh = json.allowed.find((p) => p.ports.includes('50022'));
    expect(ssh).toMatchObject({ protocol: 'Tcp', sources: ['203.0.113.64/27'], via: 'lb-legacy-public/nat-ssh-vm-legacy01' });
    expect(json.allowed.find((p) => p.ports.includes('80'))?.via).toBe('lb-legacy-public/lbr-http-80');
    for (const p of json.allowed) expect(p.example).toMatchObject({ protocol: p.protocol });
  });

  it('says so when nothing gets through', async () => {
    const r = await run(['reach', SAMPLE, '--from', 'vm-batch01', '--to', 'vm-sql01']);
    expect(r.stdout).toContain('Nothing gets from vm-batch01 to vm-sql01');
  });
});

describe('reach --to without --from: every source', () => {
  it('JSON: one row per subnet and what its NICs can open, the on-premises site, the totals', async () => {
    const { json } = await runJson<{ to: string; rows: { from: { kind: string; name: string }; endpoints?: string[]; allowed: { protocol: string; ports: string[] }[] }[]; summary: Record<string, unknown>; caveats: unknown[] }>(['reach', SAMPLE, '--to', 'vm-sql01']);
    expect(Object.keys(json)).toEqual(['to', 'rows', 'summary', 'caveats']);
    expect(json.rows.map((r) => `${r.from.kind} ${r.from.name}`)).toEqual([
      'onPremises lng-onprem',
      'subnet vnet-app-weu/snet-app',
      'subnet vnet-data-weu/snet-db',
      'subnet vnet-hub-weu/snet-mgmt',
      'subnet vnet-legacy-weu/snet-legacy',
    ]);
    expect(json.rows[1]).toMatchObject({ endpoints: ['vm-app01', 'vm-app02', 'vm-app03', 'vm-app04'], allowed: [{ protocol: 'Tcp', ports: ['1433'] }] });
    expect(json.summary).toEqual({ hosts: 12, subnets: 4, internet: false, onPremises: 1, classes: expect.any(Number) });
  });

  it('text: the totals, then the rows', async () => {
    const r = await run(['reach', SAMPLE, '--to', 'vm-web01']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('What can reach vm-web01: 3 host(s) in 1 subnet(s); the internet: yes; on-premises sites: 1.');
    expect(r.stdout).toMatch(/\ninternet +Internet \(all public addresses\) +Tcp 443 /);
  });

  it('a long text stops at its row limit and says so', async () => {
    const { compile, computeReachInto, resolveRef } = await import('../../core/index.ts');
    const { renderReachIntoText } = await import('../../cli/commands/reach.ts');
    const { readFolderDocuments, snapshotOf } = await import('../support/load.ts');
    const dp = compile(snapshotOf(readFolderDocuments(SAMPLE)));
    const to = resolveRef(dp, 'vm-sql01');
    if (!to.ok) throw new Error(to.message);
    const r = computeReachInto(dp, to.ref);
    expect(r.rows.length).toBe(5);
    const cut = renderReachIntoText(r, 'vm-sql01', false, 2);
    expect(cut.split('\n').filter((l) => /^(on-premises|vnet-)/.test(l))).toHaveLength(2);
    expect(cut).toContain('... 2 of 5 rows are shown; --json lists them all.');
    expect(renderReachIntoText(r, 'vm-sql01', false)).not.toContain('rows are shown');
  });

  it('the flags that name how one source enters need --from (exit 2)', async () => {
    for (const flag of [['--gateway', 'vgw-hub-weu'], ['--via-public-ip']]) {
      const r = await run(['reach', SAMPLE, '--to', 'vm-web01', ...flag]);
      expect(r.code, flag[0]).toBe(2);
      expect(r.stderr, flag[0]).toContain(`${flag[0]} needs --from`);
    }
    const noTo = await run(['reach', SAMPLE, '--from', 'vm-app01']);
    expect(noTo.code).toBe(2);
    expect(noTo.stderr).toContain('--to');
  });
});

describe('firewall', () => {
  it('answers one decision in the contract shape', async () => {
    const { json } = await runJson(['firewall', SAMPLE, '--firewall', 'afw-hub-weu', '--source', '10.2.1.4', '--fqdn', 'api.github.com', '--protocol', 'TCP', '--port', '443']);
    expect(json).toMatchObject({ action: 'Allow', rule: 'Allow-GitHub-Api', ruleCollection: 'rc-allow-internet-egress', ruleCollectionGroup: 'rcg-hub-application', ruleType: 'Application' });
  });
  it('the parent policy decides DNS to on-premises (rule 12.3)', async () => {
    const { json } = await runJson(['firewall', SAMPLE, '--firewall', '10.0.1.4', '--source', '10.3.1.4', '--dest', '192.168.10.4', '--protocol', 'UDP', '--port', '53']);
    expect(json).toMatchObject({ action: 'Allow', rule: 'Allow-DNS-OnPrem', ruleCollectionGroup: 'rcg-base-platform', ruleType: 'Network' });
  });
  it('default deny, and an unknown firewall lists the ones there are', async () => {
    const { json } = await runJson(['firewall', SAMPLE, '--firewall', 'afw-hub-weu', '--source', '10.2.1.4', '--dest', '1.1.1.1', '--protocol', 'TCP', '--port', '80']);
    expect(json).toMatchObject({ action: 'Deny', rule: null, ruleType: 'Default' });
    const bad = await run(['firewall', SAMPLE, '--firewall', 'afw-nope', '--source', '10.2.1.4', '--dest', '1.1.1.1', '--protocol', 'TCP', '--port', '80']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('afw-hub-weu');
  });
});
