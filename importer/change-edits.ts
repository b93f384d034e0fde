// The short form of a change file: `{"edits": [{"op": ..., ...}]}`, one small edit each (add or
// remove a security rule or a route, associate or dissociate an NSG or a route table, change a
// peering's flags, attach or detach a public IP, set a storage account's network rules, turn IP
// forwarding on or off). Rules, routes and storage rules are written as the importer reads them (a
// REST document goes through the ordinary readers); associations and flags edit the model.

import type { NetworkInterface, Route, SecurityRule, Snapshot, StorageAccount } from '../core/model/index.ts';
import { isObject, member, type ImportContext, type JsonObject } from './context.ts';
import { canonId } from './ids.ts';
import { readReplacement } from './envelope.ts';
import type { Store } from './store.ts';
import { resolveNic, resolveNsg, resolvePeering, resolvePublicIp, resolveRouteTable, resolveStorageAccount, resolveSubnet, type RefResult } from './change-refs.ts';

export const EDIT_OPS = [
  'addSecurityRule',
  'setSecurityRule',
  'removeSecurityRule',
  'addRoute',
  'setRoute',
  'removeRoute',
  'associateNsg',
  'dissociateNsg',
  'associateRouteTable',
  'dissociateRouteTable',
  'setPeering',
  'attachPublicIp',
  'detachPublicIp',
  'setStorageNetworkAcls',
  'setIpForwarding',
] as const;

type Op = (typeof EDIT_OPS)[number];

const FIELDS: Record<Op, string[]> = {
  addSecurityRule: ['nsg', 'rule'],
  setSecurityRule: ['nsg', 'rule'],
  removeSecurityRule: ['nsg', 'name'],
  addRoute: ['routeTable', 'route'],
  setRoute: ['routeTable', 'route'],
  removeRoute: ['routeTable', 'name'],
  associateNsg: ['nsg', 'subnet', 'nic'],
  dissociateNsg: ['subnet', 'nic'],
  associateRouteTable: ['routeTable', 'subnet'],
  dissociateRouteTable: ['subnet'],
  setPeering: ['peering', 'allowVirtualNetworkAccess', 'allowForwardedTraffic', 'allowGatewayTransit', 'useRemoteGateways', 'peeringState'],
  attachPublicIp: ['nic', 'publicIp', 'ipConfiguration'],
  detachPublicIp: ['nic', 'ipConfiguration'],
  setStorageNetworkAcls: ['storageAccount', 'networkAcls', 'publicNetworkAccess'],
  setIpForwarding: ['nic', 'enabled'],
};

/** Runs one edit; problems are reported as `change.*` errors at the edit's JSON path. */
export class EditRunner {
  constructor(
    private readonly ctx: ImportContext,
    private readonly store: Store,
    private readonly file: string,
  ) {}

  private get snap(): Snapshot {
    return this.store.snap;
  }

  private fail(path: string, message: string, code = 'change.invalid', hint?: string): false {
    this.ctx.report('error', code, message, { file: this.file, jsonPath: path, ...(hint ? { hint } : {}) });
    return false;
  }

  private ref<T>(path: string, key: string, r: RefResult<T>): T | undefined {
    if (r.ok) return r.value;
    this.fail(member(path, key), r.message, 'change.unknown-ref');
    return undefined;
  }

  private str(e: JsonObject, path: string, key: string, required = true): string | undefined {
    const v = e[key];
    if (v === undefined || v === null) {
      if (required) this.fail(member(path, key), `'${key}' is required for op ${String(e.op)}`);
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      this.fail(member(path, key), `'${key}' should be a non-empty string`);
      return undefined;
    }
    return v;
  }

  private bool(e: JsonObject, path: string, key: string): boolean | undefined | null {
    const v = e[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') {
      this.fail(member(path, key), `'${key}' should be true or false`);
      return null;
    }
    return v;
  }

