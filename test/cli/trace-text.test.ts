// The trace text renderer names each hop by what it is: a public IP entry is shown as the public
// IP resource ([publicIp]), followed by the NIC behind it.

import { describe, expect, it } from 'vitest';
import { SAMPLE, run } from './helpers.ts';

describe('trace text', () => {
  it('labels a public IP hop as the public IP', async () => {
    const r = await run(['trace', SAMPLE, '--from', '198.51.100.7', '--to', 'vm-jump01', '--protocol', 'Tcp', '--port', '3389', '--via-public-ip']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1\s+pip-vm-jump01 \S+ \[publicIp\]$/m);
    expect(r.stdout).toMatch(/^2\s+vm-jump01 10\.0\.3\.4 \[nic\]$/m);
    expect(r.stdout).not.toMatch(/pip-vm-jump01 \S+ \[nic\]/);
  });
});
