// The CLI's usage surface: --help for every verb, --version, and clear usage errors (exit 2).

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS, PLANNED } from '../../cli/main.ts';
import { REPO, STACK_LINE, fakeIo, run } from './helpers.ts';
import { main } from '../../cli/main.ts';

/** The flags CONTRACT.md (and the brief) name for each verb. */
const CONTRACT_FLAGS: Record<string, string[]> = {
  summary: ['--json', '--service-tags'],
  routes: ['--nic', '--subnet', '--json'],
  rules: ['--nic', '--json'],
  verify: ['--nic', '--direction', '--protocol', '--local', '--remote', '--json'],
  'next-hop': ['--nic', '--dest', '--source-ip', '--json'],
  synth: ['--tier', '--seed', '--out', '--json'],
  tour: ['--json', '--service-tags'],
  trace: ['--from', '--to', '--protocol', '--port', '--src-port', '--via-public-ip', '--endpoint', '--json'],
  reach: ['--from', '--to', '--json'],
  firewall: ['--firewall', '--source', '--dest', '--fqdn', '--protocol', '--port', '--json'],
  // The analysis verbs (DESIGN.md "Questions", README), as scripts and CI pipelines call them.
  exposure: ['--from', '--service-tags', '--json'],
  blast: ['--from', '--ports', '--depth', '--critical', '--service-tags', '--json'],
  matrix: ['--by', '--ports', '--csv', '--service-tags', '--json'],
  findings: ['--format', '--fail-on', '--blast', '--only', '--service-tags', '--json'],
  check: ['--policy', '--format', '--service-tags', '--json'],
  diff: ['--before', '--after', '--fail-on', '--format', '--full', '--no-traces', '--no-findings', '--service-tags', '--json'],
  whatif: ['--change', '--fail-on', '--format', '--full', '--no-traces', '--no-findings', '--service-tags', '--json'],
};

describe('every verb: its help against the flags it accepts', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s', async (verb, c) => {
    const accepted = c.flags.map((f) => `--${f.name}`);
    // The contract's flags are flags the parser accepts, not only words in the help text.
    for (const f of CONTRACT_FLAGS[verb] ?? []) expect(accepted, `${verb} accepts ${f}`).toContain(f);
    const r = await run([verb, '--help']);
    expect(r.code).toBe(0);
    // Each accepted flag has its own line in the flag list.
    for (const f of accepted) expect(r.stdout, `${verb} --help lists ${f}`).toMatch(new RegExp(`^  (-\\w, )?\\s*${f}\\b`, 'm'));
  });
});

