// NSG security rule fields, pinned to the rule book (../shared/azure-semantics.md, section 1 and 2):
//   1.1 rule names ("up to 80 characters long", begin with a word character, end with a word
//       character or `_`, may contain word characters, `.`, `-`, `_`);
//   1.3 direction Inbound | Outbound and access Allow | Deny (ARM enums SecurityRuleDirection,
//       SecurityRuleAccess);
//   1.7 rules match on the five-tuple "source, source port, destination, destination port, and
//       protocol";
//   1.9 augmented rules (several prefixes/ports) exist only in Resource Manager NSGs;
//   2.2 default rules carry their ARM spelling (AllowVnetInBound, DenyAllInBound, ...), not the doc
//       headings' (AllowVNetInBound, DenyAllInbound).
// Sources: learn.microsoft.com/azure/virtual-network/network-security-groups-overview ("Security
// rules", "Default security rules", "Augmented security rules") and the networkSecurityGroup.json
// REST spec with its NetworkSecurityGroupGet.json example (azure-rest-api-specs).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeBlastRadius, computeEffectiveSecurityRulesView, computeMatrix, computeReachInto, summarizeSnapshot, verifyIpFlow, type DataPlane, type Trace } from '../../../core/index.ts';
import { EstateBuilder, type RuleSpec } from '../../support/estate-builder.ts';
import { CORPUS, dataPlaneOf, endpoint, ip, snapshotOf } from '../../support/load.ts';
import { reach, ref, trace } from '../trace/helpers.ts';

/** `side rule access` of every NSG step of a trace, in order. */
function nsgSteps(t: Trace): string[] {
  const out: string[] = [];
  for (const h of [t.source, ...t.hops]) for (const s of h.steps) if (s.kind === 'nsg') out.push(`${s.side} ${s.rule} ${s.access}`);
  return out;
}

/** A client VM (10.0.1.4, no NSG) and a server VM (10.0.2.4) whose subnet NSG holds `rules`. */
function clientServer(rules: RuleSpec[]): DataPlane {
  return dataPlaneOf(
    new EstateBuilder()
      .nsg('nsg-server', rules)
      .vnet('v', ['10.0.0.0/16'], [
        { name: 'client', prefix: '10.0.1.0/24' },
        { name: 'server', prefix: '10.0.2.0/24', nsg: 'nsg-server' },
      ])
      .nic('client-nic', { subnet: 'v/client', ip: '10.0.1.4' })
      .nic('client2-nic', { subnet: 'v/client', ip: '10.0.1.5' })
      .nic('server-nic', { subnet: 'v/server', ip: '10.0.2.4' })
      .nic('server2-nic', { subnet: 'v/server', ip: '10.0.2.5' })
      .documents(),
  );
}

/** Ends every custom rule list: without it AllowVnetInBound would admit all VNet traffic. */
const denyVnetIn: RuleSpec = { name: 'Deny-All-In', priority: 4000, direction: 'Inbound', access: 'Deny' };

