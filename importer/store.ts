// Where model objects accumulate while documents are read: one map per kind, keyed by the
// lower-cased id. Child resources (subnets, peerings, security rules, routes, rule collection
// groups) are keyed by their own ids, whether they came embedded in their parent or stood alone,
// so either order works; parents get their child lists when the session finishes (assemble.ts).
//
// Duplicate ids: identical content (compared on the model, see canonical.ts) is merged silently
// and counted; different content keeps the copy read last, with a `resource.duplicate` warning.

import type {
  ResourceId,
  Route,
  SecurityRule,
  Snapshot,
  SourceLocation,
  UnsupportedResource,
} from '../core/model/index.ts';
import { createSnapshot } from '../core/model/index.ts';
import { canonicalForm } from './canonical.ts';
import type { ImportContext } from './context.ts';

interface Keyed {
  id: ResourceId;
  displayId: string;
  source?: SourceLocation;
}

/** Child collections a parent copy listed, by collection name; undefined = the copy did not say. */
export type EmbeddedChildren = Record<string, ResourceId[] | undefined>;

export class Store {
  readonly snap: Snapshot = createSnapshot();
  /** Security rules (custom and default) per NSG id, embedded or standalone. */
  readonly rulesByNsg = new Map<ResourceId, Map<ResourceId, SecurityRule>>();
  /** Routes per route table id. */
  readonly routesByTable = new Map<ResourceId, Map<ResourceId, Route>>();
  readonly unsupported = new Map<ResourceId, UnsupportedResource>();
  /** How many resources were read more than once with identical content. */
  identicalDuplicates = 0;
  private readonly embedded = new Map<ResourceId, EmbeddedChildren>();

  /** Whether some copy of parent `id` held its `collection` field (an empty list counts). */
  gaveCollection(id: ResourceId, collection: string): boolean {
    return this.embedded.get(id)?.[collection] !== undefined;
  }
  /**
   * While a document is read in parts (see beginDocument): how to undo what it changed. A map
   * the document only added keys to is undone by deleting its keys from its size when first
   * touched on (a Map iterates in insertion order, and new keys go last); any other change
   * restores a copy of the map taken before that change. Per map rather than per key: a journal
   * entry per added resource was ~240,000 objects at tier L that lived as long as their document.
   */
  private journal: Map<Map<unknown, unknown>, Undo> | undefined;
  private mark = { diagnostics: 0, identicalDuplicates: 0 };

  constructor(private readonly ctx: ImportContext) {}

  /**
   * Start recording changes, so that a document found invalid after some of its parts were read
   * (see list-text.ts) can be undone and read whole: the store is then as if the parts had never
   * been read, map order included.
   */
  beginDocument(): void {
    this.journal = new Map();
    this.mark = { diagnostics: this.ctx.diagnostics.length, identicalDuplicates: this.identicalDuplicates };
  }

  commitDocument(): void {
    this.journal = undefined;
  }

  rollbackDocument(): void {
    const journal = this.journal ?? new Map<Map<unknown, unknown>, Undo>();
    for (const [map, u] of journal) {
      if (u.copy !== undefined) {
        map.clear();
        for (const [k, v] of u.copy) map.set(k, v);
      } else {
        let i = 0;
        const added: unknown[] = [];
        for (const k of map.keys()) if (i++ >= u.size) added.push(k);
        for (const k of added) map.delete(k);
      }
    }
    this.ctx.diagnostics.length = this.mark.diagnostics;
    this.identicalDuplicates = this.mark.identicalDuplicates;
    this.commitDocument();
  }

  /** Record, before `map` changes at `key`, how to undo it: new keys are deleted, anything else restores a copy. */
  private touch<K, V>(map: Map<K, V>, key: K): void {
    if (this.journal === undefined) return;
    if (!map.has(key)) this.touchNew(map);
    else {
      const u = this.journal.get(map as Map<unknown, unknown>);
      if (u === undefined) this.journal.set(map as Map<unknown, unknown>, { size: map.size, copy: new Map(map as Map<unknown, unknown>) });
      else if (u.copy === undefined) {
        // Only keys were added so far: the map as it was is its first `size` entries.
        let i = 0;
        const copy = new Map<unknown, unknown>();
        for (const [k, v] of map as Map<unknown, unknown>) if (i++ < u.size) copy.set(k, v);
        u.copy = copy;
      }
    }
  }

  /** touch() for a key the caller knows `map` does not have (one lookup fewer in the common case). */
  private touchNew<K, V>(map: Map<K, V>): void {
    const journal = this.journal;
    if (journal === undefined || journal.has(map as Map<unknown, unknown>)) return;
    journal.set(map as Map<unknown, unknown>, { size: map.size, copy: undefined });
  }

  /** Add a resource; returns false when an identical copy was already there. */
  add<T extends Keyed>(map: Map<ResourceId, T>, value: T, what: string): boolean {
    const old = map.get(value.id);
    if (old === undefined) {
      this.touchNew(map);
      map.set(value.id, value);
      return true;
    }
    if (canonicalForm(old) === canonicalForm(value)) {
      this.identicalDuplicates++;
      return false;
    }
    this.touch(map, value.id);
    map.set(value.id, value);
    this.reportDuplicate(old, value, what);
    return true;
  }

