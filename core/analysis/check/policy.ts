// The policy file (issue 5): the user's intents about the estate, checked in CI. This file turns the
// parsed document (a plain value: the CLI reads YAML) into a Policy, or into issues that each name
// the path of the offending field, so that the CLI can point at its line and column.
//
//   version: 1
//   groups:            # optional named selector lists
//     web: [vnet-web-weu/snet-web]
//   intents:
//     - name: no-rdp-from-internet
//       description: optional text
//       deny:  { from: internet, to: [group:web], protocol: Tcp, ports: [3389] }
//     - name: web-to-app
//       allow: { from: group:web, to: vnet-app-weu/snet-app, protocol: Tcp, ports: [8443], exactly: true }
//     - name: egress-through-firewall
//       via:   { from: vnet-app-weu/snet-app, to: internet, through: afw-hub-weu }

import { IntervalSet } from '../../sets/interval-set.ts';
import { parsePortRange } from '../../sets/ports.ts';

export type PolicyVerb = 'deny' | 'allow' | 'via';
export const POLICY_VERBS: readonly PolicyVerb[] = ['deny', 'allow', 'via'];

export type PolicyPath = (string | number)[];

export interface PolicyIssue {
  /** Path of the field in the document, e.g. `['intents', 2, 'deny', 'ports', 0]`. */
  path: PolicyPath;
  message: string;
  /** The issue is about the key at `path` (an unknown field), not its value. */
  atKey?: boolean;
}

export interface PolicySelector {
  text: string;
  path: PolicyPath;
}

export interface PolicyIntent {
  name: string;
  description?: string;
  verb: PolicyVerb;
  from: PolicySelector[];
  to: PolicySelector[];
  /** IP protocol numbers; all protocols when `any`. */
  protocols: IntervalSet;
  protocolText: string;
  /** Destination ports; all when undefined. Only TCP and UDP have ports. */
  ports?: IntervalSet;
  portsText: string[];
  /** allow: nothing but this traffic may flow between the groups (default true). */
  exactly: boolean;
  /** via: the firewalls or appliances the traffic must pass. */
  through: PolicySelector[];
  path: PolicyPath;
}

export interface Policy {
  version: number;
  groups: Map<string, PolicySelector[]>;
  intents: PolicyIntent[];
}

const TOP_KEYS = ['version', 'groups', 'intents'];
const INTENT_KEYS = ['name', 'description', ...POLICY_VERBS];
const BODY_KEYS: Record<PolicyVerb, string[]> = {
  deny: ['from', 'to', 'protocol', 'ports'],
  allow: ['from', 'to', 'protocol', 'ports', 'exactly'],
  via: ['from', 'to', 'protocol', 'ports', 'through'],
};
const PROTOCOLS: Record<string, IntervalSet> = {
  tcp: IntervalSet.point(6),
  udp: IntervalSet.point(17),
  icmp: IntervalSet.point(1),
  any: IntervalSet.range(0, 255),
  '*': IntervalSet.range(0, 255),
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function unknownKeys(obj: Record<string, unknown>, allowed: string[], path: PolicyPath, issues: PolicyIssue[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) issues.push({ path: [...path, k], atKey: true, message: `unknown field '${k}' (expected ${allowed.map((a) => `'${a}'`).join(', ')})` });
  }
}

/** A selector or a list of selectors (strings). */
function selectors(v: unknown, path: PolicyPath, field: string, issues: PolicyIssue[]): PolicySelector[] {
  if (typeof v === 'string' || typeof v === 'number') {
    const t = String(v).trim();
    if (!t) issues.push({ path, message: `${field} is empty` });
    return t ? [{ text: t, path }] : [];
  }
  if (Array.isArray(v)) {
    if (v.length === 0) issues.push({ path, message: `${field} is an empty list` });
    const out: PolicySelector[] = [];
    v.forEach((x, i) => {
      if (typeof x === 'string' || typeof x === 'number') {
        const t = String(x).trim();
        if (t) out.push({ text: t, path: [...path, i] });
        else issues.push({ path: [...path, i], message: `${field} has an empty selector` });
      } else issues.push({ path: [...path, i], message: `${field} items must be selector strings, not ${describe(x)}` });
    });
    return out;
  }
  issues.push({ path, message: `${field} must be a selector or a list of selectors, not ${describe(v)}` });
  return [];
}

