// A cheap canonical form of a model object, computed only when the same id is read twice: the
// model (not the raw JSON) is compared, so two exports of one resource in different shapes (REST,
// az CLI, Resource Graph) count as identical. Source locations are ignored; tag order too.

import { isObject } from './context.ts';

function replacer(key: string, value: unknown): unknown {
  if (key === 'source') return undefined;
  if (key === 'tags' && isObject(value)) {
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) sorted[k] = value[k];
    return sorted;
  }
  return value;
}

export function canonicalForm(value: object): string {
  return JSON.stringify(value, replacer);
}
