// An import session: documents go in one at a time (each text can be garbage-collected as soon
// as addDocument returns: only model objects are kept), and finish() returns the Snapshot with
// every diagnostic, including the cross-resource checks of core/model/validate.ts. A document may
// be given as the bytes of its file: a large list is then decoded item by item (list-text.ts).

import type { Snapshot } from '../core/model/index.ts';
import { validateSnapshot } from '../core/model/validate.ts';
import { assembleSnapshot } from './assemble.ts';
import { ImportContext } from './context.ts';
import { readDocument, readListDocument } from './envelope.ts';
import { ByteSource, TextSource, findListText, type ListSource } from './list-text.ts';
import { decodeAs, decodeUtf8, detectTextEncoding } from './text-encoding.ts';
import { parseJsonText } from './parse-json.ts';
import { Store } from './store.ts';

export interface ImportSession {
  /**
   * Read one document; problems become diagnostics, never exceptions. `text` is the document's
   * text, or the UTF-8 bytes of its file, read exactly as if they had been decoded first (a
   * byte-order mark and invalid sequences included); the bytes are not kept after the call, so the
   * caller may reuse their buffer.
   */
  addDocument(file: string, text: string | Uint8Array): void;
  /** Link everything read so far into a Snapshot and run the cross-resource checks. */
  finish(): Snapshot;
}

/**
 * How long a part of a large list document is (see list-text.ts): some 30 resources of tier L.
 * On one 12.5 MB file of tier L, 256 KB parts took 3x the time of 64 KB ones, and 64 KB parts
 * 0.75x the time of one JSON.parse of the whole text.
 */
const LIST_PART_CHARS = 64 * 1024;

export interface ImportSessionOptions {
  /** Part length for list documents read in parts (tests use small ones); documents shorter than two parts are read whole. */
  listPartChars?: number;
}

export function createImportSession(options: ImportSessionOptions = {}): ImportSession {
  const ctx = new ImportContext();
  const store = new Store(ctx);
  const partChars = Math.max(1, options.listPartChars ?? LIST_PART_CHARS);
  let result: Snapshot | undefined;

  /** Read a large list document in parts; false (nothing read) when it must be read whole. */
  const readInParts = (t: ListSource): boolean => {
    if (t.length < 2 * partChars) return false;
    const list = findListText(t);
    if (list === undefined) return false;
    store.beginDocument();
    let ok = false;
    try {
      ok = readListDocument(t, list, partChars, ctx, store);
    } finally {
      if (ok) store.commitDocument();
      else store.rollbackDocument();
    }
    return ok;
  };

  /** The document without a leading byte-order mark, for reading in parts. */
  const partSource = (doc: string | Uint8Array): ListSource => {
    if (typeof doc === 'string') return new TextSource(doc.charCodeAt(0) === 0xfeff ? doc.slice(1) : doc);
    return new ByteSource(doc[0] === 0xef && doc[1] === 0xbb && doc[2] === 0xbf ? doc.subarray(3) : doc);
  };

  return {
    addDocument(file: string, text: string | Uint8Array): void {
      if (result !== undefined) throw new Error('ImportSession.addDocument called after finish()');
      ctx.file = file;
      store.snap.files.push(file);
      try {
        // Callers outside TypeScript may pass anything: read it as text.
        const doc = utf8OrText(typeof text === 'string' || text instanceof Uint8Array ? text : String(text), ctx);
        if (!readInParts(partSource(doc))) {
          const parsed = parseJsonText(typeof doc === 'string' ? doc : decodeUtf8(doc), ctx);
          if (parsed.ok) readDocument(parsed.value, ctx, store);
        }
      } catch (e) {
        if (tooLongForAString(e)) {
          // A document that is not a list read item by item is decoded whole, and JavaScript strings
          // hold at most ~512 million characters (V8's limit).
          const mb = Math.round(text.length / 1048576);
          ctx.report('error', 'input.too-large', `the file (${mb} MB) is larger than one JavaScript string can hold (~512 MB of text) and is not a list read item by item; file skipped`, {
            hint: 'write it as a list, {"value": [...]} or [...] with one item per line (az ... list does), or split it into several files',
          });
        } else {
          ctx.report('error', 'internal.error', `could not read the file: ${e instanceof Error ? e.message : String(e)}`, {
            hint: 'this is a bug in the importer; please report it',
          });
        }
      } finally {
        ctx.file = '';
      }
    },

    finish(): Snapshot {
      if (result !== undefined) return result;
      let snapshot: Snapshot;
      try {
        snapshot = assembleSnapshot(store, ctx);
        if (isEmpty(snapshot)) {
          ctx.report('error', 'input.empty', `no Azure resources were found in ${describeFiles(snapshot.files)}`, {
            hint: 'pass exported resources: az network ... list, an Azure Resource Graph query, or REST GET responses',
          });
        }
        ctx.diagnostics.push(...validateSnapshot(snapshot));
      } catch (e) {
        snapshot = store.snap;
        ctx.report('error', 'internal.error', `could not finish the import: ${e instanceof Error ? e.message : String(e)}`, {
          hint: 'this is a bug in the importer; please report it',
        });
      }
      snapshot.diagnostics = ctx.diagnostics;
      result = snapshot;
      // Nothing is read after finish(): let the memo tables and the store's indexes go now rather
      // than when the caller drops the session.
      ctx.releaseMemos();
      store.release();
      return snapshot;
    },
  };
}

