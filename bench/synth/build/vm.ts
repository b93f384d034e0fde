// Virtual machines: only what a network analysis needs (size, OS, networkProfile).

import { TYPES } from '../ids.ts';
import { type ArmResource, armResource, SUCCEEDED } from './resource.ts';

export interface VmInput {
  id: string;
  name: string;
  location: string;
  size: string;
  osType: 'Linux' | 'Windows';
  nicIds: readonly string[];
  zone?: string;
  vmId: string;
}

export function buildVm(v: VmInput): ArmResource {
  return armResource(v.id, v.name, TYPES.virtualMachine, v.location, {
    vmId: v.vmId,
    hardwareProfile: { vmSize: v.size },
    storageProfile: { osDisk: { osType: v.osType, name: `${v.name}-osdisk`, createOption: 'FromImage' } },
    networkProfile: {
      networkInterfaces: v.nicIds.map((id, i) => ({ id, properties: { primary: i === 0 } })),
    },
    provisioningState: SUCCEEDED,
  }, { zones: v.zone ? [v.zone] : undefined });
}
