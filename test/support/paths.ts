import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const CORPUS = resolve(REPO_ROOT, '../shared/corpus');
export const PUBLIC_SERVICE_TAGS = join(CORPUS, 'service-tags/Public/ServiceTags_Public_20251028.json');
