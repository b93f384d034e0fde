// `ztpath tour [PATHS]` (what `npm start` runs): a newcomer's walk through the sample estate. Each
// step is the exact command a user would type, printed as `$ ztpath ...` and run through main(), so
// the tour can never show an answer the CLI would not give.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Command, boolFlag, stringFlag } from '../command.ts';
import type { CliIo } from '../io.ts';
import { displayPath, loadSnapshot } from '../load-snapshot.ts';
import { renderJson } from '../render/json.ts';
import { paint, useColor } from '../render/table.ts';
import { repoPath } from '../paths.ts';

export interface TourStep {
  title: string;
  /** What to look for in the answer. */
  note?: string;
  argv: string[];
}

const EXAMPLES = repoPath('examples');
export const SAMPLE_ESTATE = path.join(EXAMPLES, 'hub-spoke');
export const SAMPLE_SERVICE_TAGS = path.join(EXAMPLES, 'service-tags');

/**
 * The tour of examples/hub-spoke. The flows come from examples/README.md (its planted mistakes
 * and expected flows), so a newcomer sees the answers that matter on that estate.
 */
export function sampleTourSteps(paths: string[], extra: string[]): TourStep[] {
  const verify = (nic: string, dir: string, local: string, remote: string) => ['verify', ...paths, '--nic', nic, '--direction', dir, '--protocol', 'TCP', '--local', local, '--remote', remote, ...extra];
  return [
    {
      title: 'What the sample holds',
      note: 'A hub (Azure Firewall 10.0.1.4, VPN gateway, Bastion, jump box) peered with web, app and data spokes,\nplus a legacy VNet peered straight to the data spoke. examples/README.md tells its story and its seven planted mistakes.',
      argv: ['summary', ...paths, ...extra],
    },
    {
      title: 'Effective routes of a web server',
      note: "rt-web's user route 0.0.0.0/0 -> VirtualAppliance 10.0.1.4 (the hub firewall) makes the default Internet route Invalid.",
      argv: ['routes', ...paths, '--nic', 'vm-web01', ...extra],
    },
    {
      title: 'Where does an app server send internet traffic?',
      note: 'Next hop from vm-app01 to a public address: the hub firewall.',
      argv: ['next-hop', ...paths, '--nic', 'vm-app01', '--dest', '93.184.216.34', ...extra],
    },
    {
      title: 'And a batch server in the same VNet? (mistake 3)',
      note: 'snet-batch has no route table: the system route sends its internet traffic out directly, skipping the firewall.',
      argv: ['next-hop', ...paths, '--nic', 'vm-batch01', '--dest', '93.184.216.34', ...extra],
    },
    {
      title: 'Can the internet RDP to the jump box? (mistake 1)',
      note: 'IP flow verify at vm-jump01 for TCP 3389 from an internet address.',
      argv: verify('vm-jump01', 'Inbound', '10.0.3.4:3389', '198.51.100.7:50123'),
    },
    {
      title: 'Effective security rules of a SQL server',
      note: 'Look at nsg-db: Allow-Internal-Any (200) comes before Deny-Legacy-Sql (300).',
      argv: ['rules', ...paths, '--nic', 'vm-sql01', ...extra],
    },
    {
      title: 'Does the legacy VNet reach SQL? (mistakes 5 and 6)',
      note: 'vm-legacy03 (10.9.1.6) to vm-sql01:1433. The deny at 300 is shadowed by the allow at 200.',
      argv: verify('vm-sql01', 'Inbound', '10.3.1.4:1433', '10.9.1.6:49152'),
    },
    {
      title: '...and does that traffic pass the firewall?',
      note: 'The legacy VNet is peered directly with the data spoke: the next hop is the peering, not 10.0.1.4.',
      argv: ['next-hop', ...paths, '--nic', 'vm-legacy03', '--dest', '10.3.1.4', ...extra],
    },
    {
      title: 'What lets the web tier into the app tier? (mistake 7)',
      note: 'nsg-app has no inbound rule for the web tier: a default rule decides, because the 0.0.0.0/0 user route\nputs every address into snet-app\'s VirtualNetwork tag (rule 4.1; see the caveat).',
      argv: verify('vm-app01', 'Inbound', '10.2.1.4:8443', '10.1.1.4:50000'),
    },
  ];
}

