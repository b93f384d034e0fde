// Self-consistency checks for a generated estate folder. Each check returns human-readable
// problems; an empty list means the estate is consistent.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Cidr, cidrContains, cidrContainsIp, cidrSize, cidrsOverlap, ipToInt, parseCidr } from '../../bench/synth/ipv4.ts';

export type Obj = { [key: string]: unknown };
export interface Resource extends Obj {
  id: string;
  name: string;
  type: string;
  properties: Obj;
}

export interface LoadedEstate {
  files: { name: string; bytes: number }[];
  manifest: string;
  resources: Resource[];
  /** Every object with an `id` and a `name` (resources and embedded children), by lower-cased id. */
  defined: Map<string, Obj>;
  byType: Map<string, Resource[]>;
}

export function lc(id: string): string {
  return id.toLowerCase();
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(v: unknown, visit: (o: Obj) => void): void {
  if (Array.isArray(v)) {
    for (const x of v) walk(x, visit);
  } else if (isObj(v)) {
    visit(v);
    for (const x of Object.values(v)) walk(x, visit);
  }
}

export function loadEstate(dir: string): LoadedEstate {
  const files: { name: string; bytes: number }[] = [];
  const resources: Resource[] = [];
  let manifest = '';
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name === 'MANIFEST.txt') {
      manifest = readFileSync(path, 'utf8');
      continue;
    }
    files.push({ name, bytes: statSync(path).size });
    if (!name.endsWith('.json')) continue;
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { value: Resource[] };
    resources.push(...doc.value);
  }
  const defined = new Map<string, Obj>();
  for (const r of resources) {
    walk(r, (o) => {
      if (typeof o.id === 'string' && typeof o.name === 'string') {
        if (defined.has(lc(o.id))) throw new Error(`duplicate definition of ${o.id}`);
        defined.set(lc(o.id), o);
      }
    });
  }
  const byType = new Map<string, Resource[]>();
  for (const r of resources) {
    const list = byType.get(r.type) ?? [];
    list.push(r);
    byType.set(r.type, list);
  }
  return { files, manifest, resources, defined, byType };
}

export function ofType(e: LoadedEstate, type: string): Resource[] {
  return e.byType.get(type) ?? [];
}

function refId(v: unknown): string | undefined {
  return isObj(v) && typeof v.id === 'string' ? v.id : undefined;
}

function refIds(v: unknown): string[] {
  return Array.isArray(v) ? v.map(refId).filter((x): x is string => x !== undefined) : [];
}

function props(o: Obj): Obj {
  return isObj(o.properties) ? o.properties : {};
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a.map(lc));
  const y = new Set(b.map(lc));
  return x.size === y.size && [...x].every((k) => y.has(k));
}

/** Every `{id}` reference (an object with `id` and no `name`) and every `*Id` string resolves. */
export function checkReferences(e: LoadedEstate): string[] {
  const problems: string[] = [];
  for (const r of e.resources) {
    walk(r, (o) => {
      if (typeof o.id === 'string' && typeof o.name !== 'string' && !e.defined.has(lc(o.id))) {
        problems.push(`${r.name}: dangling reference ${o.id}`);
      }
      for (const key of ['privateLinkServiceId', 'ipconfigurationId']) {
        const v = o[key];
        if (typeof v === 'string' && !e.defined.has(lc(v))) problems.push(`${r.name}: dangling ${key} ${v}`);
      }
    });
  }
  return problems;
}

interface SubnetInfo {
  vnet: Resource;
  subnet: Obj;
  cidr: Cidr;
}

export function subnetIndex(e: LoadedEstate): Map<string, SubnetInfo> {
  const out = new Map<string, SubnetInfo>();
  for (const vnet of ofType(e, 'Microsoft.Network/virtualNetworks')) {
    for (const s of (vnet.properties.subnets as Obj[]) ?? []) {
      out.set(lc(s.id as string), { vnet, subnet: s, cidr: parseCidr(props(s).addressPrefix as string) });
    }
  }
  return out;
}

function usable(c: Cidr, ip: string): boolean {
  const off = ipToInt(ip) - c.base;
  return off >= 4 && off <= cidrSize(c.length) - 2;
}

