// Application security groups.

import { TYPES } from '../ids.ts';
import { type ArmResource, armResource, SUCCEEDED } from './resource.ts';

export function buildAsg(id: string, name: string, location: string, resourceGuid: string): ArmResource {
  return armResource(id, name, TYPES.applicationSecurityGroup, location, { provisioningState: SUCCEEDED, resourceGuid });
}
