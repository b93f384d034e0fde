// The CLI reads input files through one reused buffer (cli/text-reader.ts). Its text must be
// readFileSync(file, 'utf8')'s, byte for byte: the same decoding of odd bytes, nothing left over
// from a larger file read before, files whose size the file system does not tell read to the end.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readText } from '../../cli/load-snapshot.ts';
import { TextReader } from '../../cli/text-reader.ts';
import { CliError } from '../../cli/io.ts';
import { run } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ztpath-text-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: Buffer | string): string {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
}

describe('TextReader', () => {
  it('decodes as readFileSync does: a byte-order mark kept, multi-byte characters, invalid bytes as U+FFFD', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"name": "vnet-æøå-日本-😀", "x": "'),
      Buffer.from([0xc3, 0x28, 0xff, 0xe2, 0x82, 0x20, 0xf0, 0x9f]),
      Buffer.from('"}\n'),
      Buffer.from([0xe2, 0x82]),
    ]);
    const f = file('odd.json', bytes);
    const text = new TextReader().read(f);
    expect(text).toBe(readFileSync(f, 'utf8'));
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('\ufffd');
    expect(text).toContain('😀');
  });

  it('one reader, files large then small then empty: each text is its own file, nothing left from the one before', () => {
    const big = file('big.json', JSON.stringify({ value: Array.from({ length: 20_000 }, (_, i) => ({ id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-${i}` })) }));
    const small = file('small.json', '{"value": []}');
    const empty = file('empty.json', '');
    const reader = new TextReader();
    expect(readFileSync(big).length).toBeGreaterThan(1 << 20);
    for (const f of [big, small, empty, big, small]) expect(reader.read(f)).toBe(readFileSync(f, 'utf8'));
    // The bytes the importer is given: exactly the file's, in a view of the one buffer.
    for (const f of [big, small, empty, big]) expect(Buffer.from(reader.readBytes(f)).equals(readFileSync(f))).toBe(true);
    const view = reader.readBytes(big);
    reader.readBytes(small);
    expect(Buffer.from(view.subarray(0, 13)).toString()).toBe('{"value": []}'); // the next read wrote over it
    reader.release();
    expect(reader.read(small)).toBe('{"value": []}');
  });

  it.runIf(existsSync('/proc/self/cmdline'))('a file whose size the file system gives as 0 (/proc) is read to its end', () => {
    expect(new TextReader().read('/proc/self/cmdline')).toBe(readFileSync('/proc/self/cmdline', 'utf8'));
    expect(readFileSync('/proc/self/cmdline', 'utf8').length).toBeGreaterThan(0);
  });

  const hasMkfifo = process.platform === 'linux' && (() => {
    try {
      execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.runIf(hasMkfifo)('a pipe longer than the first buffer is read to its end (the buffer grows and keeps what was read)', async () => {
    const content = 'x'.repeat(50_000) + 'é'.repeat(100_000) + 'end';
    const source = file('pipe-source.txt', content);
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', source, fifo], { stdio: 'ignore' });
    const done = new Promise<void>((resolve) => writer.on('exit', () => resolve()));
    expect(new TextReader().read(fifo)).toBe(content);
    await done;
  });

  it('errors are the fs errors, which readText turns into a CliError naming the file', () => {
    expect(() => new TextReader().read(path.join(dir, 'missing.json'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => readText(dir, 'the-folder')).toThrow(CliError);
    expect(() => readText(dir, 'the-folder')).toThrow('cannot read the-folder: is a folder');
    expect(() => readText(path.join(dir, 'missing.json'), 'missing.json')).toThrow('cannot read missing.json: no such file or folder');
  });

  it('the CLI reads an estate through it: a file with a byte-order mark and a missing one', async () => {
    const f = file('bom-vnet.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-bom', name: 'vnet-bom', type: 'Microsoft.Network/virtualNetworks', location: 'westeurope', properties: { addressSpace: { addressPrefixes: ['10.9.0.0/16'] }, subnets: [] } }))]));
    const r = await run(['summary', f, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).counts.virtualNetworks).toBe(1);
    const missing = await run(['summary', f, path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json');
  });
});