/** Address plan: subnets inside their VNet, no overlaps, every private IP inside its subnet at .4 or above, unique. */
export function checkAddresses(e: LoadedEstate): string[] {
  const problems: string[] = [];
  const vnets = ofType(e, 'Microsoft.Network/virtualNetworks');
  const spaces: { name: string; cidr: Cidr }[] = [];
  for (const v of vnets) {
    const prefixes = (props(v).addressSpace as Obj).addressPrefixes as string[];
    const own = prefixes.map(parseCidr);
    for (const c of own) spaces.push({ name: v.name, cidr: c });
    const subnets = (v.properties.subnets as Obj[]).map((s) => ({ name: s.name as string, cidr: parseCidr(props(s).addressPrefix as string) }));
    for (const s of subnets) {
      if (!own.some((c) => cidrContains(c, s.cidr))) problems.push(`${v.name}/${s.name} outside the VNet address space`);
    }
    for (let i = 0; i < subnets.length; i++) {
      for (let j = i + 1; j < subnets.length; j++) {
        const a = subnets[i] as { name: string; cidr: Cidr };
        const b = subnets[j] as { name: string; cidr: Cidr };
        if (cidrsOverlap(a.cidr, b.cidr)) problems.push(`${v.name}: subnets ${a.name} and ${b.name} overlap`);
      }
    }
  }
  spaces.sort((a, b) => a.cidr.base - b.cidr.base);
  for (let i = 1; i < spaces.length; i++) {
    const a = spaces[i - 1] as { name: string; cidr: Cidr };
    const b = spaces[i] as { name: string; cidr: Cidr };
    if (cidrsOverlap(a.cidr, b.cidr)) problems.push(`address spaces of ${a.name} and ${b.name} overlap`);
  }

  const subnets = subnetIndex(e);
  const used = new Map<string, string>();
  const place = (owner: string, ip: string, subnetId: string): void => {
    const s = subnets.get(lc(subnetId));
    if (!s) {
      problems.push(`${owner}: subnet ${subnetId} not found`);
      return;
    }
    if (!cidrContainsIp(s.cidr, ip) || !usable(s.cidr, ip)) problems.push(`${owner}: ${ip} is not a usable address of ${props(s.subnet).addressPrefix}`);
    const key = `${lc(s.vnet.id)}|${ip}`;
    const prev = used.get(key);
    if (prev) problems.push(`${owner}: ${ip} already used by ${prev}`);
    used.set(key, owner);
  };
  for (const nic of ofType(e, 'Microsoft.Network/networkInterfaces')) {
    for (const c of nic.properties.ipConfigurations as Obj[]) {
      place(nic.name, props(c).privateIPAddress as string, refId(props(c).subnet) as string);
    }
  }
  for (const fw of ofType(e, 'Microsoft.Network/azureFirewalls')) {
    for (const c of fw.properties.ipConfigurations as Obj[]) {
      place(fw.name, props(c).privateIPAddress as string, refId(props(c).subnet) as string);
      const subnetName = (refId(props(c).subnet) as string).split('/').pop();
      if (subnetName !== 'AzureFirewallSubnet') problems.push(`${fw.name} is not in AzureFirewallSubnet`);
    }
  }
  for (const gw of ofType(e, 'Microsoft.Network/virtualNetworkGateways')) {
    const subnet = refId(props((gw.properties.ipConfigurations as Obj[])[0] as Obj).subnet) as string;
    if (!subnet.endsWith('/subnets/GatewaySubnet')) problems.push(`${gw.name} is not in GatewaySubnet`);
    const bgp = (gw.properties.bgpSettings as Obj).bgpPeeringAddress as string;
    const s = subnets.get(lc(subnet));
    if (!s || !cidrContainsIp(s.cidr, bgp)) problems.push(`${gw.name}: BGP address ${bgp} outside GatewaySubnet`);
  }
  return problems;
}

