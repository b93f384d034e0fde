// Microsoft.Compute/virtualMachines: which NICs a VM has, and which one is primary.

import type { VirtualMachine } from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import type { Store } from '../store.ts';
import { resourceBase } from './base.ts';

export function readVirtualMachine(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const nics: { id: string; primary: boolean }[] = [];
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
  // A VM with one NIC, or none flagged, has the first as its primary (Azure's rule for single-NIC VMs).
  if (nics.length > 0 && !nics.some((n) => n.primary) && explicit.every((p) => p === undefined)) nics[0].primary = true;
  const vm: VirtualMachine = {
    kind: 'virtualMachine',
    ...b,
    // An exact copy: a pushed array keeps spare capacity, and the model keeps one list per VM.
    nics: nics.slice(),
    osType: f.sub('storageProfile')?.sub('osDisk')?.str('osType'),
  };
  store.add(store.snap.virtualMachines, vm, 'virtual machine');
}
