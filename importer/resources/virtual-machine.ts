// Microsoft.Compute/virtualMachines: which NICs a VM has, and which one is primary.

import type { VirtualMachine } from '../../core/model/index.ts';
import { isObject, type JsonObject } from '../context.ts';
import type { Fields } from '../fields.ts';
import type { Store } from '../store.ts';
import { resourceBase } from './base.ts';

type NicRef = VirtualMachine['nics'][number];

export function readVirtualMachine(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const nics = plainNics(f) ?? checkedNics(f);
  const vm: VirtualMachine = {
    kind: 'virtualMachine',
    ...b,
    nics,
    osType: plainOsType(f) ?? f.sub('storageProfile')?.sub('osDisk')?.str('osType'),
  };
  store.add(store.snap.virtualMachines, vm, 'virtual machine');
}

/** NIC references read through the checked getters, which report whatever is unusual. */
function checkedNics(f: Fields): NicRef[] {
  const nics: NicRef[] = [];
  const explicit: (boolean | undefined)[] = [];
  const profile = f.sub('networkProfile');
  profile?.each('networkInterfaces', (n) => {
    const id = n.obj.id;
    if (typeof id !== 'string' || id.length === 0) {
      n.error('field.missing', undefined, `network interface reference has no id; skipped`);
      return;
    }
    const primary = n.optBool('primary');
    explicit.push(primary);
    nics.push({ id: n.ctx.canonRef(id), primary: primary === true });
  });
  firstIsPrimary(nics, explicit.every((p) => p === undefined));
  // An exact copy: a pushed array keeps spare capacity, and the model keeps one list per VM.
  return nics.slice();
}

/** A VM with one NIC, or none flagged, has the first as its primary (Azure's rule for single-NIC VMs). */
function firstIsPrimary(nics: NicRef[], noneExplicit: boolean): void {
  if (nics.length > 0 && noneExplicit && !nics.some((n) => n.primary)) nics[0].primary = true;
}

/** A nested object that the checked getters would read as it is (no `properties` of its own). */
function plainObject(v: unknown): JsonObject | undefined {
  return isObject(v) && (v.properties === undefined || v.properties === null) ? v : undefined;
}

/**
 * The NIC references of the common shape (every entry an object with an id and, if any, a boolean
 * `primary`), read by name without a Fields object per level; undefined for anything else, which
 * checkedNics then reads and reports. The result is the same either way.
 */
function plainNics(f: Fields): NicRef[] | undefined {
  const raw = f.raw('networkProfile');
  if (raw === undefined) return [];
  const profile = plainObject(raw);
  if (profile === undefined) return undefined;
  const list = profile.networkInterfaces;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return undefined;
  let noneExplicit = true;
  for (let i = 0; i < list.length; i++) {
    const n = list[i];
    if (n === null) continue; // skipped silently by Fields.each too
    if (!isObject(n) || typeof n.id !== 'string' || n.id.length === 0) return undefined;
    const primary = primaryOf(n);
    if (primary === null) return undefined;
    if (primary !== undefined) noneExplicit = false;
  }
  // map() gives an array of exactly this size (the model keeps one per VM; see checkedNics).
  const entries = list.indexOf(null) < 0 ? (list as JsonObject[]) : (list.filter((n) => n !== null) as JsonObject[]);
  const nics = entries.map((n): NicRef => ({ id: f.ctx.canonRef(n.id as string), primary: primaryOf(n) === true }));
  firstIsPrimary(nics, noneExplicit);
  return nics;
}

/** `primary` as Fields.optBool reads it: a boolean, undefined when absent, null when not a boolean. */
function primaryOf(n: JsonObject): boolean | undefined | null {
  const p = n.properties;
  let v: unknown;
  if (isObject(p)) {
    v = p.primary;
    if (v === undefined || v === null) v = n.primary;
  } else if (p === undefined || p === null) {
    v = n.primary;
  } else {
    return null; // `properties` of another type: reported by the checked path
  }
  if (v === undefined || v === null) return undefined;
  return typeof v === 'boolean' ? v : null;
}

/** storageProfile.osDisk.osType of the common shape; undefined when absent or unusual (then read checked). */
function plainOsType(f: Fields): string | undefined {
  const profile = plainObject(f.raw('storageProfile'));
  const disk = profile === undefined ? undefined : plainObject(profile.osDisk);
  const t = disk?.osType;
  return typeof t === 'string' ? t : undefined;
}