/** Peerings come in Connected pairs whose remote address spaces match the remote VNet. */
export function checkPeerings(e: LoadedEstate): string[] {
  const problems: string[] = [];
  const vnets = new Map(ofType(e, 'Microsoft.Network/virtualNetworks').map((v) => [lc(v.id), v] as const));
  const halves = new Map<string, Obj>();
  for (const v of vnets.values()) {
    for (const p of v.properties.virtualNetworkPeerings as Obj[]) {
      const remote = refId(props(p).remoteVirtualNetwork) as string;
      const key = `${lc(v.id)}->${lc(remote)}`;
      if (halves.has(key)) problems.push(`${v.name}: two peerings to ${remote}`);
      halves.set(key, p);
      if (props(p).peeringState !== 'Connected') problems.push(`${v.name}/${p.name as string}: not Connected`);
      const rv = vnets.get(lc(remote));
      if (!rv) {
        problems.push(`${v.name}/${p.name as string}: remote VNet missing`);
        continue;
      }
      const remoteSpace = ((rv.properties.addressSpace as Obj).addressPrefixes as string[]);
      const declared = ((props(p).remoteAddressSpace as Obj).addressPrefixes as string[]);
      if (!sameSet(remoteSpace, declared)) problems.push(`${v.name}/${p.name as string}: remoteAddressSpace differs from ${rv.name}`);
    }
  }
  for (const [key, p] of halves) {
    const [a, b] = key.split('->') as [string, string];
    const back = halves.get(`${b}->${a}`);
    if (!back) {
      problems.push(`${p.name as string}: no peering back from ${b} to ${a}`);
      continue;
    }
    // hub<->spoke: one side offers gateway transit, the other uses it; both forward.
    if (props(p).useRemoteGateways === true && props(back).allowGatewayTransit !== true) {
      problems.push(`${p.name as string}: useRemoteGateways without gateway transit on the other side`);
    }
  }
  return problems;
}

const DEFAULTS: readonly [string, string, number][] = [
  ['AllowVnetInBound', 'Inbound', 65000], ['AllowAzureLoadBalancerInBound', 'Inbound', 65001], ['DenyAllInBound', 'Inbound', 65500],
  ['AllowVnetOutBound', 'Outbound', 65000], ['AllowInternetOutBound', 'Outbound', 65001], ['DenyAllOutBound', 'Outbound', 65500],
];

/** Unique priorities per direction (100..4096), unique rule names, the six default rules in order. */
export function checkNsgs(e: LoadedEstate): string[] {
  const problems: string[] = [];
  for (const nsg of ofType(e, 'Microsoft.Network/networkSecurityGroups')) {
    const seen = new Set<string>();
    const names = new Set<string>();
    for (const r of nsg.properties.securityRules as Obj[]) {
      const p = props(r);
      const key = `${p.direction as string}|${p.priority as number}`;
      if (seen.has(key)) problems.push(`${nsg.name}: duplicate ${p.direction as string} priority ${p.priority as number}`);
      seen.add(key);
      if (names.has(r.name as string)) problems.push(`${nsg.name}: duplicate rule name ${r.name as string}`);
      if (!/^\w(?:[\w.-]{0,78}\w)?$/.test(r.name as string)) problems.push(`${nsg.name}: invalid rule name ${r.name as string}`);
      names.add(r.name as string);
      const prio = p.priority as number;
      if (!Number.isInteger(prio) || prio < 100 || prio > 4096) problems.push(`${nsg.name}/${r.name as string}: priority ${prio}`);
      const hasSrc = typeof p.sourceAddressPrefix === 'string' || (p.sourceAddressPrefixes as unknown[]).length > 0 || Array.isArray(p.sourceApplicationSecurityGroups);
      const hasDst = typeof p.destinationAddressPrefix === 'string' || (p.destinationAddressPrefixes as unknown[]).length > 0 || Array.isArray(p.destinationApplicationSecurityGroups);
      const hasPorts = typeof p.destinationPortRange === 'string' || (p.destinationPortRanges as unknown[]).length > 0;
      if (!hasSrc || !hasDst || !hasPorts) problems.push(`${nsg.name}/${r.name as string}: incomplete rule`);
    }
    const defaults = (nsg.properties.defaultSecurityRules as Obj[]).map((r) => [r.name, props(r).direction, props(r).priority]);
    if (JSON.stringify(defaults) !== JSON.stringify(DEFAULTS)) problems.push(`${nsg.name}: default rules differ from Azure's`);
  }
  return problems;
}

/** Rules that name ASGs use ASGs whose members all sit in one VNet (Azure's constraint). */
export function checkAsgs(e: LoadedEstate): string[] {
  const problems: string[] = [];
  const vnetOfAsg = new Map<string, string>();
  for (const nic of ofType(e, 'Microsoft.Network/networkInterfaces')) {
    for (const c of nic.properties.ipConfigurations as Obj[]) {
      const vnet = lc((refId(props(c).subnet) as string).replace(/\/subnets\/[^/]+$/, ''));
      for (const asg of refIds(props(c).applicationSecurityGroups)) {
        const prev = vnetOfAsg.get(lc(asg));
        if (prev && prev !== vnet) problems.push(`${asg}: members in two VNets`);
        vnetOfAsg.set(lc(asg), vnet);
      }
    }
  }
  for (const nsg of ofType(e, 'Microsoft.Network/networkSecurityGroups')) {
    for (const r of nsg.properties.securityRules as Obj[]) {
      const asgs = [...refIds(props(r).sourceApplicationSecurityGroups), ...refIds(props(r).destinationApplicationSecurityGroups)];
      const vnets = new Set(asgs.map((a) => vnetOfAsg.get(lc(a)) ?? `unused:${a}`));
      if (vnets.size > 1) problems.push(`${nsg.name}/${r.name as string}: ASGs of different VNets`);
    }
  }
  return problems;
}

