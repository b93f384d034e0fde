// JSON output: 2-space indented, one trailing newline. Key order is the order the engine builds
// its answers in (the Network Watcher field order), which is deterministic.

const replacer = (_k: string, v: unknown): unknown => (v instanceof Map ? Object.fromEntries(v) : v instanceof Set ? [...v] : v);

export function renderJson(value: unknown): string {
  return JSON.stringify(value, replacer, 2) + '\n';
}

/** Items of a top-level array written per write (a few MB each at most). */
const CHUNK_ITEMS = 2000;

/** A list that makes its items when read (core's MatrixCells): `length` and `at(i)`, an array in JSON. */
interface LazyList {
  readonly length: number;
  at(index: number): unknown;
}

function isLazyList(v: unknown): v is LazyList {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as LazyList).length === 'number' && typeof (v as LazyList).at === 'function' && typeof (v as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * The same text as `renderJson(object)`, written piece by piece: the top-level arrays item by item
 * in chunks. An answer with millions of items (the subnet matrix of a large estate) is gigabytes of
 * JSON, longer than the longest string V8 can build, so it cannot be rendered as one string. A
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
    for (let start = 0; start < list.length; start += CHUNK_ITEMS) {
      const end = Math.min(list.length, start + CHUNK_ITEMS);
      const parts: string[] = [];
      for (let j = start; j < end; j++) {
        // JSON.stringify turns an undefined or function item into null; so does renderJson.
        const text = JSON.stringify(replacer(String(j), item(j)), replacer, 2) ?? 'null';
        parts.push(`    ${indented(text, '    ')}`);
      }
      await write(parts.join(',\n') + (end < list.length ? ',\n' : '\n'));
    }
    await write(`  ]${tail}`);
  }
  await write('}\n');
}