/** Node's ERR_STRING_TOO_LONG, or the RangeError browsers throw for a string past their limit. */
function tooLongForAString(e: unknown): boolean {
  return (e instanceof Error && 'code' in e && e.code === 'ERR_STRING_TOO_LONG') || (e instanceof RangeError && /string length/i.test(e.message));
}

/**
 * The document as UTF-8 bytes or text: bytes in UTF-16 or UTF-32 (Windows PowerShell's `>` writes
 * UTF-16LE) are decoded here, whole, with an info saying so (text-encoding.ts).
 */
function utf8OrText(doc: string | Uint8Array, ctx: ImportContext): string | Uint8Array {
  if (typeof doc === 'string') return doc;
  const encoding = detectTextEncoding(doc);
  if (encoding === 'utf-8') return doc;
  const name = encoding.toUpperCase();
  ctx.report('info', 'json.encoding', `the file is ${name}, not UTF-8; read as ${name}`, {
    hint: 'JSON files should be UTF-8: Windows PowerShell 5.1 writes `>` and Out-File output as UTF-16LE; use `| Out-File -Encoding utf8` or PowerShell 7',
  });
  return decodeAs(doc, encoding);
}

/** Convenience: import all documents at once, each read as it is produced (bytes may then share one buffer: see addDocument). */
export function importDocuments(docs: Iterable<{ file: string; text: string | Uint8Array }>): Snapshot {
  const session = createImportSession();
  for (const d of docs) session.addDocument(d.file, d.text);
  return session.finish();
}

function isEmpty(s: Snapshot): boolean {
  return (
    s.unsupported.length === 0 &&
    s.virtualNetworks.size === 0 &&
    s.subnets.size === 0 &&
    s.peerings.size === 0 &&
    s.networkInterfaces.size === 0 &&
    s.networkSecurityGroups.size === 0 &&
    s.applicationSecurityGroups.size === 0 &&
    s.routeTables.size === 0 &&
    s.publicIpAddresses.size === 0 &&
    s.natGateways.size === 0 &&
    s.loadBalancers.size === 0 &&
    s.applicationGateways.size === 0 &&
    s.virtualNetworkGateways.size === 0 &&
    s.localNetworkGateways.size === 0 &&
    s.connections.size === 0 &&
    s.azureFirewalls.size === 0 &&
    s.firewallPolicies.size === 0 &&
    s.firewallPolicyRuleCollectionGroups.size === 0 &&
    s.ipGroups.size === 0 &&
    s.privateEndpoints.size === 0 &&
    s.storageAccounts.size === 0 &&
    s.virtualMachines.size === 0
  );
}

function describeFiles(files: string[]): string {
  if (files.length === 0) return 'the input (no files were read)';
  if (files.length === 1) return files[0];
  return `${files.length} files`;
}
