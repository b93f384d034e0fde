// The common envelope of a generated ARM resource.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  [key: string]: Json | undefined;
}

/** `{ id, name, type, location, ...extra, properties }`, keys in the order Azure returns them. */
export function armResource(id: string, name: string, type: string, location: string | undefined,
  properties: { [key: string]: Json | undefined }, extra: { [key: string]: Json | undefined } = {}): ArmResource {
  const r: ArmResource = { id, name, type };
  if (location !== undefined) r.location = location;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) r[k] = v;
  r.properties = properties;
  return r;
}

export const SUCCEEDED = 'Succeeded';
