// The false negatives and false positives that per-rule checkers are known for, each as a fixture:
// exposure findings must follow the effective result (every NSG, the entry point, routes), not the
// text of one rule.

import { describe, expect, it } from 'vitest';
import { computeFindings, type Finding } from '../../../core/index.ts';
import { EstateBuilder, type RuleSpec } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';

const allow3389 = (o: Partial<RuleSpec> = {}): RuleSpec => ({ name: 'Allow-RDP', priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationPorts: '3389', ...o });

/** One VM with a public IP in a subnet whose NSG has `rules`; optionally a NIC NSG. */
function vmWithPublicIp(rules: RuleSpec[], o: { nicRules?: RuleSpec[]; publicIp?: boolean } = {}) {
  const b = new EstateBuilder()
    .vnet('vnet1', ['10.0.0.0/16'], [{ name: 'snet1', prefix: '10.0.1.0/24', nsg: 'nsg-subnet' }])
    .nsg('nsg-subnet', rules);
  if (o.nicRules) b.nsg('nsg-nic', o.nicRules);
  if (o.publicIp !== false) b.publicIp('pip-vm1', '52.1.2.3');
  b.nic('nic-vm1', { subnet: 'vnet1/snet1', ip: '10.0.1.4', ...(o.publicIp !== false ? { publicIp: 'pip-vm1' } : {}), ...(o.nicRules ? { nsg: 'nsg-nic' } : {}) });
  return dataPlaneOf(b.documents());
}

function mgmt(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.id === 'ZT-EXPOSED-MGMT-PORT');
}

function exposed(rules: RuleSpec[], o: { nicRules?: RuleSpec[]; publicIp?: boolean } = {}): Finding[] {
  return mgmt(computeFindings(vmWithPublicIp(rules, o), { only: ['ZT-EXPOSED-MGMT-PORT', 'ZT-EXPOSED-DIRECT'] }).findings);
}

describe('ZT-EXPOSED-MGMT-PORT: every way of writing "any source" (false negatives of text matching)', () => {
  const sources: [string, string | string[]][] = [
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['a /0 with host bits (10.0.0.0/0)', '10.0.0.0/0'],
    ['*', '*'],
    ['Any', 'Any'],
    ['the Internet tag', 'Internet'],
    ['two /1 halves', ['0.0.0.0/1', '128.0.0.0/1']],
  ];
  it.each(sources)('source %s', (_label, source) => {
    const f = exposed([allow3389({ source })]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'high', name: 'nic-vm1' });
    expect(f[0].message).toContain('RDP (Tcp 3389)');
    expect(f[0].message).toContain('any internet address');
    expect(f[0].evidence.disposition).toBe('ACCEPTED');
    expect(f[0].evidence.allowedBy).toContainEqual({ nsg: expect.stringContaining('nsg-subnet'), rule: 'securityRules/Allow-RDP', side: 'destination-subnet' });
  });
});

describe('ZT-EXPOSED-MGMT-PORT: every way of writing port 3389', () => {
  it('inside a range (3000-4000)', () => {
    const f = exposed([allow3389({ destinationPorts: '3000-4000' })]);
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('MySQL (Tcp 3306), RDP (Tcp 3389)');
    expect(f[0].evidence.flow).toMatchObject({ protocol: 'Tcp', dstPort: 3389 });
  });

  it('in a list of ports', () => {
    const f = exposed([allow3389({ destinationPorts: ['80', '443', '3389'] })]);
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('RDP (Tcp 3389)');
  });

  it('over UDP (RDP also uses UDP 3389)', () => {
    const f = exposed([allow3389({ protocol: 'Udp' })]);
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('RDP (Udp 3389)');
    expect(f[0].evidence.flow).toMatchObject({ protocol: 'Udp', dstPort: 3389 });
  });

  it('under protocol * (both TCP and UDP)', () => {
    const f = exposed([allow3389({ protocol: '*' })]);
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('Tcp 3389');
    expect(f[0].message).toContain('Udp 3389');
  });

  it('the other management and database ports are found too (22, 5985-5986, 1433)', () => {
    const f = exposed([allow3389({ destinationPorts: ['22', '5985-5986', '1433'] })]);
    expect(f).toHaveLength(1);
    for (const s of ['SSH (Tcp 22)', 'WinRM (Tcp 5985)', 'WinRM (HTTPS) (Tcp 5986)', 'SQL Server (Tcp 1433)']) expect(f[0].message).toContain(s);
  });
});

