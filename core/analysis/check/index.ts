// Policy checks for CI gates: the intents file schema and checkPolicy (issue 5).

export { parsePolicy, POLICY_VERBS } from './policy.ts';
export type { Policy, PolicyIntent, PolicyIssue, PolicyPath, PolicySelector, PolicyVerb } from './policy.ts';
export { checkPolicy } from './check-policy.ts';
export type { IntentResult, PolicyCheckAnswer, PolicyViolation, ViolationKind } from './check-policy.ts';
