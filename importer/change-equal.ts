// Structural equality of model objects (where they were read from, `source`, is ignored), so that
// the snapshot after a change can share every object the change did not touch with the snapshot
// before it: change detection then finds them equal by identity.

export function sameModel(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameModel(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let na = 0;
  for (const k in ao) {
    if (k === 'source' || ao[k] === undefined) continue;
    na++;
    if (!sameModel(ao[k], bo[k])) return false;
  }
  let nb = 0;
  for (const k in bo) if (k !== 'source' && bo[k] !== undefined) nb++;
  return na === nb;
}
