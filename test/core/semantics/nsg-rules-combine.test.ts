// How NSGs combine, pinned to the rule book (../shared/azure-semantics.md, section 3), end to end
// through trace and reach (test/core/policy/nsg-evaluation.test.ts pins the same rules for IP flow
// verify; these tests check that the path questions apply them the same way):
//   3.1 zero or one NSG per subnet and per NIC; one NSG may be associated to many subnets and NICs;
//   3.3 outbound: the NIC's NSG first, then the subnet's;
//   3.4 both must allow; the first deny ends it and the other NSG is never evaluated;
//   3.5 a level without an NSG allows;
//   3.7 intra-subnet traffic is filtered by the subnet's NSG;
//   3.10 rules naming an application security group apply only to its member NICs.
// Sources: learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works,
// .../network-security-groups-overview, .../diagnose-network-traffic-filter-problem and
// .../application-security-groups.

import { describe, expect, it } from 'vitest';
import { verifyIpFlow, type DataPlane, type Trace } from '../../../core/index.ts';
import { EstateBuilder, type RuleSpec } from '../../support/estate-builder.ts';
import { dataPlaneOf, endpoint, ip } from '../../support/load.ts';
import { reach, trace } from '../trace/helpers.ts';

/** `side nsg rule access` of every NSG step of a trace, in order. */
function nsgSteps(t: Trace): string[] {
  const out: string[] = [];
  for (const h of [t.source, ...t.hops]) for (const s of h.steps) if (s.kind === 'nsg') out.push(`${s.side} ${s.nsgName} ${s.rule} ${s.access}`);
  return out;
}

/** `protocol ports` of each part of a reach answer. */
function ports(dp: DataPlane, from: string, to: string, o: { viaPublicIp?: boolean } = {}): string[] {
  return reach(dp, from, to, o).allowed.map((p) => `${p.protocol} ${p.ports.join(',')}`);
}

