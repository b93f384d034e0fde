// The public API of the engine: the only file cli/ and web/ import from core (DESIGN.md).

export * from './model/index.ts';
export * from './sets/index.ts';
export { compile } from './dataplane/compile.ts';
export type { DataPlane } from './dataplane/compile.ts';
export type { Endpoint, AddressIndex } from './dataplane/address-index.ts';
export type { EffectiveRoute, EffectiveRouteTable, RouteMatch } from './dataplane/effective-routes.ts';
export { CAVEATS, CaveatSet } from './dataplane/caveats.ts';
export type { Caveat } from './dataplane/caveats.ts';
export { INTERNET_SET, PRIVATE_SET, AZURE_HOST_VIP } from './dataplane/well-known-addresses.ts';
export type { Flow } from './policy/flow.ts';
export { evaluateEndpointFilter, computeEndpointPermits, filterPointFor } from './policy/evaluate-endpoint.ts';
export type { FilterPoint, NsgStep, NsgSide, EndpointFilterResult, EndpointPermits } from './policy/evaluate-endpoint.ts';
export { resolveRef } from './analysis/resolve-ref.ts';
export type { ResolvedRef, ResolveResult } from './analysis/resolve-ref.ts';
export { computeEffectiveRoutesView, computeEffectiveSecurityRulesView, verifyIpFlow, computeNextHop } from './analysis/network-watcher.ts';
export type { EffectiveRouteView, EffectiveNsgView, EffectiveSecurityRuleView, VerifyRequest, VerifyResult, NextHopResult } from './analysis/network-watcher.ts';
export { summarizeSnapshot } from './analysis/summary.ts';
export type { SnapshotSummary } from './analysis/summary.ts';
export { traceFlow, DEFAULT_SOURCE_PORT } from './trace/trace-flow.ts';
export type { TraceQuery, TraceResult } from './trace/trace-flow.ts';
export type { Trace, Hop, Step, Disposition, AllowedBy, StoppedBy, TraceFlow } from './trace/types.ts';
export type { PathQuery } from './trace/run-path.ts';
export type { EntryDescription } from './trace/entry-points.ts';
export { computeReach } from './analysis/reach.ts';
export type { ReachAnswer, ReachPart } from './analysis/reach.ts';
export { evaluateFirewall, computeFirewallPermits } from './firewall/evaluate-firewall.ts';
export type { FirewallDecision, FirewallQuery } from './firewall/evaluate-firewall.ts';
