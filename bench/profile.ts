// `npm run bench -- --tier L --profile DIR`: a CPU profile of each measurement (node:inspector, in
// the worker), written as DIR/<tier>-<measurement>.cpuprofile (open them in Chrome DevTools), and
// DIR/<tier>-hotspots.txt: per measurement, the functions with the most self and total time and
// the files with the most self time, mapped back to TypeScript file:line through the inline source
// maps tsx gives every module.

import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

// ---- source maps (only what is needed: VLQ "mappings" to original source and line) ----------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Map([...B64].map((c, i) => [c, i] as const));

/** [generatedColumn, sourceIndex, originalLine] per segment, per generated line. */
type Mappings = [number, number, number][][];

interface SourceMap {
  sources: string[];
  mappings: Mappings;
}

function decodeMappings(text: string): Mappings {
  const lines: Mappings = [];
  let source = 0;
  let origLine = 0;
  let origCol = 0;
  let name = 0;
  for (const lineText of text.split(';')) {
    const segs: [number, number, number][] = [];
    let genCol = 0;
    for (const seg of lineText.split(',')) {
      if (seg === '') continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64_VALUE.get(ch);
        if (digit === undefined) break;
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += values[0] ?? 0;
      if (values.length >= 4) {
        source += values[1] as number;
        origLine += values[2] as number;
        origCol += values[3] as number;
        if (values.length >= 5) name += values[4] as number;
        segs.push([genCol, source, origLine]);
      }
    }
    lines.push(segs);
  }
  return lines;
}

function parseSourceMapUrl(url: string | undefined): SourceMap | undefined {
  if (!url) return undefined;
  const m = /^data:application\/json[^,]*;base64,(.*)$/.exec(url);
  if (!m) return undefined;
  try {
    const raw = JSON.parse(Buffer.from(m[1] as string, 'base64').toString('utf8')) as { sources?: string[]; mappings?: string };
    if (!raw.sources || typeof raw.mappings !== 'string') return undefined;
    return { sources: raw.sources, mappings: decodeMappings(raw.mappings) };
  } catch {
    return undefined;
  }
}

function lookup(map: SourceMap, line: number, col: number): { source: string; line: number } | undefined {
  const segs = map.mappings[line];
  if (!segs || segs.length === 0) return undefined;
  let best = segs[0] as [number, number, number];
  for (const s of segs) {
    if (s[0] <= col) best = s;
    else break;
  }
  const source = map.sources[best[1]];
  return source === undefined ? undefined : { source, line: best[2] + 1 };
}

// ---- the profiler -----------------------------------------------------------------------------

export interface Hotspot {
  where: string;
  functionName: string;
  selfMs: number;
  totalMs: number;
}

export interface PhaseHotspots {
  name: string;
  sampledMs: number;
  topSelf: Hotspot[];
  topTotal: Hotspot[];
  files: { file: string; selfMs: number }[];
}

export class PhaseProfiler {
  private readonly session = new Session();
  private readonly sourceMapUrls = new Map<string, string | undefined>();
  private readonly maps = new Map<string, SourceMap | undefined>();
  readonly phases: PhaseHotspots[] = [];

  constructor(readonly dir: string, readonly prefix: string, readonly repoRoot: string) {}

