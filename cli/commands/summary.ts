// `ztpath summary PATHS`: what was imported — counts per resource type, rules and routes, the
// resources ztpath cannot model yet, every diagnostic, and where service tags came from.

import { formatDiagnostic, summarizeSnapshot } from '../../core/index.ts';
import { type Command, JSON_FLAG, QUIET_FLAG, SERVICE_TAGS_FLAG } from '../command.ts';
import { loadForCommand } from '../common.ts';
import { renderJson } from '../render/json.ts';
import { paint, renderTable, useColor } from '../render/table.ts';

export const summaryCommand: Command = {
  name: 'summary',
  summary: 'what was imported: counts per resource type, unsupported resources, diagnostics',
  usage: ['summary PATHS... [--service-tags FILE] [--json]'],
  description: [
    'Reads every *.json below the PATHS and reports what the importer made of it. Diagnostics',
    '(skipped or misunderstood input) are listed one per line as file:line:col: severity code: message.',
    '',
    'Exit codes: 0 when the input was read, even if it has error diagnostics (they are the answer);',
    '2 when nothing could be read (a missing path, a folder without JSON files, no resources at all).',
  ],
  flags: [SERVICE_TAGS_FLAG, JSON_FLAG, QUIET_FLAG],
  examples: ['summary examples/hub-spoke', 'summary exports/ --service-tags ServiceTags_Public_20250512.json --json'],
  async run(args, io) {
    const { snapshot, json } = await loadForCommand(this, args, io, { reportDiagnostics: false });
    const s = summarizeSnapshot(snapshot);
    if (json) {
      io.stdout(renderJson(s));
      return 0;
    }
    const color = useColor(io);
    const out: string[] = [];
    out.push(`Read ${s.files} file${s.files === 1 ? '' : 's'}.`, '');
    const rows = Object.entries(s.counts)
      .filter(([, n]) => n > 0)
      .map(([type, n]) => [type, String(n)]);
    rows.push(['securityRules (user, in NSGs)', String(s.securityRules)], ['routes (in route tables)', String(s.routes)]);
    out.push(renderTable([{ header: 'Resource type' }, { header: 'Count', align: 'right' }], rows, { color }).trimEnd());
    if (s.unsupported.length) {
      out.push('', 'Not modelled (read and counted, not used in answers):');
      out.push(renderTable([{ header: 'Type' }, { header: 'Count', align: 'right' }], s.unsupported.map((u) => [u.type, String(u.count)]), { color, indent: '  ' }).trimEnd());
    }
    out.push('');
    if (s.serviceTags) out.push(`Service tags: ${s.serviceTags.origin} (${s.serviceTags.tags} tags${s.serviceTags.changeNumber !== undefined ? `, change number ${s.serviceTags.changeNumber}` : ''})`);
    else out.push('Service tags: not loaded; tags other than VirtualNetwork, Internet and AzureLoadBalancer are approximated (pass --service-tags FILE)');
    out.push('');
    const d = s.diagnostics;
    out.push(`Diagnostics: ${d.errors} error${d.errors === 1 ? '' : 's'}, ${d.warnings} warning${d.warnings === 1 ? '' : 's'}, ${d.infos} info`);
    for (const diag of d.list) {
      const tone = diag.severity === 'error' ? 'bad' : diag.severity === 'warning' ? 'warn' : 'dim';
      out.push(`  ${paint(formatDiagnostic(diag), tone, color)}`);
    }
    io.stdout(out.join('\n') + '\n');
    return 0;
  },
};