  /**
   * Add a parent resource together with the ids of the children this copy embedded. When a
   * changed copy replaces an older one, children only the older copy listed are removed (the copy
   * read last wins as a whole).
   */
  addParent<T extends Keyed>(map: Map<ResourceId, T>, value: T, what: string, children: EmbeddedChildren): void {
    const old = map.get(value.id);
    if (old === undefined) {
      this.touchNew(map);
      this.touch(this.embedded, value.id);
      map.set(value.id, value);
      this.embedded.set(value.id, children);
      return;
    }
    this.touch(map, value.id);
    this.touch(this.embedded, value.id);
    const oldChildren = this.embedded.get(value.id) ?? {};
    const changedChildren = differingCollections(oldChildren, children);
    if (changedChildren.length === 0 && canonicalForm(old) === canonicalForm(value)) {
      this.identicalDuplicates++;
      this.embedded.set(value.id, mergeChildren(oldChildren, children));
      return;
    }
    map.set(value.id, value);
    for (const collection of changedChildren) {
      const keep = new Set(children[collection]);
      for (const childId of oldChildren[collection] ?? []) {
        if (!keep.has(childId)) this.removeChild(collection, value.id, childId);
      }
    }
    this.embedded.set(value.id, mergeChildren(oldChildren, children));
    this.reportDuplicate(old, value, what);
  }

  addRule(rule: SecurityRule): void {
    let rules = this.rulesByNsg.get(rule.nsgId);
    if (rules === undefined) {
      this.touchNew(this.rulesByNsg);
      this.rulesByNsg.set(rule.nsgId, (rules = new Map()));
    }
    this.add(rules, rule, rule.collection === 'defaultSecurityRules' ? 'default security rule' : 'security rule');
  }

  addRoute(route: Route): void {
    let routes = this.routesByTable.get(route.routeTableId);
    if (routes === undefined) {
      this.touchNew(this.routesByTable);
      this.routesByTable.set(route.routeTableId, (routes = new Map()));
    }
    this.add(routes, route, 'route');
  }

  /** Drop the read-time indexes once the snapshot is assembled (the snapshot keeps what it needs). */
  release(): void {
    this.rulesByNsg.clear();
    this.routesByTable.clear();
    this.unsupported.clear();
    this.embedded.clear();
  }

  addUnsupported(u: UnsupportedResource): void {
    this.touch(this.unsupported, u.id);
    this.unsupported.set(u.id, u);
  }

  private removeChild(collection: string, parentId: ResourceId, childId: ResourceId): void {
    const map = this.childMap(collection, parentId);
    if (map === undefined) return;
    this.touch(map, childId);
    map.delete(childId);
  }

  private childMap(collection: string, parentId: ResourceId): Map<ResourceId, unknown> | undefined {
    switch (collection) {
      case 'subnets':
        return this.snap.subnets;
      case 'virtualNetworkPeerings':
        return this.snap.peerings;
      case 'securityRules':
      case 'defaultSecurityRules':
        return this.rulesByNsg.get(parentId);
      case 'routes':
        return this.routesByTable.get(parentId);
      case 'ruleCollectionGroups':
        return this.snap.firewallPolicyRuleCollectionGroups;
    }
    return undefined;
  }

  private reportDuplicate(old: Keyed, value: Keyed, what: string): void {
    const oldFile = old.source?.file ?? '(unknown file)';
    const newFile = value.source?.file ?? this.ctx.file;
    const where =
      oldFile === newFile
        ? `twice in ${newFile} (at ${old.source?.jsonPath ?? '?'} and ${value.source?.jsonPath ?? '?'})`
        : `in ${oldFile} (at ${old.source?.jsonPath ?? '?'}) and in ${newFile} (at ${value.source?.jsonPath ?? '?'})`;
    this.ctx.report('warning', 'resource.duplicate', `${what} ${value.displayId} appears ${where} with different content; keeping the copy read last, from ${newFile}`, {
      resourceId: value.displayId,
      jsonPath: value.source?.jsonPath,
      file: newFile,
      hint: 'export each resource once, or make sure both exports were taken at the same time',
    });
  }
}

/** How to undo a document's changes of one map: keep its first `size` keys, or restore a copy. */
interface Undo {
  size: number;
  copy: Map<unknown, unknown> | undefined;
}

function differingCollections(a: EmbeddedChildren, b: EmbeddedChildren): string[] {
  const out: string[] = [];
  for (const collection of Object.keys(b)) {
    const x = a[collection];
    const y = b[collection];
    if (x === undefined || y === undefined) continue; // a copy that does not list children says nothing
    if (x.length !== y.length || x.some((id, i) => id !== y[i])) {
      const ys = new Set(y);
      if (x.length !== y.length || x.some((id) => !ys.has(id))) out.push(collection);
    }
  }
  return out;
}

function mergeChildren(a: EmbeddedChildren, b: EmbeddedChildren): EmbeddedChildren {
  const out: EmbeddedChildren = { ...a };
  for (const [k, v] of Object.entries(b)) if (v !== undefined) out[k] = v;
  return out;
}
