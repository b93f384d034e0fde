// `ztpath exposure`: golden JSON on the sample estate (reviewed against examples/README.md), the
// text table, --from onprem, help and usage errors. Regenerate: UPDATE_GOLDEN=1 npx vitest run test/cli
import { describe, expect, it } from 'vitest';
import { SAMPLE, golden, run } from './helpers.ts';

describe('ztpath exposure', () => {
  it('golden: the internet on the sample estate', async () => {
    const out = JSON.parse(await golden('exposure-hub-spoke.json', ['exposure', SAMPLE, '--json'])) as { exposed: { name: string; entry: { name: string }; allowed: { ports: string[]; sources: string[] }[] }[]; caveats: unknown[] };
    expect(Object.keys(out)).toEqual(['exposed', 'caveats']);
    const rdp = out.exposed.find((x) => x.name === 'vm-jump01');
    expect(rdp?.allowed[0]).toMatchObject({ ports: ['3389'], sources: ['Internet'] });
    expect(out.exposed.find((x) => x.entry.name === 'lb-legacy-public/nat-ssh-vm-legacy01')?.allowed[0]).toMatchObject({ ports: ['50022'], sources: ['203.0.113.64/27'] });
  });

  it('golden: on-premises', async () => {
    await golden('exposure-onprem-hub-spoke.json', ['exposure', SAMPLE, '--from', 'onprem', '--json']);
  });

  it('text: a table with the entry points and sources', async () => {
    const r = await run(['exposure', SAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Reachable from the internet: 8 endpoint\(s\) through 6 entry point\(s\), 1 storage account\(s\)\./);
    expect(r.stdout).toMatch(/vm-jump01 +10\.0\.3\.4 +public IP pip-vm-jump01 \(51\.105\.164\.23\) +Tcp +3389 +any \(Internet\)/);
    expect(r.stdout).toContain('NAT rule lb-legacy-public/nat-ssh-vm-legacy01 51.124.78.190:50022 -> 22');
    expect(r.stdout).toContain('Caveats:');
  });

  it('usage errors exit 2', async () => {
    const r = await run(['exposure', SAMPLE, '--from', 'mars']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--from mars: expected internet or onprem');
    expect((await run(['exposure'])).code).toBe(2);
  });

  it('--help lists every flag and an example', async () => {
    const r = await run(['exposure', '--help']);
    expect(r.code).toBe(0);
    for (const f of ['--from', '--json', '--service-tags', '--quiet']) expect(r.stdout).toContain(f);
    expect(r.stdout).toMatch(/Examples?:\n  \$ ztpath exposure /);
  });
});