  /** Import a generated document as if it stood in the change file at `path`; whether it raised errors. */
  private importDoc(doc: JsonObject, path: string): boolean {
    const prev = this.ctx.file;
    this.ctx.file = this.file;
    const from = this.ctx.diagnostics.length;
    readReplacement(doc, path, this.ctx, this.store);
    this.ctx.file = prev;
    return this.ctx.diagnostics.slice(from).some((d) => d.severity === 'error');
  }

  /**
   * An edit whose rule or route the reader refused (its errors are reported above) changes nothing:
   * a what-if of it would compare nothing and pass its gates, so the change file is in error.
   */
  private refused(path: string, what: string, kept: unknown, existing: unknown): boolean {
    if (kept !== undefined && kept !== existing) return true;
    return this.fail(path, `the ${what} could not be read (see the errors above): the edit changes nothing`);
  }

  run(e: unknown, path: string): boolean {
    if (!isObject(e)) return this.fail(path, 'an edit should be an object with an "op"');
    const op = e.op;
    if (typeof op !== 'string' || !(EDIT_OPS as readonly string[]).includes(op)) {
      return this.fail(member(path, 'op'), `unknown op ${JSON.stringify(op)}; expected one of ${EDIT_OPS.join(', ')}`);
    }
    const o = op as Op;
    for (const k of Object.keys(e)) {
      if (k !== 'op' && !FIELDS[o].includes(k)) return this.fail(member(path, k), `op ${o} does not take '${k}' (it takes ${FIELDS[o].join(', ')})`);
    }
    switch (o) {
      case 'addSecurityRule':
      case 'setSecurityRule':
        return this.putRule(e, path, o === 'setSecurityRule');
      case 'removeSecurityRule':
        return this.removeRule(e, path);
      case 'addRoute':
      case 'setRoute':
        return this.putRoute(e, path, o === 'setRoute');
      case 'removeRoute':
        return this.removeRoute(e, path);
      case 'associateNsg':
      case 'dissociateNsg':
        return this.nsgAssociation(e, path, o === 'associateNsg');
      case 'associateRouteTable':
      case 'dissociateRouteTable':
        return this.routeTableAssociation(e, path, o === 'associateRouteTable');
      case 'setPeering':
        return this.setPeering(e, path);
      case 'attachPublicIp':
      case 'detachPublicIp':
        return this.publicIp(e, path, o === 'attachPublicIp');
      case 'setStorageNetworkAcls':
        return this.storageAcls(e, path);
      case 'setIpForwarding':
        return this.ipForwarding(e, path);
    }
  }

  // ---- security rules and routes: REST documents through the readers ----

  private childSpec(e: JsonObject, path: string, key: 'rule' | 'route'): { name: string; props: JsonObject; flattened: boolean } | undefined {
    const r = e[key];
    if (!isObject(r)) {
      this.fail(member(path, key), `'${key}' should be an object: {"name": ..., "properties": {...}} or the flattened az CLI shape`);
      return undefined;
    }
    const name = typeof r.name === 'string' && r.name.trim() ? r.name.trim() : undefined;
    if (!name) {
      this.fail(member(member(path, key), 'name'), `the ${key} needs a "name"`);
      return undefined;
    }
    if (r.properties !== undefined && !isObject(r.properties)) {
      this.fail(member(member(path, key), 'properties'), `'properties' should be an object`);
      return undefined;
    }
    const flattened = !isObject(r.properties);
    const props: JsonObject = {};
    for (const [k, v] of Object.entries(flattened ? r : (r.properties as JsonObject))) if (!['name', 'id', 'type', 'etag'].includes(k)) props[k] = v;
    return { name, props, flattened };
  }

