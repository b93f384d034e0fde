// The node/V8 flags ztpath runs with. bin/ztpath.js starts node again with them when they are
// missing (`node bin/ztpath.js`, the npm shim), and the bench's workers get exactly these, so the
// bench measures what the CLI runs (bench/RESULTS.md, "How to run").
//
// --max-semi-space-size=64: V8's young generation grows to 2 x 64 MB instead of 2 x 16 MB. An
// import keeps each file's JSON.parse tree alive while it reads it, and with small semi-spaces
// nearly every scavenge during the import copies that tree (and the model objects allocated since
// the previous one) once into the survivor space and again into the old generation. With 64 MB
// most files are read between two scavenges, after which the tree is garbage: at tier L the bytes
// the scavenger copies during the import fall from ~960 MB to ~560 MB. Small inputs never grow the
// young generation that far, so they pay nothing for it.

/** @type {readonly string[]} */
export const NODE_FLAGS = Object.freeze(['--max-semi-space-size=64']);

/** Set in the re-executed process, so it never starts another one. */
export const REEXEC_ENV = 'ZTPATH_NODE_FLAGS';

/**
 * The flags of NODE_FLAGS that this process lacks: neither on its command line (execArgv) nor in
 * NODE_OPTIONS. A flag the user gave with another value counts as given (theirs wins).
 * @param {readonly string[]} execArgv
 * @param {Record<string, string | undefined>} env
 * @returns {string[]}
 */
export function missingNodeFlags(execArgv, env) {
  if (env[REEXEC_ENV] === '1') return [];
  const given = new Set();
  for (const f of [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)]) given.add(flagName(f));
  return NODE_FLAGS.filter((f) => !given.has(flagName(f)));
}

/** `--max-semi-space-size=64` -> `--max-semi-space-size` (V8 accepts `_` for `-` too). */
function flagName(f) {
  const eq = f.indexOf('=');
  return (eq < 0 ? f : f.slice(0, eq)).replace(/_/g, '-');
}
