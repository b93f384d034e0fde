import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ImportContext } from '../../importer/context.ts';
import { canonId } from '../../importer/ids.ts';
import { Fields } from '../../importer/fields.ts';
import { childIdentity } from '../../importer/resources/base.ts';

// A child's ids built from its parent's ids must be exactly canonId of the child's own text and
// that text itself.
describe('childIdentity', () => {
  const ctx = new ImportContext();
  const check = (parentDisplay: string, raw: string) => {
    const parentId = ctx.canonRef(parentDisplay);
    const who = childIdentity(new Fields(ctx, { id: raw }, '$', undefined, raw), parentDisplay, 'securityRules', 'security rule', parentId);
    expect(who?.id, raw).toBe(canonId(raw));
    expect(who?.displayId, raw).toBe(raw);
  };

  it('agrees with canonId on usual and unusual spellings', () => {
    const nsg = '/subscriptions/S1/resourceGroups/RG-One/providers/Microsoft.Network/networkSecurityGroups/NSG-Web';
    check(nsg, `${nsg}/securityRules/Allow-HTTPS`);
    check(nsg, `${nsg}/securityRules/allow-https`);
    check(nsg, `${nsg}/securityRules/Allow-HTTPS/`);
    check(nsg, `${nsg}/securityRules/Allow-HTTPS `);
    check(nsg, `${nsg}/securityRules/Règle-ÉTÉ`);
    check(nsg, `${nsg}/securityRules/ΟΔΟΣ`);
    check(nsg, `${nsg.toLowerCase()}/securityRules/Other-Parent-Spelling`);
    check(`${nsg}/`, `${nsg}//securityRules/x`);
    check(` ${nsg}`, ` ${nsg}/securityRules/x`);
    check(`${nsg}Σ`, `${nsg}Σ/securityRules/x`);
    check(`${nsg}İ`, `${nsg}İ/securityRules/x`);
    check(nsg, `${nsg}-other/securityRules/x`);
    check(nsg, nsg);
    check(nsg, `${nsg}/`);
  });

  it('agrees with canonId on random ids', () => {
    const segment = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'B', '-', '/', ' ', 'Σ', 'é', 'İ', '.', '1', ':', '\u00a0', '\t', 'ẞ') });
    fc.assert(
      fc.property(segment, segment, fc.boolean(), (p, tail, sameCase) => {
        const parent = `/subscriptions/x/${p}`;
        const raw = `${sameCase ? parent : parent.toUpperCase()}/${tail}`;
        check(parent, raw);
      }),
      { numRuns: 5000 },
    );
  });
});
