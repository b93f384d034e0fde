// Microsoft.Network/applicationSecurityGroups: nothing but identity (membership is on the NICs).

import type { ApplicationSecurityGroup } from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import type { Store } from '../store.ts';
import { resourceBase } from './base.ts';

export function readApplicationSecurityGroup(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const asg: ApplicationSecurityGroup = { kind: 'applicationSecurityGroup', ...b };
  store.add(store.snap.applicationSecurityGroups, asg, 'application security group');
}
