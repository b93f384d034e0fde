// importer: Azure-shaped JSON text -> Snapshot, with Diagnostics. No file system here: the CLI
// reads the files and hands over their text.

export { createImportSession, importDocuments } from './session.ts';
export type { ImportSession } from './session.ts';
export { readServiceTags } from './service-tags.ts';
export { decodeText } from './text-encoding.ts';
export { applyChange } from './apply-change.ts';
export type { ChangeResult } from './apply-change.ts';
export { EDIT_OPS } from './change-edits.ts';