function collect(pairs: [string, string][]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [k, v] of pairs) {
    const list = m.get(lc(k)) ?? [];
    list.push(v);
    m.set(lc(k), list);
  }
  return m;
}

/** Forward references and the back-references Azure returns agree. */
export function checkBackReferences(e: LoadedEstate): string[] {
  const problems: string[] = [];
  const subnets = subnetIndex(e);
  const nics = ofType(e, 'Microsoft.Network/networkInterfaces');

  // subnet -> NSG / route table
  const nsgSubnets = collect([...subnets].flatMap(([id, s]) => {
    const n = refId(props(s.subnet).networkSecurityGroup);
    return n ? [[n, id] as [string, string]] : [];
  }));
  for (const nsg of ofType(e, 'Microsoft.Network/networkSecurityGroups')) {
    if (!sameSet(refIds(nsg.properties.subnets), nsgSubnets.get(lc(nsg.id)) ?? [])) problems.push(`${nsg.name}: subnets back-reference differs`);
  }
  const rtSubnets = collect([...subnets].flatMap(([id, s]) => {
    const n = refId(props(s.subnet).routeTable);
    return n ? [[n, id] as [string, string]] : [];
  }));
  for (const rt of ofType(e, 'Microsoft.Network/routeTables')) {
    if (!sameSet(refIds(rt.properties.subnets), rtSubnets.get(lc(rt.id)) ?? [])) problems.push(`${rt.name}: subnets back-reference differs`);
  }
  // NIC -> NSG
  const nsgNics = collect(nics.flatMap((n) => {
    const s = refId(n.properties.networkSecurityGroup);
    return s ? [[s, n.id] as [string, string]] : [];
  }));
  for (const nsg of ofType(e, 'Microsoft.Network/networkSecurityGroups')) {
    if (!sameSet(refIds(nsg.properties.networkInterfaces), nsgNics.get(lc(nsg.id)) ?? [])) problems.push(`${nsg.name}: networkInterfaces back-reference differs`);
  }
  // IP configurations listed by their subnet
  const pairs: [string, string][] = [];
  for (const n of nics) for (const c of n.properties.ipConfigurations as Obj[]) pairs.push([refId(props(c).subnet) as string, c.id as string]);
  for (const t of ['Microsoft.Network/azureFirewalls', 'Microsoft.Network/virtualNetworkGateways']) {
    for (const r of ofType(e, t)) for (const c of r.properties.ipConfigurations as Obj[]) pairs.push([refId(props(c).subnet) as string, c.id as string]);
  }
  const bySubnet = collect(pairs);
  for (const [id, s] of subnets) {
    if (!sameSet(refIds(props(s.subnet).ipConfigurations), bySubnet.get(id) ?? [])) problems.push(`${s.vnet.name}/${s.subnet.name as string}: ipConfigurations back-reference differs`);
  }
  // public IP -> the IP configuration using it
  const users = new Map<string, string>();
  const addUser = (pip: unknown, configId: string): void => {
    const id = refId(pip);
    if (id) users.set(lc(id), lc(configId));
  };
  for (const n of nics) for (const c of n.properties.ipConfigurations as Obj[]) addUser(props(c).publicIPAddress, c.id as string);
  for (const t of ['Microsoft.Network/azureFirewalls', 'Microsoft.Network/virtualNetworkGateways']) {
    for (const r of ofType(e, t)) for (const c of r.properties.ipConfigurations as Obj[]) addUser(props(c).publicIPAddress, c.id as string);
  }
  for (const lb of ofType(e, 'Microsoft.Network/loadBalancers')) {
    for (const f of lb.properties.frontendIPConfigurations as Obj[]) addUser(props(f).publicIPAddress, f.id as string);
  }
  for (const pip of ofType(e, 'Microsoft.Network/publicIPAddresses')) {
    const declared = refId(pip.properties.ipConfiguration);
    if (!declared || users.get(lc(pip.id)) !== lc(declared)) problems.push(`${pip.name}: ipConfiguration back-reference differs`);
  }
  // VM <-> NIC
  const nicVm = new Map(nics.map((n) => [lc(n.id), refId(n.properties.virtualMachine)] as const));
  for (const vm of ofType(e, 'Microsoft.Compute/virtualMachines')) {
    for (const n of refIds((vm.properties.networkProfile as Obj).networkInterfaces)) {
      if (lc(nicVm.get(lc(n)) ?? '') !== lc(vm.id)) problems.push(`${vm.name}: NIC ${n} does not point back`);
    }
  }
  // private endpoint <-> NIC, and the storage account's connection
  const storageConnections = new Map<string, string[]>();
  for (const sa of ofType(e, 'Microsoft.Storage/storageAccounts')) {
    storageConnections.set(lc(sa.id), (sa.properties.privateEndpointConnections as Obj[]).map((c) => lc(refId(props(c).privateEndpoint) as string)));
  }
  for (const pe of ofType(e, 'Microsoft.Network/privateEndpoints')) {
    const dnsIp = (((pe.properties.customDnsConfigs as Obj[])[0] as Obj).ipAddresses as string[])[0];
    for (const n of refIds(pe.properties.networkInterfaces)) {
      const nic = e.defined.get(lc(n));
      if (!nic) continue; // reported by checkReferences
      if (lc(refId(props(nic).privateEndpoint) ?? '') !== lc(pe.id)) problems.push(`${pe.name}: NIC ${n} does not point back`);
      const config = props((props(nic).ipConfigurations as Obj[])[0] as Obj);
      if (config.privateIPAddress !== dnsIp) problems.push(`${pe.name}: DNS config ${String(dnsIp)} differs from its NIC`);
      if (lc(refId(config.subnet) ?? '') !== lc(refId(pe.properties.subnet) ?? '')) problems.push(`${pe.name}: NIC in another subnet`);
    }
    for (const c of pe.properties.privateLinkServiceConnections as Obj[]) {
      const target = props(c).privateLinkServiceId as string;
      if (!(storageConnections.get(lc(target)) ?? []).includes(lc(pe.id))) problems.push(`${pe.name}: target does not list the connection`);
    }
  }
  // load balancer backend pools <-> NIC IP configurations
  const poolMembers = collect(nics.flatMap((n) => (n.properties.ipConfigurations as Obj[]).flatMap((c) =>
    refIds(props(c).loadBalancerBackendAddressPools).map((p) => [p, c.id as string] as [string, string]))));
  for (const lb of ofType(e, 'Microsoft.Network/loadBalancers')) {
    for (const pool of lb.properties.backendAddressPools as Obj[]) {
      if (!sameSet(refIds(props(pool).backendIPConfigurations), poolMembers.get(lc(pool.id as string)) ?? [])) problems.push(`${lb.name}: backend pool members differ`);
    }
  }
  return problems;
}