  async open(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    this.session.connect();
    this.session.on('Debugger.scriptParsed', (m) => {
      this.sourceMapUrls.set(m.params.scriptId, m.params.sourceMapURL || undefined);
    });
    await this.session.post('Debugger.enable');
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: 200 });
  }

  async begin(): Promise<void> {
    await this.session.post('Profiler.start');
  }

  async end(name: string): Promise<PhaseHotspots> {
    const { profile } = await this.session.post('Profiler.stop');
    const p = profile as unknown as CpuProfile;
    writeFileSync(join(this.dir, `${this.prefix}-${name}.cpuprofile`), JSON.stringify(profile));
    const h = this.hotspots(name, p);
    this.phases.push(h);
    return h;
  }

  async close(): Promise<void> {
    await this.session.post('Profiler.disable');
    await this.session.post('Debugger.disable');
    this.session.disconnect();
    writeFileSync(join(this.dir, `${this.prefix}-hotspots.txt`), renderHotspots(this.phases));
  }

  private where(f: CallFrame): string {
    if (!f.url) return f.functionName.startsWith('(') ? f.functionName : '(native)';
    let map = this.maps.get(f.scriptId);
    if (!this.maps.has(f.scriptId)) this.maps.set(f.scriptId, (map = parseSourceMapUrl(this.sourceMapUrls.get(f.scriptId))));
    const mapped = map ? lookup(map, f.lineNumber, f.columnNumber) : undefined;
    const file = mapped ? mapped.source : f.url;
    const line = mapped ? mapped.line : f.lineNumber + 1;
    let path = file;
    if (path.startsWith('file://')) path = fileURLToPath(path);
    if (path.startsWith('/')) path = relative(this.repoRoot, path);
    return `${path}:${line}`;
  }

  private hotspots(name: string, p: CpuProfile): PhaseHotspots {
    const byId = new Map(p.nodes.map((n) => [n.id, n] as const));
    const selfUs = new Map<number, number>();
    const samples = p.samples ?? [];
    const deltas = p.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const id = samples[i] as number;
      selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, deltas[i + 1] ?? deltas[i] ?? 0));
    }
    const keyOf = new Map<number, string>();
    const info = new Map<string, { where: string; functionName: string; self: number; total: number }>();
    for (const n of p.nodes) {
      const where = this.where(n.callFrame);
      const fn = n.callFrame.functionName || '(anonymous)';
      const key = `${fn}@${where}`;
      keyOf.set(n.id, key);
      if (!info.has(key)) info.set(key, { where, functionName: fn, self: 0, total: 0 });
    }
    // Self time per frame; total time per frame counted once per stack (recursion is not doubled).
    const root = p.nodes[0];
    const active = new Map<string, number>();
    const stack: { id: number; entered: boolean }[] = root ? [{ id: root.id, entered: false }] : [];
    while (stack.length) {
      const top = stack[stack.length - 1] as { id: number; entered: boolean };
      const key = keyOf.get(top.id) as string;
      if (top.entered) {
        stack.pop();
        const c = (active.get(key) ?? 1) - 1;
        if (c === 0) active.delete(key);
        else active.set(key, c);
        continue;
      }
      top.entered = true;
      active.set(key, (active.get(key) ?? 0) + 1);
      const self = selfUs.get(top.id) ?? 0;
      if (self) {
        (info.get(key) as { self: number }).self += self;
        for (const k of active.keys()) (info.get(k) as { total: number }).total += self;
      }
      for (const c of byId.get(top.id)?.children ?? []) stack.push({ id: c, entered: false });
    }
    const all = [...info.values()].map((x) => ({ where: x.where, functionName: x.functionName, selfMs: x.self / 1000, totalMs: x.total / 1000 }));
    const files = new Map<string, number>();
    for (const x of all) {
      const file = x.where.replace(/:\d+$/, '');
      files.set(file, (files.get(file) ?? 0) + x.selfMs);
    }
    const sampledMs = [...selfUs.values()].reduce((a, b) => a + b, 0) / 1000;
    const skip = (x: Hotspot): boolean => x.functionName === '(root)' || x.functionName === '(program)' || x.functionName === '(idle)';
    return {
      name,
      sampledMs,
      topSelf: all.filter((x) => !skip(x)).sort((a, b) => b.selfMs - a.selfMs).slice(0, Number(process.env.HOT_N ?? 20)),
      topTotal: all.filter((x) => !skip(x) && !x.where.startsWith('node:') && x.where !== '(native)').sort((a, b) => b.totalMs - a.totalMs).slice(0, Number(process.env.HOT_N ?? 25)),
      files: [...files].map(([file, selfMs]) => ({ file, selfMs })).sort((a, b) => b.selfMs - a.selfMs).slice(0, 15),
    };
  }
}

function pct(ms: number, of: number): string {
  return of > 0 ? `${((100 * ms) / of).toFixed(1).padStart(5)}%` : '';
}

export function renderHotspots(phases: readonly PhaseHotspots[]): string {
  const out: string[] = [];
  for (const p of phases) {
    out.push(`== ${p.name}: ${p.sampledMs.toFixed(0)} ms sampled`, '', 'self time (top functions):');
    for (const h of p.topSelf) out.push(`  ${h.selfMs.toFixed(0).padStart(7)} ms ${pct(h.selfMs, p.sampledMs)}  ${h.functionName}  ${h.where}`);
    out.push('', 'total time (inclusive; project and library functions):');
    for (const h of p.topTotal) out.push(`  ${h.totalMs.toFixed(0).padStart(7)} ms ${pct(h.totalMs, p.sampledMs)}  ${h.functionName}  ${h.where}`);
    out.push('', 'self time by file:');
    for (const f of p.files) out.push(`  ${f.selfMs.toFixed(0).padStart(7)} ms ${pct(f.selfMs, p.sampledMs)}  ${f.file}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
