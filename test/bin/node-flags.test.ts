import { describe, expect, it } from 'vitest';
import { missingNodeFlags, NODE_FLAGS, REEXEC_ENV } from '../../bin/node-flags.js';

describe('missingNodeFlags (when bin/ztpath.js starts node again)', () => {
  it('asks for every flag when none was given', () => {
    expect(NODE_FLAGS.length).toBeGreaterThan(0);
    expect(missingNodeFlags([], {})).toEqual([...NODE_FLAGS]);
  });

  it('counts a flag given on the command line or in NODE_OPTIONS, with any value, as given', () => {
    const names = NODE_FLAGS.map((f) => f.split('=')[0]);
    expect(missingNodeFlags(names.map((n) => `${n}=8`), {})).toEqual([]);
    expect(missingNodeFlags([], { NODE_OPTIONS: `--enable-source-maps ${names.map((n) => `${n}=8`).join(' ')}` })).toEqual([]);
    // V8 spells flags with `_` or `-` alike.
    expect(missingNodeFlags(names.map((n) => `--${n.slice(2).replace(/-/g, '_')}=8`), {})).toEqual([]);
  });

  it('never asks again in the process it started', () => {
    expect(missingNodeFlags([], { [REEXEC_ENV]: '1' })).toEqual([]);
  });
});
