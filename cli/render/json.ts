// JSON output: 2-space indented, one trailing newline. Key order is the order the engine builds
// its answers in (the Network Watcher field order), which is deterministic.

const replacer = (_k: string, v: unknown): unknown => (v instanceof Map ? Object.fromEntries(v) : v instanceof Set ? [...v] : v);

export function renderJson(value: unknown): string {
  return JSON.stringify(value, replacer, 2) + '\n';
}

/**
 * About how many characters of a top-level array's items are joined per write. Small enough that
 * each piece is an ordinary young string (V8 puts strings over ~128 KB in pages of their own, which
 * this machine charges ~4 ms per MB to touch): one string of the whole answer, as JSON.stringify
 * builds it, is tens of MB for ztpath blast on tier L, and is copied once more when written.
 */
const CHUNK_CHARS = 1 << 16;

/** A list that makes its items when read (core's MatrixCells): `length` and `at(i)`, an array in JSON. */
interface LazyList {
  readonly length: number;
  at(index: number): unknown;
}

function isLazyList(v: unknown): v is LazyList {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as LazyList).length === 'number' && typeof (v as LazyList).at === 'function' && typeof (v as { toJSON?: unknown }).toJSON === 'function';
}

/** How a long answer goes to stdout piece by piece: waiting for the pipe to drain when the io can. */
export function stdoutWriter(io: { stdout(s: string): void; stdoutDrained?(s: string): Promise<void> }): (text: string) => void | Promise<void> {
  return io.stdoutDrained ? io.stdoutDrained.bind(io) : io.stdout.bind(io);
}

/**
 * The same text as `renderJson(object)`, written piece by piece: the top-level arrays item by item
 * in chunks. An answer with millions of items (the subnet matrix of a large estate) is gigabytes of
 * JSON, longer than the longest string V8 can build, so it cannot be rendered as one string; one
 * with tens of thousands (a blast radius) is written faster this way (see CHUNK_CHARS). A
 * top-level list that makes its items on demand (`length`, `at` and `toJSON`, as the matrix's cells)
 * is written item by item the same way, without making the whole array.
 */
export async function writeJson(object: Record<string, unknown>, write: (text: string) => void | Promise<void>): Promise<void> {
  const indented = (text: string, pad: string): string => text.replace(/\n/g, `\n${pad}`);
  const entries = Object.entries(object).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (!entries.length) {
    await write('{}\n');
    return;
  }
  await write('{\n');
  for (const [i, [key, value]] of entries.entries()) {
    const head = `  ${JSON.stringify(key)}: `;
    const tail = i < entries.length - 1 ? ',\n' : '\n';
    const list = Array.isArray(value) || isLazyList(value) ? value : undefined;
    if (list === undefined || list.length === 0) {
      await write(head + indented(JSON.stringify(value, replacer, 2), '  ') + tail);
      continue;
    }
    await write(`${head}[\n`);
    const item = Array.isArray(list) ? (j: number) => list[j] : (j: number) => list.at(j);
    let parts: string[] = [];
    let chars = 0;
    for (let j = 0; j < list.length; j++) {
      // JSON.stringify turns an undefined or function item into null; so does renderJson.
      const text = JSON.stringify(replacer(String(j), item(j)), replacer, 2) ?? 'null';
      const part = `    ${indented(text, '    ')}`;
      parts.push(part);
      chars += part.length;
      const last = j === list.length - 1;
      if (chars >= CHUNK_CHARS || last) {
        await write(parts.join(',\n') + (last ? '\n' : ',\n'));
        parts = [];
        chars = 0;
      }
    }
    await write(`  ]${tail}`);
  }
  await write('}\n');
}
