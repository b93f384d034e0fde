// The node/V8 flags ztpath runs with. bin/ztpath.js starts node again with them when they are
// missing (`node bin/ztpath.js`, the npm shim), and the bench's workers get exactly these, so the
// bench measures what the CLI runs (bench/RESULTS.md, "How to run").
//
// --max-semi-space-size=128: V8's young generation may grow to 2 x 128 MB instead of 2 x 16 MB.
// An import keeps each file's JSON.parse tree alive while it reads it, and with small semi-spaces
// nearly every scavenge during the import copies that tree (and the model objects allocated since
// the previous one) once into the survivor space and again into the old generation. With larger
// semi-spaces most files are read between two scavenges, after which their tree is garbage. What
// the scavenger copies while importing tier L (promoted + survived bytes, --trace-gc-nvp): ~960 MB
// in 62 scavenges with 16 MB (V8's default), ~680 MB with 32, ~570 MB in 17 with 64, ~380 MB in 5
// with 128, ~390 MB with 256. Small inputs never grow the young generation that far, so they pay
// nothing for it; tier L's peak RSS grows by at most the 2 x 112 MB more of young generation.
// It costs the plain JSON.parse of large files some speed (~15-25 % at L on the shared 2-core
// machine: fewer scavenges, each copying more than fits the caches); the import gains more.

/** @type {readonly string[]} */
export const NODE_FLAGS = Object.freeze(['--max-semi-space-size=128']);

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