describe('ZT-EXPOSED-MGMT-PORT: no finding where the effective result blocks (false positives of text matching)', () => {
  it('a higher-priority deny blocks the allow', () => {
    const f = exposed([{ name: 'Deny-RDP', priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', source: '*', destinationPorts: '3389' }, allow3389()]);
    expect(f).toEqual([]);
  });

  it('the subnet NSG allows but the NIC NSG denies', () => {
    const f = exposed([allow3389()], { nicRules: [{ name: 'Deny-All-In', priority: 4000, direction: 'Inbound', access: 'Deny' }] });
    expect(f).toEqual([]);
  });

  it('an allow on a NIC with no public IP and no other entry point', () => {
    const f = exposed([allow3389({ source: '*' })], { publicIp: false });
    expect(f).toEqual([]);
  });

  it('an allow from a source that is not on the internet (on-premises range)', () => {
    expect(exposed([allow3389({ source: '192.168.0.0/16' })])).toEqual([]);
  });
});

describe('ZT-EXPOSED-MGMT-PORT through a load balancer NAT rule with a translated port', () => {
  function natEstate(rules: RuleSpec[]) {
    const b = new EstateBuilder()
      .vnet('vnet1', ['10.0.0.0/16'], [{ name: 'snet1', prefix: '10.0.1.0/24', nsg: 'nsg-subnet' }])
      .nsg('nsg-subnet', rules)
      .publicIp('pip-lb', '52.9.9.9')
      .nic('nic-vm1', { subnet: 'vnet1/snet1', ip: '10.0.1.4' })
      .loadBalancer('lb1', { publicIp: 'pip-lb', pool: ['nic-vm1'], natRules: [{ name: 'nat-rdp', nic: 'nic-vm1', protocol: 'Tcp', frontendPort: 50389, backendPort: 3389 }] });
    return computeFindings(dataPlaneOf(b.documents()), { only: ['ZT-EXPOSED-MGMT-PORT'] }).findings;
  }

  it('reports RDP on the backend, reached on the frontend port 50389 (the NSG sees 3389)', () => {
    const f = natEstate([allow3389()]);
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('RDP (Tcp 3389 via frontend port 50389)');
    expect(f[0].message).toContain('inbound NAT rule lb1/nat-rdp (52.9.9.9:50389 -> 3389)');
    expect(f[0].evidence.flow).toMatchObject({ dstPort: 50389 });
    expect(f[0].evidence.entry).toMatchObject({ via: 'inboundNatRule', frontendPort: 50389, backendPort: 3389 });
    expect(f[0].evidence.disposition).toBe('ACCEPTED');
  });

  it('an NSG allow on the frontend port (50389) does not expose anything: NSGs see the backend port', () => {
    expect(natEstate([allow3389({ destinationPorts: '50389' })])).toEqual([]);
  });
});

describe('severity follows the breadth of the sources', () => {
  it('restricted to a /27 is low, a /20 is medium', () => {
    expect(exposed([allow3389({ source: '203.0.113.64/27' })])[0].severity).toBe('low');
    expect(exposed([allow3389({ source: '20.0.0.0/20' })])[0].severity).toBe('medium');
  });
});

describe('latent exposure behind asymmetric routing (rule 7.6)', () => {
  it('a public IP whose subnet sends 0.0.0.0/0 to an appliance is reported low, with the reason', () => {
    const b = new EstateBuilder()
      .routeTable('rt', [{ name: 'default-to-fw', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }])
      .vnet('vnet1', ['10.0.0.0/16'], [{ name: 'snet1', prefix: '10.0.1.0/24', nsg: 'nsg-subnet', routeTable: 'rt' }, { name: 'nva', prefix: '10.0.9.0/24' }])
      .nsg('nsg-subnet', [allow3389(), { name: 'Deny-All-In', priority: 4096, direction: 'Inbound', access: 'Deny' }])
      .publicIp('pip-vm1', '52.1.2.3')
      .nic('nic-vm1', { subnet: 'vnet1/snet1', ip: '10.0.1.4', publicIp: 'pip-vm1' })
      .nic('nic-nva', { subnet: 'vnet1/nva', ip: '10.0.9.4', ipForwarding: true });
    const f = mgmt(computeFindings(dataPlaneOf(b.documents()), { only: ['ZT-EXPOSED-MGMT-PORT'] }).findings);
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('low');
    expect(f[0].message).toContain('asymmetric routing');
    expect(f[0].message).toContain('nsg-subnet securityRules/Allow-RDP');
    expect(f[0].evidence.disposition).toBe('NO_ROUTE');
  });
});

describe('ZT-EXPOSED-DIRECT', () => {
  it('an instance public IP with open ports is direct exposure; a load balancer in front is not', () => {
    const direct = computeFindings(vmWithPublicIp([allow3389({ destinationPorts: '443' })]), { only: ['ZT-EXPOSED-DIRECT', 'ZT-EXPOSED-MGMT-PORT'] }).findings;
    expect(direct.map((f) => f.id)).toEqual(['ZT-EXPOSED-DIRECT']);
    expect(direct[0].message).toContain('Tcp 443');
    const b = new EstateBuilder()
      .vnet('vnet1', ['10.0.0.0/16'], [{ name: 'snet1', prefix: '10.0.1.0/24', nsg: 'nsg-subnet' }])
      .nsg('nsg-subnet', [allow3389({ destinationPorts: '443' })])
      .publicIp('pip-lb', '52.9.9.9')
      .nic('nic-vm1', { subnet: 'vnet1/snet1', ip: '10.0.1.4' })
      .loadBalancer('lb1', { publicIp: 'pip-lb', pool: ['nic-vm1'], rules: [{ name: 'https', protocol: 'Tcp', frontendPort: 443, backendPort: 443 }] });
    expect(computeFindings(dataPlaneOf(b.documents()), { only: ['ZT-EXPOSED-DIRECT', 'ZT-EXPOSED-MGMT-PORT'] }).findings).toEqual([]);
  });
});