/** For an estate other than the sample: what was imported, then routes and rules of one NIC. */
async function genericTourSteps(paths: string[], extra: string[], io: CliIo): Promise<TourStep[]> {
  const steps: TourStep[] = [{ title: 'What the input holds', argv: ['summary', ...paths, ...extra] }];
  const snapshot = await loadSnapshot(paths, { silent: true, reportDiagnostics: false, serviceTags: undefined }, io).catch(() => undefined);
  const nics = snapshot ? [...snapshot.networkInterfaces.values()].filter((n) => n.ipConfigurations.some((c) => c.privateIp && c.subnetId) && !n.privateEndpointId) : [];
  const count = new Map<string, number>();
  for (const n of nics) count.set(n.name.toLowerCase(), (count.get(n.name.toLowerCase()) ?? 0) + 1);
  // Prefer a NIC whose name is unique (the command reads better); else name it by its id.
  const nic = nics.sort((a, b) => Number(count.get(a.name.toLowerCase())! > 1) - Number(count.get(b.name.toLowerCase())! > 1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0];
  if (nic) {
    const ref = count.get(nic.name.toLowerCase())! > 1 ? nic.displayId : nic.name;
    steps.push({ title: `Effective routes of ${nic.name}`, argv: ['routes', ...paths, '--nic', ref, ...extra] });
    steps.push({ title: `Effective security rules of ${nic.name}`, argv: ['rules', ...paths, '--nic', ref, ...extra] });
  }
  return steps;
}

function shellQuote(a: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

function sameFolder(a: string, b: string): boolean {
  try {
    return statSync(a).isDirectory() && path.relative(path.resolve(a), path.resolve(b)) === '';
  } catch {
    return false;
  }
}

export const tourCommand: Command = {
  name: 'tour',
  summary: 'a guided tour: what the sample estate holds and the key answers, command by command',
  usage: ['tour [PATHS...] [--service-tags FILE] [--json]'],
  description: [
    'Runs a few verbs on the sample estate (default: examples/hub-spoke, with examples/service-tags/',
    'when that folder exists), printing each command before its answer so you can rerun and vary it.',
    'With other PATHS it shows their summary and the routes and rules of one NIC.',
    '--json prints [{title, command, exitCode, answer}] with each answer in its verb\'s JSON shape.',
    '',
    'Exit codes: 0 when every step succeeded, else the first failing step\'s exit code.',
  ],
  flags: [
    { name: 'service-tags', type: 'string', value: 'FILE', description: 'Service Tags JSON (default: examples/service-tags/ when present)' },
    { name: 'json', type: 'boolean', description: 'print every step\'s answer as JSON instead of text' },
  ],
  examples: ['tour', 'tour examples/hub-spoke'],
  async run(args, io) {
    const json = boolFlag(args, 'json');
    const given = args.positionals;
    const sample = given.length === 0 || (given.length === 1 && sameFolder(path.resolve(io.cwd, given[0]), SAMPLE_ESTATE));
    const paths = given.length ? given : [displayPath(io, SAMPLE_ESTATE)];
    const tags = stringFlag(args, 'service-tags') ?? (existsSync(SAMPLE_SERVICE_TAGS) ? displayPath(io, SAMPLE_SERVICE_TAGS) : undefined);
    const extra = tags ? ['--service-tags', tags] : [];
    const steps = sample ? sampleTourSteps(paths, extra) : await genericTourSteps(paths, extra, io);
    const { main } = await import('../main.ts');
    const color = useColor(io);
    let code = 0;
    const results: { title: string; command: string; exitCode: number; answer?: unknown; error?: string }[] = [];
    for (const [i, step] of steps.entries()) {
      const command = ['ztpath', ...step.argv].map(shellQuote).join(' ');
      if (json) {
        let out = '';
        let err = '';
        const sub: CliIo = { ...io, isTTY: false, stderrIsTTY: false, stdout: (s) => void (out += s), stderr: (s) => void (err += s) };
        const c = await main([...step.argv, '--json'], sub);
        let answer: unknown;
        try {
          answer = out ? JSON.parse(out) : undefined;
        } catch {
          answer = out;
        }
        results.push({ title: step.title, command: `${command} --json`, exitCode: c, ...(answer !== undefined ? { answer } : {}), ...(err ? { error: err.trim() } : {}) });
        if (c !== 0 && code === 0) code = c;
        continue;
      }
      io.stdout(`${i ? '\n' : ''}${paint(`${i + 1}. ${step.title}`, 'bold', color)}\n`);
      if (step.note) io.stdout(`${step.note}\n`);
      io.stdout(`\n${paint(`$ ${command}`, 'dim', color)}\n`);
      const c = await main(step.argv, { ...io, stderrIsTTY: false });
      if (c !== 0 && code === 0) code = c;
    }
    if (json) io.stdout(renderJson(results));
    else io.stdout(`\nThat's the tour. Every command above works on your own exports: ztpath VERB --help shows its flags.\n`);
    return code;
  },
};