/** User routes to a virtual appliance point at a firewall's private IP; DNAT targets are NICs. */
export function checkRoutesAndFirewalls(e: LoadedEstate): string[] {
  const problems: string[] = [];
  const fwIps = new Set(ofType(e, 'Microsoft.Network/azureFirewalls').map((f) => props((f.properties.ipConfigurations as Obj[])[0] as Obj).privateIPAddress as string));
  for (const rt of ofType(e, 'Microsoft.Network/routeTables')) {
    for (const r of rt.properties.routes as Obj[]) {
      const p = props(r);
      parseCidr(p.addressPrefix as string);
      if (p.nextHopType === 'VirtualAppliance' && !fwIps.has(p.nextHopIpAddress as string)) problems.push(`${rt.name}/${r.name as string}: next hop ${String(p.nextHopIpAddress)} is no firewall`);
    }
  }
  const nicIps = new Set(ofType(e, 'Microsoft.Network/networkInterfaces').flatMap((n) => (n.properties.ipConfigurations as Obj[]).map((c) => props(c).privateIPAddress as string)));
  for (const rcg of ofType(e, 'Microsoft.Network/firewallPolicies/ruleCollectionGroups')) {
    for (const c of rcg.properties.ruleCollections as Obj[]) {
      for (const r of c.rules as Obj[]) {
        if (r.ruleType === 'NatRule' && !nicIps.has(r.translatedAddress as string)) problems.push(`${rcg.name}/${r.name as string}: DNAT target is no NIC`);
      }
    }
  }
  return problems;
}
