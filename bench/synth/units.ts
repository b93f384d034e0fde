// How an estate is cut into output files: the global resources, then per hub one file for the
// hub and one per chunk of `spokesPerFile` spokes. Each unit generates its resources lazily.

import type { ArmResource } from './build/resource.ts';
import { globalResources } from './global.ts';
import { hubResources } from './hub.ts';
import type { EstatePlan, SpokePlan } from './plan.ts';
import { spokeResources } from './spoke.ts';

export interface EstateUnit {
  /** File name stem (no extension), unique in the estate. */
  stem: string;
  /** VNets this unit writes. */
  vnets: number;
  resources(): Iterable<ArmResource>;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function estateUnits(plan: EstatePlan): EstateUnit[] {
  const units: EstateUnit[] = [{ stem: 'global', vnets: 0, resources: () => globalResources(plan) }];
  for (const hub of plan.hubs) {
    const tag = `${pad(hub.index + 1, 2)}-${hub.location}`;
    units.push({ stem: `hub-${tag}`, vnets: 1, resources: () => hubResources(plan, hub) });
    const size = plan.tier.spokesPerFile;
    for (let c = 0; c * size < hub.spokes.length; c++) {
      const chunk = hub.spokes.slice(c * size, (c + 1) * size).map((i) => plan.spokes[i] as SpokePlan);
      units.push({
        stem: `spokes-${tag}-${pad(c + 1, 3)}`,
        vnets: chunk.length,
        resources: function* () {
          for (const spoke of chunk) yield* spokeResources(plan, spoke);
        },
      });
    }
  }
  return units;
}

/** Every resource of the estate, in file order (convenient for small tiers and tests). */
export function* estateResources(plan: EstatePlan): Generator<ArmResource> {
  for (const unit of estateUnits(plan)) yield* unit.resources();
}