describe('ztpath --help', () => {
  it('lists every verb with a one-line description', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const verb of Object.keys(CONTRACT_FLAGS)) expect(r.stdout).toMatch(new RegExp(`^  ${verb} +\\S.*$`, 'm'));
    // Every verb is listed; the contract's verbs are all there (more may be added).
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c.name} +\\S.*$`, 'm'));
    expect(COMMANDS.map((c) => c.name)).toEqual(expect.arrayContaining(Object.keys(CONTRACT_FLAGS)));
  });

  it('prints the version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ztpath \d+\.\d+\.\d+\n$/);
  });

  it('with no verb prints the help on stderr and exits 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: ztpath VERB');
  });
});

describe.each(Object.entries(CONTRACT_FLAGS))('ztpath %s --help', (verb, flags) => {
  it('exits 0 and shows usage, every flag and an example', async () => {
    for (const argv of [[verb, '--help'], [verb, '-h'], ['help', verb], [verb, 'some/path', '--bogus', '--help']]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`ztpath ${verb}`);
      expect(r.stdout).toContain('Usage:');
      expect(r.stdout).toMatch(/Examples?:\n  \$ ztpath /);
      for (const f of flags) expect(r.stdout, `${verb} --help mentions ${f}`).toContain(f);
    }
  });

  it('rejects an unknown flag with exit 2, a message and a --help hint, nothing on stdout', async () => {
    const r = await run([verb, 'examples/hub-spoke', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--no-such-flag');
    expect(r.stderr).toContain(`ztpath ${verb} --help`);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});

describe('usage errors', () => {
  it('unknown verb: exit 2, suggestion, hint', async () => {
    const r = await run(['rotues', 'examples/hub-spoke']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown verb 'rotues'");
    expect(r.stderr).toContain("did you mean 'routes'");
    expect(r.stderr).toContain('ztpath --help');
  });

  it('a planned verb says it is not available yet', async () => {
    const planned = PLANNED.find((v) => !COMMANDS.some((c) => c.name === v));
    if (!planned) return; // every designed verb exists
    const r = await run([planned, 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`'${planned}' is not available`);
  });

  it('missing required flags name the flag', async () => {
    const cases: [string[], string][] = [
      [['rules', 'examples/hub-spoke'], '--nic'],
      [['routes', 'examples/hub-spoke'], '--nic REF or --subnet'],
      [['verify', 'examples/hub-spoke', '--nic', 'vm-web01'], '--direction'],
      [['verify', 'examples/hub-spoke', '--nic', 'vm-web01', '--direction', 'Inbound', '--protocol', 'TCP', '--local', '10.1.1.4:22'], '--remote'],
      [['next-hop', 'examples/hub-spoke', '--nic', 'vm-web01'], '--dest'],
      [['synth', '--tier', 'S', '--seed', '1'], '--out'],
      [['summary'], 'missing PATHS'],
    ];
    for (const [argv, text] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(text);
      expect(r.stderr).toContain('--help');
    }
  });

  it('bad flag values: exit 2 with the reason', async () => {
    const base = ['verify', 'examples/hub-spoke', '--nic', 'vm-web01'];
    const ok = { direction: 'Inbound', protocol: 'TCP', local: '10.1.1.4:22', remote: '10.0.3.4:50000' };
    const cases: [Partial<typeof ok>, string][] = [
      [{ direction: 'sideways' }, 'expected Inbound or Outbound'],
      [{ protocol: 'icmp' }, 'expected TCP or UDP'],
      [{ local: '10.1.1.4' }, 'expected IP:PORT'],
      [{ local: '10.1.1.4:70000' }, 'not a port number'],
      [{ remote: 'example.com:443' }, 'not an IPv4 address'],
    ];
    for (const [bad, text] of cases) {
      const f = { ...ok, ...bad };
      const r = await run([...base, '--direction', f.direction, '--protocol', f.protocol, '--local', f.local, '--remote', f.remote]);
      expect(r.code, JSON.stringify(bad)).toBe(2);
      expect(r.stderr).toContain(text);
    }
    const nv = await run(['rules', 'examples/hub-spoke', '--nic']);
    expect(nv.code).toBe(2);
    expect(nv.stderr).toContain('flag --nic needs a value');
    const tier = await run(['synth', '--tier', 'Q', '--seed', '1', '--out', '/tmp/x']);
    expect(tier.code).toBe(2);
    expect(tier.stderr).toContain('expected one of S, M, L, XL');
  });

  it('an unexpected exception is an internal error: one line, exit 2, stack only with ZTPATH_DEBUG=1', async () => {
    const io = fakeIo();
    io.stdout = () => {
      throw new Error('disk on fire');
    };
    expect(await main(['--version'], io)).toBe(2);
    const err = io.err.join('');
    expect(err).toMatch(/^ztpath: internal error: disk on fire\n/);
    expect(err).not.toMatch(STACK_LINE);
    const dbg = fakeIo({ env: { ZTPATH_DEBUG: '1' } });
    dbg.stdout = io.stdout;
    expect(await main(['--version'], dbg)).toBe(2);
    expect(dbg.err.join('')).toMatch(STACK_LINE);
  });
});

describe('bin/ztpath.js as a real process', () => {
  it('runs --help (exit 0) and reports usage errors with exit code 2', async () => {
    const exec = promisify(execFile);
    const r = await exec(process.execPath, ['bin/ztpath.js', '--help'], { cwd: REPO });
    expect(r.stdout).toContain('Usage: ztpath VERB');
    for (const verb of Object.keys(CONTRACT_FLAGS)) expect(r.stdout).toContain(`  ${verb} `);
    const bad = await exec(process.execPath, ['bin/ztpath.js', 'no-such-verb'], { cwd: REPO }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown verb 'no-such-verb'");
  });
});