  private putRule(e: JsonObject, path: string, merge: boolean): boolean {
    const nsgRef = this.str(e, path, 'nsg');
    const spec = this.childSpec(e, path, 'rule');
    if (!nsgRef || !spec) return false;
    const nsg = this.ref(path, 'nsg', resolveNsg(this.snap, nsgRef));
    if (!nsg) return false;
    const displayId = `${nsg.displayId}/securityRules/${spec.name}`;
    const existing = this.store.rulesByNsg.get(nsg.id)?.get(canonId(displayId));
    if (!merge && existing) return this.fail(member(member(path, 'rule'), 'name'), `${nsg.name} already has a security rule ${spec.name}`, 'change.exists', 'use setSecurityRule to change it');
    if (merge && !existing) return this.fail(member(member(path, 'rule'), 'name'), `${nsg.name} has no security rule ${spec.name}`, 'change.unknown-ref', 'use addSecurityRule to add it');
    const props = existing ? mergeProps(ruleToRest(existing), spec.props) : spec.props;
    if (!this.importDoc({ id: displayId, name: spec.name, type: 'Microsoft.Network/networkSecurityGroups/securityRules', properties: props }, member(path, 'rule'))) return true;
    return this.refused(member(path, 'rule'), `security rule ${spec.name}`, this.store.rulesByNsg.get(nsg.id)?.get(canonId(displayId)), existing);
  }

  private removeRule(e: JsonObject, path: string): boolean {
    const nsgRef = this.str(e, path, 'nsg');
    const name = this.str(e, path, 'name');
    if (!nsgRef || !name) return false;
    const nsg = this.ref(path, 'nsg', resolveNsg(this.snap, nsgRef));
    if (!nsg) return false;
    const rules = this.store.rulesByNsg.get(nsg.id);
    const id = canonId(`${nsg.displayId}/securityRules/${name}`);
    if (!rules?.delete(id)) return this.fail(member(path, 'name'), `${nsg.name} has no security rule ${name}`, 'change.unknown-ref');
    return true;
  }

  private putRoute(e: JsonObject, path: string, merge: boolean): boolean {
    const rtRef = this.str(e, path, 'routeTable');
    const spec = this.childSpec(e, path, 'route');
    if (!rtRef || !spec) return false;
    const rt = this.ref(path, 'routeTable', resolveRouteTable(this.snap, rtRef));
    if (!rt) return false;
    const displayId = `${rt.displayId}/routes/${spec.name}`;
    const existing = this.store.routesByTable.get(rt.id)?.get(canonId(displayId));
    if (!merge && existing) return this.fail(member(member(path, 'route'), 'name'), `${rt.name} already has a route ${spec.name}`, 'change.exists', 'use setRoute to change it');
    if (merge && !existing) return this.fail(member(member(path, 'route'), 'name'), `${rt.name} has no route ${spec.name}`, 'change.unknown-ref', 'use addRoute to add it');
    const props = existing ? mergeProps(routeToRest(existing), spec.props) : spec.props;
    if (!this.importDoc({ id: displayId, name: spec.name, type: 'Microsoft.Network/routeTables/routes', properties: props }, member(path, 'route'))) return true;
    return this.refused(member(path, 'route'), `route ${spec.name}`, this.store.routesByTable.get(rt.id)?.get(canonId(displayId)), existing);
  }

  private removeRoute(e: JsonObject, path: string): boolean {
    const rtRef = this.str(e, path, 'routeTable');
    const name = this.str(e, path, 'name');
    if (!rtRef || !name) return false;
    const rt = this.ref(path, 'routeTable', resolveRouteTable(this.snap, rtRef));
    if (!rt) return false;
    const id = canonId(`${rt.displayId}/routes/${name}`);
    if (!this.store.routesByTable.get(rt.id)?.delete(id)) return this.fail(member(path, 'name'), `${rt.name} has no route ${name}`, 'change.unknown-ref');
    return true;
  }

  // ---- associations and flags: model edits ----

