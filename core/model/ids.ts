// ARM ids are compared case-insensitively (DESIGN.md): we key on the lower-cased id and keep the
// original spelling for display.

export function normalizeId(id: string): string {
  return id.trim().replace(/\/+$/, '').toLowerCase();
}

/** The last segment of an id: the resource's name. */
export function nameFromId(id: string): string {
  const parts = id.replace(/\/+$/, '').split('/');
  return parts[parts.length - 1] ?? id;
}

/** The id of the parent resource (drops the last `type/name` pair). */
export function parentId(id: string): string {
  const parts = id.replace(/\/+$/, '').split('/');
  return parts.slice(0, -2).join('/');
}

/** The resource type of an ARM id, e.g. `microsoft.network/virtualnetworks/subnets` (lower-cased). */
export function typeFromId(id: string): string | undefined {
  const parts = normalizeId(id).split('/');
  const p = parts.indexOf('providers');
  if (p < 0 || p + 2 >= parts.length) return undefined;
  const types = [parts[p + 1]];
  for (let i = p + 2; i < parts.length; i += 2) types.push(parts[i]);
  return types.join('/');
}

export function resourceGroupFromId(id: string): string | undefined {
  const m = /\/resourcegroups\/([^/]+)/i.exec(id);
  return m?.[1];
}
