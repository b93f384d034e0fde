export * from './types.ts';
export * from './diagnostics.ts';
export * from './ids.ts';
export { createSnapshot } from './snapshot.ts';
export { DEFAULT_SECURITY_RULES, buildDefaultSecurityRules, defaultSecurityRulesOf, missingDefaultSecurityRules } from './default-rules.ts';
