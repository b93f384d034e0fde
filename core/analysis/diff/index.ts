// What-if and diff (issue "What-if before a change"): the public surface of this folder.

export { computeWhatIf, MAX_CHANGED_PAIRS, MAX_EVERY_PAIR } from './compute-whatif.ts';
export { diffSnapshots, summarizeChanges, modelEqual } from './snapshot-diff.ts';
export type { SnapshotDiff, ResourceChange, Collection } from './snapshot-diff.ts';
export { applySnapshotEdits, SnapshotEditError } from './snapshot-edits.ts';
export type { SnapshotEdit } from './snapshot-edits.ts';
export { deriveDataPlane } from './derive-dataplane.ts';
export type {
  WhatIfAnswer,
  WhatIfOptions,
  WhatIfTarget,
  WhatIfParty,
  WhatIfExample,
  WhatIfStats,
  FlowChange,
  ExposureChange,
  FindingLike,
  RouteChange,
  RuleChange,
  ResourceChangeSummary,
} from './types.ts';
