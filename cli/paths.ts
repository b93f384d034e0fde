// Where the repository's own files are (package.json, examples/, the worker entries, the web view's
// sources), found from this module's location. The CLI runs either from its TypeScript sources or
// from the prebuilt bundle dist/ztpath.mjs (bin/build.js); both sit one folder below the repository
// root, so `..` from here is the root either way. Code that needs such a path asks this module
// instead of resolving from its own location, which differs between the two.
//
// Nothing is computed when the module loads: the report's page bundles some of the CLI's modules
// for the browser, where import.meta.url is no base for a file path.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root as a file: URL (with a trailing slash). */
export function repoRootUrl(): URL {
  return new URL('..', import.meta.url);
}

/** The repository root as a path (no trailing separator, as path.resolve gives it). */
export function repoRoot(): string {
  return path.resolve(fileURLToPath(repoRootUrl()));
}

/** A file of the repository, by its path from the root (`cli/web-worker.ts`). */
export function repoUrl(relative: string): URL {
  return new URL(relative, repoRootUrl());
}

/** A file of the repository as a path. */
export function repoPath(relative: string): string {
  return fileURLToPath(repoUrl(relative));
}
