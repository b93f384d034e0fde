// The report's single HTML file: the built page with its stylesheet, its script and the engine
// inlined, the precomputed answers and the engine's input as JSON data blocks, and a
// Content-Security-Policy (meta tag) that allows exactly those two scripts (by hash) and no
// connection at all.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { WebBuild } from './web-build.ts';
import type { EngineInput } from './web-engine.ts';

/** Text that can sit inside <script>...</script> without ending it early. */
export function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON inside <script type="application/json">: no `<` at all (so no tag, no comment). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function reportCsp(scriptHashes: string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scriptHashes.join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "connect-src 'none'",
    "font-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export async function buildReportHtml(build: WebBuild, answers: Record<string, unknown>, input: EngineInput): Promise<string> {
  let html = await readFile(path.join(build.appDir, 'index.html'), 'utf8');
  const scriptTag = /<script type="module"[^>]*\ssrc="([^"]+)"[^>]*><\/script>\s*/;
  const cssTag = /<link rel="stylesheet"[^>]*\shref="([^"]+)"[^>]*>\s*/;
  const js = scriptTag.exec(html);
  const css = cssTag.exec(html);
  if (!js) throw new Error('the built page has no module script');
  const appJs = scriptSafe(await readFile(path.join(build.appDir, js[1]), 'utf8'));
  const styles = css ? (await readFile(path.join(build.appDir, css[1]), 'utf8')).replace(/<\/(style)/gi, '<\\/$1') : '';
  const engineJs = scriptSafe(await readFile(build.engineFile, 'utf8'));
  html = html.replace(scriptTag, '').replace(cssTag, '');
  const csp = reportCsp([sha256(engineJs), sha256(appJs)]);
  html = html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${csp}" />`);
  html = html.replace('<title>ztpath</title>', '<title>ztpath report</title>');
  html = html.replace('</head>', () => `    <style>${styles}</style>\n  </head>`);
  const tail = [
    `<script type="application/json" id="ztpath-answers">${jsonForScript(answers)}</script>`,
    `<script type="application/json" id="ztpath-inputs">${jsonForScript(input)}</script>`,
    `<script>${engineJs}</script>`,
    `<script type="module">${appJs}</script>`,
  ].join('\n');
  // A function replacement: `$` in the inlined text must stay as it is.
  return html.replace('</body>', () => `${tail}\n</body>`);
}