  private nsgAssociation(e: JsonObject, path: string, associate: boolean): boolean {
    const subnetRef = this.str(e, path, 'subnet', false);
    const nicRef = this.str(e, path, 'nic', false);
    if ((subnetRef === undefined) === (nicRef === undefined)) return this.fail(path, `name exactly one of 'subnet' and 'nic'`);
    let nsgId: string | undefined;
    if (associate) {
      const nsgRef = this.str(e, path, 'nsg');
      if (!nsgRef) return false;
      const nsg = this.ref(path, 'nsg', resolveNsg(this.snap, nsgRef));
      if (!nsg) return false;
      nsgId = nsg.id;
    }
    if (subnetRef !== undefined) {
      const sub = this.ref(path, 'subnet', resolveSubnet(this.snap, subnetRef));
      if (!sub) return false;
      if (!associate && !sub.nsgId) return this.fail(member(path, 'subnet'), `subnet ${sub.name} has no NSG to dissociate`, 'change.noop');
      this.snap.subnets.set(sub.id, { ...sub, nsgId });
    } else {
      const nic = this.ref(path, 'nic', resolveNic(this.snap, nicRef!));
      if (!nic) return false;
      if (!associate && !nic.nsgId) return this.fail(member(path, 'nic'), `NIC ${nic.name} has no NSG to dissociate`, 'change.noop');
      this.snap.networkInterfaces.set(nic.id, { ...nic, nsgId });
    }
    return true;
  }

  private routeTableAssociation(e: JsonObject, path: string, associate: boolean): boolean {
    const subnetRef = this.str(e, path, 'subnet');
    if (!subnetRef) return false;
    const sub = this.ref(path, 'subnet', resolveSubnet(this.snap, subnetRef));
    if (!sub) return false;
    let routeTableId: string | undefined;
    if (associate) {
      const rtRef = this.str(e, path, 'routeTable');
      if (!rtRef) return false;
      const rt = this.ref(path, 'routeTable', resolveRouteTable(this.snap, rtRef));
      if (!rt) return false;
      routeTableId = rt.id;
    } else if (!sub.routeTableId) return this.fail(member(path, 'subnet'), `subnet ${sub.name} has no route table to dissociate`, 'change.noop');
    this.snap.subnets.set(sub.id, { ...sub, routeTableId });
    return true;
  }

  private setPeering(e: JsonObject, path: string): boolean {
    const ref = this.str(e, path, 'peering');
    if (!ref) return false;
    const p = this.ref(path, 'peering', resolvePeering(this.snap, ref));
    if (!p) return false;
    const next = { ...p };
    let changed = false;
    for (const k of ['allowVirtualNetworkAccess', 'allowForwardedTraffic', 'allowGatewayTransit', 'useRemoteGateways'] as const) {
      const v = this.bool(e, path, k);
      if (v === null) return false;
      if (v !== undefined) {
        next[k] = v;
        changed = true;
      }
    }
    if (e.peeringState !== undefined) {
      const s = e.peeringState;
      if (s !== 'Connected' && s !== 'Disconnected' && s !== 'Initiated') return this.fail(member(path, 'peeringState'), `peeringState should be Connected, Disconnected or Initiated`);
      next.peeringState = s;
      changed = true;
    }
    if (!changed) return this.fail(path, 'setPeering needs at least one of allowVirtualNetworkAccess, allowForwardedTraffic, allowGatewayTransit, useRemoteGateways, peeringState');
    this.snap.peerings.set(p.id, next);
    return true;
  }

  private nicIpConfig(e: JsonObject, path: string, nic: NetworkInterface): number | undefined {
    const name = this.str(e, path, 'ipConfiguration', false);
    if (name === undefined) {
      const i = nic.ipConfigurations.findIndex((c) => c.primary);
      if (i >= 0) return i;
      if (nic.ipConfigurations.length) return 0;
      this.fail(member(path, 'nic'), `NIC ${nic.name} has no ip configuration`);
      return undefined;
    }
    const i = nic.ipConfigurations.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (i < 0) this.fail(member(path, 'ipConfiguration'), `NIC ${nic.name} has no ip configuration ${name} (it has ${nic.ipConfigurations.map((c) => c.name).join(', ')})`, 'change.unknown-ref');
    return i < 0 ? undefined : i;
  }

