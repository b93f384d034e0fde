export * from './types.ts';
export * from './diagnostics.ts';
export * from './ids.ts';
export { createSnapshot } from './snapshot.ts';
export { DEFAULT_SECURITY_RULES, buildDefaultSecurityRules } from './default-rules.ts';
