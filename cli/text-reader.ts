// Input files as bytes or UTF-8 text, read through one buffer that is reused from file to file.
//
// readFileSync(file, 'utf8') reads each file into fresh memory and then decodes it into a string,
// fresh memory too. On some machines ztpath is measured on, memory costs ~4-5 ms per MB the first
// time it is written (bench/RESULTS.md, "fresh memory"; ~0.6 on others), so the bytes of a 250 MB estate cost as
// much again as its text. Reading every file into one buffer that grows to the largest file and
// decoding from there leaves only the text's own memory: tier L read in the CLI's way (each file
// read, then imported) took 1.29-1.40 s against 1.66-1.73 s with readFileSync, four runs each,
// alternately. The text of a UTF-8 file is readFileSync's, odd bytes included (invalid sequences
// become U+FFFD, a byte-order mark is kept): a test compares the two on such files.
//
// The importer is given the bytes themselves (readBytes) and decodes only the pieces it parses, so
// the text of a large file is never made at all: see importer/list-text.ts.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { decodeText } from '../importer/index.ts';

const MIN_CAPACITY = 1 << 16;

export class TextReader {
  private buffer: Buffer | undefined;

  /**
   * The file's whole content as text: UTF-8, or UTF-16/UTF-32 when its byte-order mark or its first
   * bytes say so (importer decodeText: Windows PowerShell writes redirected output as UTF-16LE).
   * Errors are those of the fs calls (code ENOENT, EISDIR...).
   */
  read(file: string): string {
    return decodeText(this.readBytes(file));
  }

  /**
   * The file's whole content as bytes: a view of the reused buffer, valid until the next read.
   * The importer takes these (ImportSession.addDocument) and decodes only what it reads, item by
   * item, so a large file never becomes one string (importer/list-text.ts says why that matters).
   */
  readBytes(file: string): Uint8Array {
    const fd = openSync(file, 'r');
    try {
      // The size is a hint: a file that grows while it is read, or a pipe (size 0), is read to its end.
      let buf = this.capacity(fstatSync(fd).size + 1);
      let length = 0;
      for (;;) {
        if (length === buf.length) buf = this.grow(length);
        const n = readSync(fd, buf, length, buf.length - length, null);
        if (n === 0) break;
        length += n;
      }
      return buf.subarray(0, length);
    } finally {
      closeSync(fd);
    }
  }

  /** Let the buffer go (it is as large as the largest file read) when no more files follow. */
  release(): void {
    this.buffer = undefined;
  }

  private capacity(bytes: number): Buffer {
    if (this.buffer === undefined || this.buffer.length < bytes) this.buffer = Buffer.allocUnsafe(Math.max(bytes, MIN_CAPACITY));
    return this.buffer;
  }

  /** A buffer twice as large holding the `length` bytes read so far. */
  private grow(length: number): Buffer {
    const next = Buffer.allocUnsafe(Math.max(length * 2, MIN_CAPACITY));
    this.buffer!.copy(next, 0, 0, length);
    this.buffer = next;
    return next;
  }
}