  private publicIp(e: JsonObject, path: string, attach: boolean): boolean {
    const nicRef = this.str(e, path, 'nic');
    if (!nicRef) return false;
    const nic = this.ref(path, 'nic', resolveNic(this.snap, nicRef));
    if (!nic) return false;
    const i = this.nicIpConfig(e, path, nic);
    if (i === undefined) return false;
    const ipc = nic.ipConfigurations[i];
    let publicIpId: string | undefined;
    if (attach) {
      const v = e.publicIp;
      let pipRef: string | undefined;
      if (isObject(v)) {
        // A public IP resource as it will be: imported first, then attached.
        const id = typeof v.id === 'string' ? v.id : undefined;
        if (!id) return this.fail(member(path, 'publicIp'), 'the public IP resource needs an "id"');
        this.importDoc({ type: 'Microsoft.Network/publicIPAddresses', ...v }, member(path, 'publicIp'));
        pipRef = id;
      } else pipRef = this.str(e, path, 'publicIp');
      if (!pipRef) return false;
      const pip = this.ref(path, 'publicIp', resolvePublicIp(this.snap, pipRef));
      if (!pip) return false;
      if (pip.ipConfigurationId && pip.ipConfigurationId !== ipc.id) {
        this.ctx.report('warning', 'change.public-ip-in-use', `public IP ${pip.name} is attached to ${pip.ipConfigurationId}; it is moved to ${ipc.displayId}`, { file: this.file, jsonPath: member(path, 'publicIp') });
        for (const other of this.snap.networkInterfaces.values()) {
          if (!other.ipConfigurations.some((c) => c.publicIpId === pip.id)) continue;
          this.snap.networkInterfaces.set(other.id, { ...other, ipConfigurations: other.ipConfigurations.map((c) => (c.publicIpId === pip.id ? { ...c, publicIpId: undefined } : c)) });
        }
      }
      this.snap.publicIpAddresses.set(pip.id, { ...pip, ipConfigurationId: ipc.id });
      publicIpId = pip.id;
    } else {
      if (!ipc.publicIpId) return this.fail(member(path, 'nic'), `${nic.name}/${ipc.name} has no public IP to detach`, 'change.noop');
      const pip = this.snap.publicIpAddresses.get(ipc.publicIpId);
      if (pip && pip.ipConfigurationId === ipc.id) this.snap.publicIpAddresses.set(pip.id, { ...pip, ipConfigurationId: undefined });
    }
    const current = this.snap.networkInterfaces.get(nic.id) ?? nic;
    this.snap.networkInterfaces.set(nic.id, { ...current, ipConfigurations: current.ipConfigurations.map((c, j) => (j === i ? { ...c, publicIpId } : c)) });
    return true;
  }

  private storageAcls(e: JsonObject, path: string): boolean {
    const ref = this.str(e, path, 'storageAccount');
    if (!ref) return false;
    const sa = this.ref(path, 'storageAccount', resolveStorageAccount(this.snap, ref));
    if (!sa) return false;
    if (e.networkAcls === undefined && e.publicNetworkAccess === undefined) return this.fail(path, 'setStorageNetworkAcls needs networkAcls or publicNetworkAccess');
    if (e.networkAcls !== undefined && !isObject(e.networkAcls)) return this.fail(member(path, 'networkAcls'), `'networkAcls' should be an object (defaultAction, bypass, ipRules, virtualNetworkRules)`);
    if (e.publicNetworkAccess !== undefined && typeof e.publicNetworkAccess !== 'string') return this.fail(member(path, 'publicNetworkAccess'), `'publicNetworkAccess' should be Enabled or Disabled`);
    const acls = { ...aclsToRest(sa), ...(isObject(e.networkAcls) ? e.networkAcls : {}) };
    const props: JsonObject = { networkAcls: acls, ...(e.publicNetworkAccess !== undefined ? { publicNetworkAccess: e.publicNetworkAccess } : sa.publicNetworkAccess !== undefined ? { publicNetworkAccess: sa.publicNetworkAccess } : {}) };
    this.importDoc({ id: sa.displayId, name: sa.name, type: 'Microsoft.Storage/storageAccounts', ...(sa.location ? { location: sa.location } : {}), tags: sa.tags, properties: props }, path);
    return true;
  }

