// Zero-trust findings: the catalog and computeFindings (issue 4).

export { computeFindings, compareFindings } from './compute-findings.ts';
export { CATALOG, catalogEntry } from './catalog.ts';
export type { CatalogEntry } from './catalog.ts';
export { SEVERITIES, severityRank, severityAtLeast } from './types.ts';
export type { Finding, FindingEvidence, FindingLocation, FindingsAnswer, FindingsOptions, Severity, RelatedResource, EvidenceRoute, EvidenceRule } from './types.ts';
export { MANAGEMENT_PORTS } from './check-exposure.ts';
export { SUBNETS_WITHOUT_NSG_SUPPORT } from './check-subnet-nsg.ts';
