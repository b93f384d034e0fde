// Whether the prebuilt CLI bundle (dist/ztpath.mjs, written by bin/build.js) may run: only while
// no file that went into it has changed since its build began, so that an edited checkout never
// runs stale code. Used by bin/ztpath.js; plain JavaScript, as it runs before any loader.

import { readFileSync, statSync } from 'node:fs';

/**
 * The bundle's URL when it is fresh, else undefined. `root` is the repository root (a file: URL
 * ending in /). ZTPATH_FROM_SOURCES=1 and ZTPATH_DEBUG=1 (stack traces then name the sources) ask
 * for the sources.
 */
export function freshBundle(root, env = process.env) {
  if (env.ZTPATH_DEBUG === '1' || env.ZTPATH_FROM_SOURCES === '1') return undefined;
  try {
    const manifest = JSON.parse(readFileSync(new URL('dist/ztpath.inputs.json', root), 'utf8'));
    const bundle = new URL('dist/ztpath.mjs', root);
    if (typeof manifest.builtAt !== 'number' || !Array.isArray(manifest.inputs) || manifest.inputs.length === 0) return undefined;
    if (statSync(bundle).mtimeMs < manifest.builtAt) return undefined;
    for (const f of manifest.inputs) if (statSync(new URL(f, root)).mtimeMs > manifest.builtAt) return undefined;
    return bundle;
  } catch {
    // No bundle or no list, or a file of it is gone: the sources.
    return undefined;
  }
}