  private ipForwarding(e: JsonObject, path: string): boolean {
    const nicRef = this.str(e, path, 'nic');
    const enabled = this.bool(e, path, 'enabled');
    if (!nicRef || enabled === null) return false;
    if (enabled === undefined) return this.fail(member(path, 'enabled'), `'enabled' (true or false) is required`);
    const nic = this.ref(path, 'nic', resolveNic(this.snap, nicRef));
    if (!nic) return false;
    this.snap.networkInterfaces.set(nic.id, { ...nic, enableIpForwarding: enabled });
    return true;
  }
}

/** Singular/plural pairs: setting one spelling replaces the other. */
const PAIRS: [string, string][] = [
  ['sourceAddressPrefix', 'sourceAddressPrefixes'],
  ['destinationAddressPrefix', 'destinationAddressPrefixes'],
  ['sourcePortRange', 'sourcePortRanges'],
  ['destinationPortRange', 'destinationPortRanges'],
];

function mergeProps(base: JsonObject, change: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(change)) {
    for (const [a, b] of PAIRS) {
      if (k === a) delete out[b];
      if (k === b) delete out[a];
    }
    // Address prefixes and ASGs are alternatives for one side of a rule.
    if (k.startsWith('source') && (k.includes('AddressPrefix') || k === 'sourceApplicationSecurityGroups')) for (const x of ['sourceAddressPrefix', 'sourceAddressPrefixes', 'sourceApplicationSecurityGroups']) if (x !== k) delete out[x];
    if (k.startsWith('destination') && (k.includes('AddressPrefix') || k === 'destinationApplicationSecurityGroups')) for (const x of ['destinationAddressPrefix', 'destinationAddressPrefixes', 'destinationApplicationSecurityGroups']) if (x !== k) delete out[x];
    out[k] = v;
  }
  return out;
}

function ruleToRest(r: SecurityRule): JsonObject {
  const p: JsonObject = { priority: r.priority, direction: r.direction, access: r.access, protocol: r.protocol, sourcePortRanges: [...r.sourcePortRanges], destinationPortRanges: [...r.destinationPortRanges] };
  if (r.sourceAsgIds.length) p.sourceApplicationSecurityGroups = r.sourceAsgIds.map((id) => ({ id }));
  else p.sourceAddressPrefixes = [...r.sourceAddressPrefixes];
  if (r.destinationAsgIds.length) p.destinationApplicationSecurityGroups = r.destinationAsgIds.map((id) => ({ id }));
  else p.destinationAddressPrefixes = [...r.destinationAddressPrefixes];
  if (r.description !== undefined) p.description = r.description;
  return p;
}

function routeToRest(r: Route): JsonObject {
  return { addressPrefix: r.addressPrefix, nextHopType: r.nextHopType, ...(r.nextHopIpAddress ? { nextHopIpAddress: r.nextHopIpAddress } : {}) };
}

function aclsToRest(sa: StorageAccount): JsonObject {
  const a = sa.networkAcls;
  return {
    defaultAction: a.defaultAction,
    bypass: a.bypass.length ? a.bypass.join(', ') : 'None',
    ipRules: a.ipRules.map((r) => ({ value: r.value, action: r.action })),
    virtualNetworkRules: a.virtualNetworkRules.map((r) => ({ id: r.subnetId, action: r.action, ...(r.state ? { state: r.state } : {}) })),
  };
}
