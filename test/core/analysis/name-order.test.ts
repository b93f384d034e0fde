// The fast name order (core/analysis/name-order.ts) is String#localeCompare's on the names it
// accepts, and refuses names it cannot order (upper case, other characters), which go to ICU.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareFastNames, compareNames, fastNames } from '../../../core/analysis/name-order.ts';

const SAFE = [...'abcdefghijklmnopqrstuvwxyz0123456789-_.'];
const safeName = fc.array(fc.constantFrom(...SAFE), { maxLength: 12 }).map((c) => c.join(''));

describe('name order', () => {
  it('takes the names estates are made of when the collator is the root or English one', () => {
    const plain = /^(en|und)(-|$)/.test(new Intl.Collator().resolvedOptions().locale);
    expect(fastNames([{ name: 'vm-eus2-shared-04-nic' }, { name: 'pe_storage.blob' }, { name: '' }])).toBe(plain);
  });

  it('refuses upper case and other characters', () => {
    for (const name of ['Vm-01', 'vm 01', 'vm-é', 'vm/01', 'vm+01']) expect(fastNames([{ name: 'vm-01' }, { name }])).toBe(false);
  });

  it('orders as localeCompare does', () => {
    fc.assert(
      fc.property(safeName, safeName, (a, b) => {
        expect(Math.sign(compareFastNames(a, b))).toBe(Math.sign(a.localeCompare(b)));
        expect(Math.sign(compareNames(a, b))).toBe(Math.sign(a.localeCompare(b)));
      }),
      { numRuns: 5000 },
    );
  });

  it('orders names that differ late, by prefix, and by punctuation, as localeCompare does', () => {
    const names = ['vm-1', 'vm-10', 'vm1', 'vm_1', 'vm.1', 'vm', 'vm-', 'vm-a', 'vm-9', 'vma', 'a-b', 'ab', 'a.b', 'a_b', '0', '9', 'z'];
    const fast = [...names].sort(compareFastNames);
    const icu = [...names].sort((a, b) => a.localeCompare(b));
    expect(fast).toEqual(icu);
  });
});
