// web/src/api.ts mirrors cli/web-types.ts (web/ and cli/ never import each other): the two stay
// assignable both ways. These are type checks (tsc runs on test/); at run time they are no-ops.

import { describe, expectTypeOf, it } from 'vitest';
import type * as Cli from '../../cli/web-types.ts';
import type * as Web from '../../web/src/api.ts';
import type { BlastGroup } from '../../core/index.ts';

describe('the API types of cli/ and web/ agree', () => {
  it('topology, details, search, meta', () => {
    expectTypeOf<Cli.TopologyAnswer>().toEqualTypeOf<Web.TopologyAnswer>();
    expectTypeOf<Cli.NodeDetails>().toMatchTypeOf<Web.NodeDetails>();
    expectTypeOf<Web.NodeDetails>().toMatchTypeOf<Cli.NodeDetails>();
    expectTypeOf<Cli.SearchResult>().toEqualTypeOf<Web.SearchResult>();
    expectTypeOf<Cli.LocateItem>().toEqualTypeOf<Web.LocateItem>();
    expectTypeOf<Cli.MetaAnswer>().toEqualTypeOf<Web.MetaAnswer>();
  });

  it("blast's groups as core answers them (web/ mirrors core's JSON)", () => {
    expectTypeOf<BlastGroup>().toEqualTypeOf<Web.BlastGroup>();
  });
});