describe('rule 1.1: rule names', () => {
  // 80 characters: begins with a word character, holds `.`, `-` and `_`, ends with `_`.
  const longName = `Allow.SSH-from_client${'x'.repeat(80 - 'Allow.SSH-from_client'.length - 1)}_`;

  it('a valid name of 80 characters with `.`, `-`, `_` is kept verbatim and names the deciding rule', () => {
    expect(longName).toHaveLength(80);
    const dp = clientServer([{ name: longName, priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.0.1.4', destinationPorts: '22' }, denyVnetIn]);
    expect(dp.snapshot.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const t = trace(dp, 'client-nic', 'server-nic', 'Tcp', 22);
    expect(t.disposition).toBe('ACCEPTED');
    expect(nsgSteps(t)).toEqual([`destination-subnet securityRules/${longName} Allow`]);
    const v = verifyIpFlow(dp, endpoint(dp, 'server-nic'), { direction: 'Inbound', protocol: 6, localIp: ip('10.0.2.4'), localPort: 22, remoteIp: ip('10.0.1.4'), remotePort: 50000 });
    expect(v.ruleName).toBe(`securityRules/${longName}`);
  });

  // Azure refuses such names, so an export never holds one; IaC input and change files can. The
  // engine reports other inputs Azure refuses (priority.invalid, priority.duplicate); a name Azure
  // refuses must not pass silently either.
  it('a name Azure refuses (81 characters; begins with `-`; ends with `.`; holds a space) is reported by a diagnostic naming the rule', () => {
    const refused = ['a'.repeat(81), '-Allow-SSH', 'Allow-SSH.', 'Allow SSH'];
    const s = snapshotOf(new EstateBuilder().nsg('nsg', refused.map((name, i) => ({ name, priority: 100 + i, direction: 'Inbound' as const, access: 'Allow' as const }))).documents(), { allowErrors: true });
    const unreported = refused.filter((name) => !s.diagnostics.some((d) => d.severity !== 'info' && `${d.resourceId ?? ''} ${d.message}`.includes(name)));
    expect(unreported, 'rule names Azure refuses, imported without a diagnostic').toEqual([]);
  });
});

describe('rule 1.3: direction and access', () => {
  it('an Outbound rule never judges inbound traffic, and an Inbound rule never judges outbound traffic', () => {
    // The server subnet denies all outbound; the client subnet has no NSG. A client -> server
    // connection meets only the server's inbound rules (rule 3.8: replies are not judged).
    const dp = clientServer([
      { name: 'Deny-All-Out', priority: 100, direction: 'Outbound', access: 'Deny' },
      { name: 'Allow-SSH-In', priority: 110, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', destinationPorts: '22' },
      denyVnetIn,
    ]);
    const inbound = trace(dp, 'client-nic', 'server-nic', 'Tcp', 22);
    expect(inbound.disposition).toBe('ACCEPTED');
    expect(nsgSteps(inbound)).toEqual(['destination-subnet securityRules/Allow-SSH-In Allow']);
    // server -> client: the outbound Deny-All-Out decides; the inbound rules are not consulted.
    const outbound = trace(dp, 'server-nic', 'client-nic', 'Tcp', 22);
    expect(outbound.disposition).toBe('DENIED_OUT');
    expect(nsgSteps(outbound)).toEqual(['source-subnet securityRules/Deny-All-Out Deny']);
  });

  it('access decides: the same match with Allow admits and with Deny stops', () => {
    const allow = clientServer([{ name: 'SSH', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', destinationPorts: '22' }, denyVnetIn]);
    const deny = clientServer([{ name: 'SSH', priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', destinationPorts: '22' }]);
    expect(trace(allow, 'client-nic', 'server-nic', 'Tcp', 22).disposition).toBe('ACCEPTED');
    const t = trace(deny, 'client-nic', 'server-nic', 'Tcp', 22);
    expect(t.disposition).toBe('DENIED_IN');
    expect(t.stoppedBy).toMatchObject({ stage: 'nsg-inbound', rule: 'securityRules/SSH' });
  });

  it('a direction or access outside the ARM enums is an error diagnostic (the rule is skipped, not guessed)', () => {
    const docs = new EstateBuilder()
      .nsg('nsg', [
        // RuleSpec is typed to the enums: the builder writes whatever it is given.
        { name: 'Both-Ways', priority: 100, direction: 'Both' as RuleSpec['direction'], access: 'Deny' },
        { name: 'Permit-SSH', priority: 110, direction: 'Inbound', access: 'Permit' as RuleSpec['access'] },
      ])
      .documents();
    const s = snapshotOf(docs, { allowErrors: true });
    const errs = s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    expect(errs.some((m) => m.includes('Both-Ways') && m.includes("'Both'"))).toBe(true);
    expect(errs.some((m) => m.includes('Permit-SSH') && m.includes("'Permit'"))).toBe(true);
    expect([...s.networkSecurityGroups.values()][0].securityRules).toEqual([]);
  });
});

describe('rule 1.7: the five-tuple', () => {
  it('each of protocol, source address, source port, destination address and destination port decides a match', () => {
    // One Allow rule restricts all five fields; everything else from the VNet is denied.
    const dp = clientServer([
      { name: 'Allow-Exact', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.0.1.4', sourcePorts: '5000-5010', destination: '10.0.2.4', destinationPorts: '22' },
      denyVnetIn,
    ]);
    const verdict = (from: string, to: string, protocol: 'Tcp' | 'Udp', port: number, srcPort: number) => {
      const t = trace(dp, from, to, protocol, port, { srcPort });
      return `${t.disposition} ${t.allowedBy.map((a) => a.rule).join(',')}${t.stoppedBy?.rule ?? ''}`;
    };
    expect(verdict('client-nic', 'server-nic', 'Tcp', 22, 5005)).toBe('ACCEPTED securityRules/Allow-Exact');
    // Change one field at a time.
    expect(verdict('client-nic', 'server-nic', 'Udp', 22, 5005)).toBe('DENIED_IN securityRules/Deny-All-In'); // protocol
    expect(verdict('client2-nic', 'server-nic', 'Tcp', 22, 5005)).toBe('DENIED_IN securityRules/Deny-All-In'); // source address
    expect(verdict('client-nic', 'server-nic', 'Tcp', 22, 5011)).toBe('DENIED_IN securityRules/Deny-All-In'); // source port
    expect(verdict('client-nic', 'server2-nic', 'Tcp', 22, 5005)).toBe('DENIED_IN securityRules/Deny-All-In'); // destination address
    expect(verdict('client-nic', 'server-nic', 'Tcp', 23, 5005)).toBe('DENIED_IN securityRules/Deny-All-In'); // destination port
  });

  it('reach does not report a destination port as open to every source port when the rule admits only some source ports', () => {
    // Only source ports 5000-5010 may reach port 22. A reach answer that says "Tcp 22" without the
    // source-port restriction tells the user an ordinary client (ephemeral source port) gets in,
    // which Azure refuses. Either the answer says which source ports, or its example flow is one
    // that actually gets through.
    const dp = clientServer([
      { name: 'Allow-SrcPort', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePorts: '5000-5010', destinationPorts: '22' },
      denyVnetIn,
    ]);
    const r = reach(dp, 'client-nic', 'server-nic');
    expect(r.allowed.map((p) => `${p.protocol} ${p.ports.join(',')}`)).toEqual(['Tcp 22']);
    const part = r.allowed[0];
    const ex = part.example;
    const exampleSrcPort = 'srcPort' in ex && typeof ex.srcPort === 'number' ? ex.srcPort : undefined;
    const exampleOutcome = trace(dp, 'client-nic', 'server-nic', 'Tcp', ex.dstPort, { srcPort: exampleSrcPort }).disposition;
    const sourcePortsNamed = 'sourcePorts' in part || r.caveats.some((c) => /source port/i.test(c.message));
    expect({ exampleOutcome, sourcePortsNamed }, 'the reach answer hides the source-port restriction and its example flow is denied').not.toEqual({ exampleOutcome: 'DENIED_IN', sourcePortsNamed: false });
    // What ztpath answers: the part names its source ports, and its example uses one of them.
    expect(part.sourcePorts).toEqual(['5000-5010']);
    expect(exampleSrcPort).toBeGreaterThanOrEqual(5000);
    expect(exampleSrcPort).toBeLessThanOrEqual(5010);
    expect(exampleOutcome).toBe('ACCEPTED');
  });

  it('blast, matrix and reach-into list the port as open (a client picks its source port) and say so', () => {
    const restricted = clientServer([
      { name: 'Allow-SrcPort', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePorts: '5000-5010', destinationPorts: '22' },
      denyVnetIn,
    ]);
    const open = clientServer([{ name: 'Allow-Ssh', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', destinationPorts: '22' }, denyVnetIn]);
    const serverIp = '10.0.2.4';
    for (const [dp, expected] of [[restricted, true], [open, false]] as const) {
      const blast = computeBlastRadius(dp, { from: ref(dp, 'client-nic') });
      const server = blast.reached.find((x) => x.ip === serverIp);
      expect(server?.path.at(-1)?.allowed.map((a) => `${a.protocol} ${a.ports.join(',')}`)).toEqual(['Tcp 22']);
      expect(blast.caveats.some((c) => c.code === 'reach.source-ports'), 'blast').toBe(expected);
      expect(computeMatrix(dp, { by: 'subnet' }).caveats.some((c) => c.code === 'reach.source-ports'), 'matrix').toBe(expected);
      expect(computeReachInto(dp, ref(dp, 'server-nic')).caveats.some((c) => c.code === 'reach.source-ports'), 'reach into').toBe(expected);
    }
  });
});

describe('rule 1.9: augmented rules (Resource Manager) and classic NSGs', () => {
  it('several address prefixes and port ranges in one Resource Manager rule are all honoured (reach lists exactly them)', () => {
    const dp = clientServer([
      { name: 'Augmented', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: ['10.0.1.4/32', '10.0.1.5'], destinationPorts: ['22', '8080-8082'] },
      denyVnetIn,
    ]);
    for (const from of ['client-nic', 'client2-nic']) {
      expect(reach(dp, from, 'server-nic').allowed.map((p) => `${p.protocol} ${p.ports.join(',')}`)).toEqual(['Tcp 22,8080-8082']);
    }
  });

  it('a classic (Microsoft.ClassicNetwork) NSG is listed as unsupported, not read as an ARM NSG nor dropped silently', () => {
    const b = new EstateBuilder();
    const classicId = '/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg-test/providers/Microsoft.ClassicNetwork/networkSecurityGroups/classic-nsg';
    b.add({ id: classicId, name: 'classic-nsg', type: 'Microsoft.ClassicNetwork/networkSecurityGroups', location: 'westeurope', properties: { rules: [{ name: 'Allow-RDP', action: 'Allow', type: 'Inbound', priority: 100, sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '3389', protocol: 'TCP' }] } });
    const s = snapshotOf(b.documents());
    expect(s.networkSecurityGroups.size).toBe(0);
    expect(summarizeSnapshot(s).unsupported.map((u) => `${u.type} ${u.count}`)).toEqual(['Microsoft.ClassicNetwork/networkSecurityGroups 1']);
  });
});

describe('rule 2.2: default rules carry the ARM names', () => {
  it('the six default rules added to an NSG exported without them use the ARM spelling, in trace steps and effective rules', () => {
    const dp = dataPlaneOf(
      new EstateBuilder()
        .nsg('nsg', [])
        .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }, { name: 'o', prefix: '10.0.2.0/24' }])
        .nic('a', { subnet: 'v/s', ip: '10.0.1.4' })
        .nic('b', { subnet: 'v/o', ip: '10.0.2.4' })
        .documents(),
    );
    const names = computeEffectiveSecurityRulesView(dp, endpoint(dp, 'a')).value.flatMap((n) => n.effectiveSecurityRules.map((r) => r.name));
    expect(names).toEqual([
      'defaultSecurityRules/AllowVnetInBound',
      'defaultSecurityRules/AllowAzureLoadBalancerInBound',
      'defaultSecurityRules/DenyAllInBound',
      'defaultSecurityRules/AllowVnetOutBound',
      'defaultSecurityRules/AllowInternetOutBound',
      'defaultSecurityRules/DenyAllOutBound',
    ]);
    expect(nsgSteps(trace(dp, 'b', 'a', 'Tcp', 22))).toEqual(['destination-subnet defaultSecurityRules/AllowVnetInBound Allow']);
    expect(nsgSteps(trace(dp, 'a', '13.107.21.200', 'Tcp', 443))).toEqual(['source-subnet defaultSecurityRules/AllowInternetOutBound Allow']);
    expect(nsgSteps(trace(dp, 'a', '10.10.10.10', 'Tcp', 443))).toEqual(['source-subnet defaultSecurityRules/DenyAllOutBound Deny']);
  });

  const example = join(CORPUS, 'azure-rest-api-specs/specification/network/resource-manager/Microsoft.Network/Network/examples/2025-05-01/NetworkSecurityGroupGet.json');
  it.skipIf(!existsSync(example))('an NSG exported with its defaultSecurityRules (NetworkSecurityGroupGet.json) keeps exactly those six, named as given, once each', () => {
    const parsed: unknown = JSON.parse(readFileSync(example, 'utf8'));
    const body = (parsed as { responses: { '200': { body: Record<string, unknown> } } }).responses['200'].body;
    const nsgId = body.id as string;
    const rg = '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network';
    const vnet = {
      id: `${rg}/virtualNetworks/vnet1`, name: 'vnet1', type: 'Microsoft.Network/virtualNetworks', location: 'westus',
      properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, subnets: [{ id: `${rg}/virtualNetworks/vnet1/subnets/s`, name: 's', properties: { addressPrefix: '10.0.1.0/24', networkSecurityGroup: { id: nsgId } } }] },
    };
    const nic = (name: string, address: string) => ({
      id: `${rg}/networkInterfaces/${name}`, name, type: 'Microsoft.Network/networkInterfaces', location: 'westus',
      properties: { ipConfigurations: [{ id: `${rg}/networkInterfaces/${name}/ipConfigurations/ipconfig1`, name: 'ipconfig1', properties: { privateIPAddress: address, primary: true, subnet: { id: `${rg}/virtualNetworks/vnet1/subnets/s` } } }] },
    });
    const dp = dataPlaneOf([{ file: 'nsg-get.json', text: JSON.stringify({ value: [body, vnet, nic('a', '10.0.1.4'), nic('b', '10.0.1.5')] }) }]);
    expect(dp.snapshot.diagnostics.map((d) => d.code)).not.toContain('nsg.defaultRulesAdded');
    const rules = computeEffectiveSecurityRulesView(dp, endpoint(dp, 'a')).value.flatMap((n) => n.effectiveSecurityRules.map((r) => `${r.direction} ${r.priority} ${r.name}`));
    expect(rules).toEqual([
      'Inbound 130 securityRules/rule1',
      'Inbound 65000 defaultSecurityRules/AllowVnetInBound',
      'Inbound 65001 defaultSecurityRules/AllowAzureLoadBalancerInBound',
      'Inbound 65500 defaultSecurityRules/DenyAllInBound',
      'Outbound 65000 defaultSecurityRules/AllowVnetOutBound',
      'Outbound 65001 defaultSecurityRules/AllowInternetOutBound',
      'Outbound 65500 defaultSecurityRules/DenyAllOutBound',
    ]);
    // rule1 (Allow * port 80) then the exported AllowVnetInBound decide intra-subnet traffic.
    expect(nsgSteps(trace(dp, 'b', 'a', 'Tcp', 80)).filter((s) => s.startsWith('destination'))).toEqual(['destination-subnet securityRules/rule1 Allow']);
    expect(nsgSteps(trace(dp, 'b', 'a', 'Tcp', 22)).filter((s) => s.startsWith('destination'))).toEqual(['destination-subnet defaultSecurityRules/AllowVnetInBound Allow']);
  });

  it('rule 2.1 with 2.2: an NSG exported with only some of its default rules still has all six (no answer fails for want of DenyAll*)', () => {
    // A standalone defaultSecurityRules resource (as `az network nsg rule show --include-default`
    // gives one) is the only default rule the input holds for this NSG. Azure's NSG still has the
    // six; the engine must not lose DenyAllOutBound / AllowInternetOutBound, nor throw.
    const b = new EstateBuilder()
      .nsg('nsg', [])
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }])
      .nic('a', { subnet: 'v/s', ip: '10.0.1.4' });
    const nsgId = b.id('Microsoft.Network/networkSecurityGroups', 'nsg');
    b.add({
      id: `${nsgId}/defaultSecurityRules/AllowVnetInBound`, name: 'AllowVnetInBound', type: 'Microsoft.Network/networkSecurityGroups/defaultSecurityRules',
      properties: { description: 'Allow inbound traffic from all VMs in VNET', priority: 65000, direction: 'Inbound', access: 'Allow', protocol: '*', sourceAddressPrefix: 'VirtualNetwork', sourcePortRange: '*', destinationAddressPrefix: 'VirtualNetwork', destinationPortRange: '*' },
    });
    const dp = dataPlaneOf(b.documents(), { allowErrors: true });
    const defaults = [...dp.snapshot.networkSecurityGroups.values()][0].defaultSecurityRules.map((r) => r.name).sort();
    expect(defaults).toEqual(['AllowAzureLoadBalancerInBound', 'AllowInternetOutBound', 'AllowVnetInBound', 'AllowVnetOutBound', 'DenyAllInBound', 'DenyAllOutBound']);
    expect(() => trace(dp, 'a', '13.107.21.200', 'Tcp', 443)).not.toThrow();
    expect(nsgSteps(trace(dp, 'a', '13.107.21.200', 'Tcp', 443))).toEqual(['source-subnet defaultSecurityRules/AllowInternetOutBound Allow']);
  });
});