function ports(v: unknown, path: PolicyPath, issues: PolicyIssue[]): { set?: IntervalSet; text: string[] } {
  if (v === undefined || v === null) return { text: [] };
  const items: { value: unknown; path: PolicyPath }[] = Array.isArray(v) ? v.map((x, i) => ({ value: x, path: [...path, i] })) : [{ value: v, path }];
  let set = IntervalSet.EMPTY;
  const text: string[] = [];
  for (const it of items) {
    if (typeof it.value !== 'string' && typeof it.value !== 'number') {
      issues.push({ path: it.path, message: `ports must be numbers or ranges like "8000-8100", not ${describe(it.value)}` });
      continue;
    }
    const t = String(it.value).trim();
    if (t === '*' || t.toLowerCase() === 'any') return { text: ['any'] };
    const p = parsePortRange(t);
    if (!p.ok) {
      issues.push({ path: it.path, message: `${p.reason} (ports are 0-65535, as 443, "8000-8100" or "80,443")` });
      continue;
    }
    set = set.union(p.set);
    text.push(t);
  }
  return { set: text.length ? set : undefined, text };
}

export function parsePolicy(doc: unknown): { policy?: Policy; issues: PolicyIssue[] } {
  const issues: PolicyIssue[] = [];
  if (!isRecord(doc)) {
    issues.push({ path: [], message: `the policy must be a mapping with 'intents' (and optionally 'version' and 'groups'), not ${describe(doc)}` });
    return { issues };
  }
  unknownKeys(doc, TOP_KEYS, [], issues);
  let version = 1;
  if (doc.version !== undefined) {
    if (doc.version !== 1) issues.push({ path: ['version'], message: `version must be 1, not ${describe(doc.version)}` });
    else version = 1;
  }
  const groups = new Map<string, PolicySelector[]>();
  if (doc.groups !== undefined) {
    if (!isRecord(doc.groups)) issues.push({ path: ['groups'], message: `groups must be a mapping of name: selectors, not ${describe(doc.groups)}` });
    else {
      for (const [name, v] of Object.entries(doc.groups)) {
        if (!/^[A-Za-z0-9_.-]+$/.test(name)) issues.push({ path: ['groups', name], atKey: true, message: `group name '${name}' may only use letters, digits, '.', '_' and '-'` });
        groups.set(name, selectors(v, ['groups', name], `groups.${name}`, issues));
      }
    }
  }
  const intents: PolicyIntent[] = [];
  if (doc.intents === undefined) issues.push({ path: [], message: "the policy has no 'intents' list" });
  else if (!Array.isArray(doc.intents)) issues.push({ path: ['intents'], message: `intents must be a list, not ${describe(doc.intents)}` });
  else {
    const names = new Map<string, number>();
    doc.intents.forEach((raw, i) => {
      const path: PolicyPath = ['intents', i];
      if (!isRecord(raw)) {
        issues.push({ path, message: `each intent must be a mapping with 'name' and one of ${POLICY_VERBS.map((v) => `'${v}'`).join(', ')}, not ${describe(raw)}` });
        return;
      }
      unknownKeys(raw, INTENT_KEYS, path, issues);
      let name = `intent-${i + 1}`;
      if (typeof raw.name !== 'string' || !raw.name.trim()) issues.push({ path: raw.name === undefined ? path : [...path, 'name'], message: raw.name === undefined ? "intent has no 'name'" : `name must be a non-empty string, not ${describe(raw.name)}` });
      else {
        name = raw.name.trim();
        const prev = names.get(name);
        if (prev !== undefined) issues.push({ path: [...path, 'name'], message: `intent name '${name}' is already used by intents[${prev}]` });
        else names.set(name, i);
      }
      if (raw.description !== undefined && typeof raw.description !== 'string') issues.push({ path: [...path, 'description'], message: `description must be a string, not ${describe(raw.description)}` });
      const verbs = POLICY_VERBS.filter((v) => raw[v] !== undefined);
      if (verbs.length !== 1) {
        issues.push({ path, message: verbs.length === 0 ? `intent '${name}' needs one of ${POLICY_VERBS.map((v) => `'${v}'`).join(', ')}` : `intent '${name}' has ${verbs.map((v) => `'${v}'`).join(' and ')}; give exactly one verb per intent` });
        return;
      }
      const verb = verbs[0];
      const bpath: PolicyPath = [...path, verb];
      const body = raw[verb];
      if (!isRecord(body)) {
        issues.push({ path: bpath, message: `${verb} must be a mapping with 'from' and 'to', not ${describe(body)}` });
        return;
      }
      unknownKeys(body, BODY_KEYS[verb], bpath, issues);
      const from = body.from === undefined ? (issues.push({ path: bpath, message: `${verb} has no 'from'` }), []) : selectors(body.from, [...bpath, 'from'], 'from', issues);
      const to = body.to === undefined ? (issues.push({ path: bpath, message: `${verb} has no 'to'` }), []) : selectors(body.to, [...bpath, 'to'], 'to', issues);
      let protocols = PROTOCOLS.any;
      let protocolText = 'Any';
      if (body.protocol !== undefined) {
        const p = typeof body.protocol === 'string' ? PROTOCOLS[body.protocol.trim().toLowerCase()] : undefined;
        if (!p) issues.push({ path: [...bpath, 'protocol'], message: `protocol must be Tcp, Udp, Icmp or Any, not ${describe(body.protocol)}` });
        else {
          protocols = p;
          protocolText = String(body.protocol).trim();
        }
      }
      const pr = ports(body.ports, [...bpath, 'ports'], issues);
      if (pr.set && (protocols.has(1) && !protocols.has(6) && !protocols.has(17))) issues.push({ path: [...bpath, 'ports'], message: 'ports apply to Tcp and Udp only; remove them for Icmp' });
      // Ports restrict to the protocols that have ports (rule 1.5).
      if (pr.set) protocols = protocols.intersect(IntervalSet.fromRanges([[6, 6], [17, 17]]));
      let exactly = true;
      if (body.exactly !== undefined) {
        if (typeof body.exactly !== 'boolean') issues.push({ path: [...bpath, 'exactly'], message: `exactly must be true or false, not ${describe(body.exactly)}` });
        else exactly = body.exactly;
      }
      let through: PolicySelector[] = [];
      if (verb === 'via') {
        if (body.through === undefined) issues.push({ path: bpath, message: "via has no 'through' (the firewall or appliance the traffic must pass)" });
        else through = selectors(body.through, [...bpath, 'through'], 'through', issues);
      }
      intents.push({
        name,
        ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
        verb,
        from,
        to,
        protocols,
        protocolText,
        ...(pr.set ? { ports: pr.set } : {}),
        portsText: pr.text,
        exactly,
        through,
        path,
      });
    });
  }
  // Group references must name a group (checked here: it needs no snapshot).
  const checkRefs = (list: PolicySelector[]) => {
    for (const s of list) {
      const m = /^group:(.*)$/i.exec(s.text);
      if (m && !groups.has(m[1].trim())) issues.push({ path: s.path, message: `'${s.text}' names no group (groups: ${[...groups.keys()].join(', ') || 'none'})` });
    }
  };
  for (const list of groups.values()) {
    for (const s of list) if (/^group:/i.test(s.text)) issues.push({ path: s.path, message: 'groups cannot contain other groups' });
  }
  for (const it of intents) [it.from, it.to, it.through].forEach(checkRefs);
  if (issues.length) return { issues };
  return { policy: { version, groups, intents }, issues };
}