const allowIn = (name: string, destinationPorts: string | string[], priority = 100): RuleSpec => ({ name, priority, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', destinationPorts });
const allowOut = (name: string, destinationPorts: string | string[], priority = 100): RuleSpec => ({ name, priority, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destinationPorts });
const denyIn = (name: string, priority = 4000): RuleSpec => ({ name, priority, direction: 'Inbound', access: 'Deny' });
const denyOut = (name: string, priority = 4000): RuleSpec => ({ name, priority, direction: 'Outbound', access: 'Deny' });

/**
 * VM1 (10.0.1.4) with a subnet NSG and a NIC NSG, VM1b (10.0.1.5) in the same subnet without a NIC
 * NSG, and VM2 (10.0.2.4) in another subnet without any NSG.
 */
function estate(o: { subnet1?: RuleSpec[]; nic1?: RuleSpec[] }): DataPlane {
  const b = new EstateBuilder();
  if (o.subnet1) b.nsg('nsg-subnet1', o.subnet1);
  if (o.nic1) b.nsg('nsg-nic1', o.nic1);
  return dataPlaneOf(
    b
      .vnet('vnet1', ['10.0.0.0/16'], [
        { name: 'subnet1', prefix: '10.0.1.0/24', nsg: o.subnet1 ? 'nsg-subnet1' : undefined },
        { name: 'subnet2', prefix: '10.0.2.0/24' },
      ])
      .nic('vm1-nic', { subnet: 'vnet1/subnet1', ip: '10.0.1.4', nsg: o.nic1 ? 'nsg-nic1' : undefined })
      .nic('vm1b-nic', { subnet: 'vnet1/subnet1', ip: '10.0.1.5' })
      .nic('vm2-nic', { subnet: 'vnet1/subnet2', ip: '10.0.2.4' })
      .documents(),
  );
}

describe('rule 3.1: associations', () => {
  it('one NSG associated to a subnet and to a NIC in it is evaluated at both levels', () => {
    const b = new EstateBuilder()
      .nsg('nsg-shared', [allowIn('Allow-SSH', '22'), denyIn('Deny-All-In')])
      .vnet('vnet1', ['10.0.0.0/16'], [{ name: 'subnet1', prefix: '10.0.1.0/24', nsg: 'nsg-shared' }, { name: 'subnet2', prefix: '10.0.2.0/24' }])
      .nic('vm1-nic', { subnet: 'vnet1/subnet1', ip: '10.0.1.4', nsg: 'nsg-shared' })
      .nic('vm2-nic', { subnet: 'vnet1/subnet2', ip: '10.0.2.4' });
    const dp = dataPlaneOf(b.documents());
    const t = trace(dp, 'vm2-nic', 'vm1-nic', 'Tcp', 22);
    expect(t.disposition).toBe('ACCEPTED');
    expect(nsgSteps(t)).toEqual(['destination-subnet nsg-shared securityRules/Allow-SSH Allow', 'destination-nic nsg-shared securityRules/Allow-SSH Allow']);
  });

  it('one NSG associated to subnets of two VNets is evaluated per association, with that VNet\'s VirtualNetwork tag', () => {
    // Hub is peered with spoke-a only. The same NSG (default rules only) sits on a subnet of each
    // spoke. From the hub, AllowVnetInBound admits traffic into spoke-a (the hub is in its
    // VirtualNetwork tag) and DenyAllInBound stops it at spoke-b (not peered with the hub).
    const b = new EstateBuilder()
      .nsg('nsg-shared', [])
      .vnet('hub', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24' }])
      .vnet('spoke-a', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', nsg: 'nsg-shared' }])
      .vnet('spoke-b', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24', nsg: 'nsg-shared' }])
      .peer('hub', 'spoke-a')
      .nic('hub-nic', { subnet: 'hub/s', ip: '10.0.1.4' })
      .nic('a-nic', { subnet: 'spoke-a/s', ip: '10.1.1.4' })
      .nic('b-nic', { subnet: 'spoke-b/s', ip: '10.2.1.4' });
    const dp = dataPlaneOf(b.documents());
    const inbound = (nic: string, local: string) => {
      const r = verifyIpFlow(dp, endpoint(dp, nic), { direction: 'Inbound', protocol: 6, localIp: ip(local), localPort: 22, remoteIp: ip('10.0.1.4'), remotePort: 50000 });
      return `${r.access} ${r.ruleName}`;
    };
    expect(inbound('a-nic', '10.1.1.4')).toBe('Allow defaultSecurityRules/AllowVnetInBound');
    expect(inbound('b-nic', '10.2.1.4')).toBe('Deny defaultSecurityRules/DenyAllInBound');
    expect(nsgSteps(trace(dp, 'hub-nic', 'a-nic', 'Tcp', 22))).toEqual(['destination-subnet nsg-shared defaultSecurityRules/AllowVnetInBound Allow']);
  });
});

describe('rule 3.3: outbound order, NIC NSG then subnet NSG', () => {
  it('the NIC NSG is evaluated first; when it allows, the subnet NSG decides next', () => {
    const dp = estate({ nic1: [allowOut('Allow-80-Out', '80')], subnet1: [{ name: 'Deny-80-Out', priority: 100, direction: 'Outbound', access: 'Deny', protocol: 'Tcp', destinationPorts: '80' }] });
    const t = trace(dp, 'vm1-nic', 'vm2-nic', 'Tcp', 80);
    expect(t.disposition).toBe('DENIED_OUT');
    expect(nsgSteps(t)).toEqual(['source-nic nsg-nic1 securityRules/Allow-80-Out Allow', 'source-subnet nsg-subnet1 securityRules/Deny-80-Out Deny']);
    expect(t.stoppedBy).toMatchObject({ stage: 'nsg-outbound', rule: 'securityRules/Deny-80-Out' });
  });

  it("a NIC deny ends it: the subnet NSG is never evaluated (S3: 'never evaluated by NSG1')", () => {
    const dp = estate({ nic1: [{ name: 'Deny-80-Out', priority: 100, direction: 'Outbound', access: 'Deny', protocol: 'Tcp', destinationPorts: '80' }], subnet1: [allowOut('Allow-80-Out', '80')] });
    const t = trace(dp, 'vm1-nic', 'vm2-nic', 'Tcp', 80);
    expect(t.disposition).toBe('DENIED_OUT');
    expect(nsgSteps(t)).toEqual(['source-nic nsg-nic1 securityRules/Deny-80-Out Deny']);
  });
});

describe('rule 3.4: both must allow; the first deny ends it', () => {
  it('inbound, a subnet deny ends it before the NIC NSG (trace names only the subnet rule)', () => {
    const dp = estate({ subnet1: [{ name: 'Deny-80', priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', destinationPorts: '80' }], nic1: [allowIn('Allow-80', '80')] });
    const t = trace(dp, 'vm2-nic', 'vm1-nic', 'Tcp', 80);
    expect(t.disposition).toBe('DENIED_IN');
    expect(nsgSteps(t)).toEqual(['destination-subnet nsg-subnet1 securityRules/Deny-80 Deny']);
  });

  it('inbound, the subnet allows and the NIC denies: denied by the NIC rule', () => {
    const dp = estate({ subnet1: [allowIn('Allow-80', '80')], nic1: [{ name: 'Deny-80', priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', destinationPorts: '80' }] });
    const t = trace(dp, 'vm2-nic', 'vm1-nic', 'Tcp', 80);
    expect(t.disposition).toBe('DENIED_IN');
    expect(nsgSteps(t)).toEqual(['destination-subnet nsg-subnet1 securityRules/Allow-80 Allow', 'destination-nic nsg-nic1 securityRules/Deny-80 Deny']);
  });

  it('what gets through is what both NSGs allow: subnet {80, 443} and NIC {443, 8443} admit only 443', () => {
    const dp = estate({
      subnet1: [allowIn('Web', ['80', '443']), denyIn('Deny-All-In')],
      nic1: [allowIn('Tls', ['443', '8443']), denyIn('Deny-All-In')],
    });
    expect(ports(dp, 'vm2-nic', 'vm1-nic')).toEqual(['Tcp 443']);
    for (const [port, verdict] of [[80, 'DENIED_IN nsg-nic1'], [443, 'ACCEPTED'], [8443, 'DENIED_IN nsg-subnet1']] as const) {
      const t = trace(dp, 'vm2-nic', 'vm1-nic', 'Tcp', port);
      expect(`${t.disposition}${t.stoppedBy?.nsg ? ' ' + t.stoppedBy.nsg.split('/').pop() : ''}`).toBe(verdict);
    }
  });

  it("outbound works the same: the NIC's and the subnet's outbound allows intersect", () => {
    const dp = estate({
      nic1: [allowOut('Web-Out', ['80', '443']), denyOut('Deny-All-Out')],
      subnet1: [allowOut('Tls-Out', ['443', '8443']), denyOut('Deny-All-Out')],
    });
    expect(ports(dp, 'vm1-nic', 'vm2-nic')).toEqual(['Tcp 443']);
  });
});

describe('rule 3.5: a level without an NSG allows', () => {
  it('VM3 case: no subnet NSG, the NIC NSG alone decides (trace shows only the NIC step)', () => {
    const b = new EstateBuilder()
      .nsg('nsg-nic', [allowIn('Allow-80', '80'), denyIn('Deny-All-In')])
      .vnet('vnet1', ['10.0.0.0/16'], [{ name: 'subnet1', prefix: '10.0.1.0/24' }, { name: 'subnet2', prefix: '10.0.2.0/24' }])
      .nic('vm3-nic', { subnet: 'vnet1/subnet1', ip: '10.0.1.4', nsg: 'nsg-nic' })
      .nic('vm2-nic', { subnet: 'vnet1/subnet2', ip: '10.0.2.4' });
    const dp = dataPlaneOf(b.documents());
    expect(nsgSteps(trace(dp, 'vm2-nic', 'vm3-nic', 'Tcp', 80))).toEqual(['destination-nic nsg-nic securityRules/Allow-80 Allow']);
    expect(ports(dp, 'vm2-nic', 'vm3-nic')).toEqual(['Tcp 80']);
  });

  it('no NSG at either level: every protocol and port gets through, and no NSG step is invented', () => {
    const dp = estate({});
    const t = trace(dp, 'vm2-nic', 'vm1-nic', 'Tcp', 3389);
    expect(t.disposition).toBe('ACCEPTED');
    expect(nsgSteps(t)).toEqual([]);
    expect(ports(dp, 'vm2-nic', 'vm1-nic')).toEqual(['Tcp 0-65535', 'Udp 0-65535', 'Icmp ', 'Esp ', 'Ah ']);
  });

  // S21: "If there are no NSGs associated with the network interface or subnet, and you have a
  // public IP address assigned to a VM, all ports are open for inbound access from ... anywhere."
  // That holds for a Basic SKU public IP; a Standard one is closed until an NSG allows (rule 14.5).
  it('no NSG and a Basic public IP: all ports open from the internet (flagged pip.basic); a Standard public IP stays closed', () => {
    const build = (sku: string) =>
      dataPlaneOf(
        new EstateBuilder()
          .publicIp('pip', '20.50.1.10', sku)
          .vnet('vnet1', ['10.0.0.0/16'], [{ name: 'subnet1', prefix: '10.0.1.0/24' }])
          .nic('vm-nic', { subnet: 'vnet1/subnet1', ip: '10.0.1.4', publicIp: 'pip' })
          .documents(),
      );
    const basic = build('Basic');
    const open = reach(basic, 'internet', 'vm-nic', { viaPublicIp: true });
    expect(open.allowed.map((p) => `${p.protocol} ${p.ports.join(',')}`)).toEqual(['Tcp 0-65535', 'Udp 0-65535', 'Icmp ', 'Esp ', 'Ah ']);
    expect(open.caveats.map((c) => c.code)).toContain('pip.basic');
    const standard = build('Standard');
    expect(ports(standard, 'internet', 'vm-nic', { viaPublicIp: true })).toEqual([]);
    expect(trace(standard, '203.0.113.9', 'vm-nic', 'Tcp', 3389, { viaPublicIp: true }).disposition).toBe('DENIED_IN');
  });
});

describe('rule 3.7: intra-subnet traffic is filtered', () => {
  it("a subnet NSG's inbound deny stops traffic between two VMs of the same subnet", () => {
    const dp = estate({ subnet1: [{ name: 'Deny-All-In', priority: 100, direction: 'Inbound', access: 'Deny' }] });
    const t = trace(dp, 'vm1b-nic', 'vm1-nic', 'Tcp', 445);
    expect(t.disposition).toBe('DENIED_IN');
    // The source side's outbound evaluation of the same NSG happens first and allows (defaults).
    expect(nsgSteps(t)).toEqual(['source-subnet nsg-subnet1 defaultSecurityRules/AllowVnetOutBound Allow', 'destination-subnet nsg-subnet1 securityRules/Deny-All-In Deny']);
    expect(ports(dp, 'vm1b-nic', 'vm1-nic')).toEqual([]);
  });

  it("a subnet NSG's outbound deny stops it at the source, before the destination side", () => {
    const dp = estate({ subnet1: [{ name: 'Deny-All-Out', priority: 100, direction: 'Outbound', access: 'Deny' }] });
    const t = trace(dp, 'vm1b-nic', 'vm1-nic', 'Udp', 53);
    expect(t.disposition).toBe('DENIED_OUT');
    expect(nsgSteps(t)).toEqual(['source-subnet nsg-subnet1 securityRules/Deny-All-Out Deny']);
    expect(ports(dp, 'vm1b-nic', 'vm1-nic')).toEqual([]);
  });

  it('without the deny the same subnet pair communicates on every port (AllowVnetInBound/OutBound), so the deny is what stops it', () => {
    const dp = estate({ subnet1: [] });
    expect(ports(dp, 'vm1b-nic', 'vm1-nic')).toEqual(['Tcp 0-65535', 'Udp 0-65535', 'Icmp ', 'Esp ', 'Ah ']);
  });
});

describe('rule 3.10: ASG rules apply only to member NICs', () => {
  /** web (in asg-web), app (in asg-app) and other (no ASG) share the front subnet; db is in its own. */
  function asgEstate(): DataPlane {
    return dataPlaneOf(
      new EstateBuilder()
        .asg('asg-web')
        .asg('asg-app')
        .nsg('nsg-front', [
          { name: 'Allow-Https-To-Web', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', destinationAsgs: ['asg-web'], destinationPorts: '443' },
          { name: 'Deny-All-In', priority: 4000, direction: 'Inbound', access: 'Deny' },
        ])
        .nsg('nsg-db', [
          { name: 'Allow-Sql-From-App', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAsgs: ['asg-app'], destinationPorts: '1433' },
          { name: 'Deny-All-In', priority: 4000, direction: 'Inbound', access: 'Deny' },
        ])
        .vnet('vnet1', ['10.0.0.0/16'], [
          { name: 'front', prefix: '10.0.1.0/24', nsg: 'nsg-front' },
          { name: 'db', prefix: '10.0.2.0/24', nsg: 'nsg-db' },
          { name: 'clients', prefix: '10.0.3.0/24' },
        ])
        .nic('web-nic', { subnet: 'vnet1/front', ip: '10.0.1.4', asgs: ['asg-web'] })
        .nic('app-nic', { subnet: 'vnet1/front', ip: '10.0.1.5', asgs: ['asg-app'] })
        .nic('other-nic', { subnet: 'vnet1/front', ip: '10.0.1.6' })
        .nic('db-nic', { subnet: 'vnet1/db', ip: '10.0.2.4' })
        .nic('client-nic', { subnet: 'vnet1/clients', ip: '10.0.3.4' })
        .documents(),
    );
  }

  it('a destination-ASG rule on the subnet NSG admits traffic to the member NIC only', () => {
    const dp = asgEstate();
    expect(ports(dp, 'client-nic', 'web-nic')).toEqual(['Tcp 443']);
    expect(ports(dp, 'client-nic', 'other-nic')).toEqual([]);
    expect(ports(dp, 'client-nic', 'app-nic')).toEqual([]);
    expect(nsgSteps(trace(dp, 'client-nic', 'other-nic', 'Tcp', 443))).toEqual(['destination-subnet nsg-front securityRules/Deny-All-In Deny']);
  });

  it('a source-ASG rule admits traffic from member NICs only, not from their non-member subnet neighbours', () => {
    const dp = asgEstate();
    expect(ports(dp, 'app-nic', 'db-nic')).toEqual(['Tcp 1433']);
    expect(ports(dp, 'other-nic', 'db-nic')).toEqual([]);
    const t = trace(dp, 'app-nic', 'db-nic', 'Tcp', 1433);
    expect(t.allowedBy).toContainEqual(expect.objectContaining({ rule: 'securityRules/Allow-Sql-From-App', side: 'destination-subnet' }));
    expect(trace(dp, 'web-nic', 'db-nic', 'Tcp', 1433).stoppedBy).toMatchObject({ stage: 'nsg-inbound', rule: 'securityRules/Deny-All-In' });
  });
});
