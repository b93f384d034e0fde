// Finding the resources in one parsed document, whatever envelope holds them:
//   one ARM resource                         $
//   an array of resources                    $[i]
//   REST list / az CLI                       $.value[i]
//   Azure Resource Graph                     $.data[i]
//   ARM template or {resources}              $.resources[i]   (only items with a concrete id)
//   REST example file                        $.responses['200'].body  (else 201), recursively
//   recorded HTTP interaction                $.response.body, recursively
// Anything else is reported as `input.unrecognized`, saying what was seen.

import { describeValue, isObject, member, type ImportContext, type JsonObject } from './context.ts';
import { Fields } from './fields.ts';
import { ReadSource, joinPath } from './json-path.ts';
import { canonId, isConcreteId, resourceType } from './ids.ts';
import { readListParts, type ListSource, type ListText } from './list-text.ts';
import { RESOURCE_READERS } from './resources/index.ts';
import type { Store } from './store.ts';

const MAX_DEPTH = 8;
const TYPE_CACHE = new Map<string, string>();

export function readDocument(value: unknown, ctx: ImportContext, store: Store): void {
  new DocumentReader(ctx, store).read(value, '$', 0);
}

/**
 * readDocument for resources of a change file that replace what the snapshot holds (its upserts,
 * or the resource an edit describes), standing at `path` in that file: resources, nested parts and
 * diagnostics all carry paths from there. Replacing the snapshot's copy is the point, so no
 * `resource.duplicate` is reported.
 */
export function readReplacement(value: unknown, path: string, ctx: ImportContext, store: Store): void {
  const from = ctx.diagnostics.length;
  new DocumentReader(ctx, store).read(value, path, 0);
  const kept = ctx.diagnostics.splice(from).filter((d) => d.code !== 'resource.duplicate');
  ctx.diagnostics.push(...kept);
}

/**
 * readDocument for a list document read in parts (see list-text.ts): the same resources, paths and
 * diagnostics as reading it whole. Returns false when the text turned out not to be such a list;
 * what was read from it must then be undone (Store.rollbackDocument).
 */
export function readListDocument(text: ListSource, list: ListText, partChars: number, ctx: ImportContext, store: Store): boolean {
  const reader = new DocumentReader(ctx, store);
  const skipped = new SkippedItems();
  let total = 0;
  const ok = readListParts(text, list, partChars, (items, offset) => {
    reader.readItems(items, list.path, 0, offset, skipped);
    total = offset + items.length;
  });
  if (ok) reader.reportSkipped(list.path, total, skipped);
  return ok;
}

/** Items of a list that are not resources: how many, and the first. */
class SkippedItems {
  count = 0;
  first = -1;
  firstSeen = '';
  /** A hint about the first, when it is recognisably something else (Azure PowerShell output). */
  hint: string | undefined;
}

/**
 * Azure PowerShell objects (`Get-AzNetworkSecurityGroup | ConvertTo-Json`) name their fields in
 * PascalCase (`Id`, `Name`, `ResourceGroupName`, `SecurityRules`) and shape them as the PowerShell
 * module's own classes, not as ARM resources: recognised (among what is not a resource) only to say so.
 */
function looksLikeAzPowerShell(v: unknown): boolean {
  return isObject(v) && isConcreteId(v.Id);
}

const AZ_POWERSHELL_HINT =
  'this is Azure PowerShell output (PascalCase fields such as Id and ResourceGroupName), not the ARM shape ztpath reads: export with az CLI (az network ... list -o json), Azure Resource Graph (az graph query) or the REST API';

class DocumentReader {
  constructor(
    private readonly ctx: ImportContext,
    private readonly store: Store,
  ) {}

  read(v: unknown, path: string, depth: number): void {
    if (depth > MAX_DEPTH) {
      this.unrecognized(path, `envelopes nested deeper than ${MAX_DEPTH} levels at ${path}`);
      return;
    }
    if (Array.isArray(v)) {
      this.readList(v, path, depth);
      return;
    }
    if (!isObject(v)) {
      this.unrecognized(path, `${path} is ${describeValue(v)}, not an Azure resource or a list of them`);
      return;
    }
    if (isResource(v)) {
      this.readResource(v, path, undefined);
      return;
    }
    if (isObject(v.responses)) {
      this.readRestExample(v.responses, member(path, 'responses'), depth);
      return;
    }
    if (isObject(v.response) && v.request !== undefined) {
      this.readRecording(v.response, member(path, 'response'), depth);
      return;
    }
    if (Array.isArray(v.value)) {
      this.reportPaged(v, path);
      this.readList(v.value, member(path, 'value'), depth);
      return;
    }
    if (Array.isArray(v.data)) {
      this.reportPaged(v, path);
      this.readList(v.data, member(path, 'data'), depth);
      return;
    }
    if (isObject(v.data) && Array.isArray(v.data.rows)) {
      this.unrecognized(path, `${path} is a Resource Graph result in table format (data.columns/rows)`, 'run the query with resultFormat objectArray (az graph query does by default)');
      return;
    }
    if (Array.isArray(v.resources)) {
      if (v.resources.some((r) => isObject(r) && Array.isArray(r.associations))) {
        this.unrecognized(path, `${path} is a Network Watcher topology (resources with associations), not resource definitions`, 'export the resources themselves (az network ... list, Resource Graph)');
        return;
      }
      this.readResourcesArray(v, v.resources, member(path, 'resources'), depth);
      return;
    }
    if (isObject(v.resources) && (typeof v.$schema === 'string' || v.contentVersion !== undefined)) {
      // languageVersion 2.0 templates key their resources by symbolic name.
      const n = Object.keys(v.resources).length;
      this.ctx.report('warning', 'template.unevaluated', `ARM template: ${n} resource${n === 1 ? '' : 's'} declared by symbolic name in ${member(path, 'resources')} have no concrete id (template expressions are not evaluated); skipped`, {
        jsonPath: member(path, 'resources'),
        hint: 'import the deployed resources instead: az resource list / az network ... list, Azure Resource Graph, or the REST API',
      });
      return;
    }
    if (Array.isArray(v.values) && (v.changeNumber !== undefined || v.cloud !== undefined)) {
      this.unrecognized(path, `${path} is a Service Tags file, not network resources`, 'pass it with --service-tags');
      return;
    }
    if (typeof v.$schema === 'string' && v.$schema.toLowerCase().includes('deploymentparameters')) {
      this.unrecognized(path, `${path} is an ARM deployment parameters file (no resources)`);
      return;
    }
    if (typeof v.id === 'string' && !isConcreteId(v.id) && typeof v.type === 'string') {
      this.unrecognized(path, `${path} has id '${String(v.id).slice(0, 60)}', which is not an ARM resource id`);
      return;
    }
    this.unrecognized(path, `${path} is ${describeValue(v)}; expected an ARM resource, a list ({value}, {data}, an array), a template or a REST example`, looksLikeAzPowerShell(v) ? AZ_POWERSHELL_HINT : undefined);
  }

  private readRestExample(responses: JsonObject, path: string, depth: number): void {
    for (const status of ['200', '201']) {
      const r = responses[status];
      if (isObject(r) && r.body !== undefined) {
        this.read(r.body, `${member(path, status)}.body`, depth + 1);
        return;
      }
    }
    this.unrecognized(path, `REST example without a 200 or 201 response body (statuses: ${Object.keys(responses).join(', ') || 'none'})`);
  }

  private readRecording(response: JsonObject, path: string, depth: number): void {
    let body = response.body;
    let bodyPath = member(path, 'body');
    // Recordings (vcrpy / test proxy) sometimes keep the body as text: { "string": "{...}" }.
    if (isObject(body) && typeof body.string === 'string' && Object.keys(body).length === 1) {
      try {
        body = JSON.parse(body.string);
        bodyPath = member(bodyPath, 'string');
      } catch {
        this.unrecognized(bodyPath, `recorded response body at ${bodyPath} is text that is not JSON`);
        return;
      }
    }
    if (body === undefined || body === null || body === '') {
      this.unrecognized(path, `recorded interaction at ${path} has no response body`);
      return;
    }
    this.read(body, bodyPath, depth + 1);
  }

  private readList(items: unknown[], path: string, depth: number): void {
    const skipped = new SkippedItems();
    this.readItems(items, path, depth, 0, skipped);
    this.reportSkipped(path, items.length, skipped);
  }

  /** Items of a list (or of one part of it, the first at index `offset`). */
  readItems(items: unknown[], path: string, depth: number, offset: number, skipped: SkippedItems): void {
    for (let k = 0; k < items.length; k++) {
      const item = items[k];
      const i = offset + k;
      // Let the garbage collector drop each item's tree once read (the list is our own parse
      // result): fewer parse-tree objects are copied while the model is being allocated.
      items[k] = undefined;
      if (isObject(item)) {
        if (isResource(item)) {
          this.readResource(item, path, i);
          continue;
        }
        // Pages of a list concatenated into one array: [{value: [...]}, {value: [...]}].
        if (Array.isArray(item.value) || Array.isArray(item.data)) {
          this.read(item, `${path}[${i}]`, depth + 1);
          continue;
        }
        if (this.reportBadId(item, `${path}[${i}]`)) continue;
      }
      skipped.count++;
      if (skipped.first < 0) {
        skipped.first = i;
        skipped.firstSeen = describeValue(item);
        if (looksLikeAzPowerShell(item)) skipped.hint = AZ_POWERSHELL_HINT;
      }
    }
  }

  /**
   * An item with a resource type whose id is not an ARM resource id: a resource the importer cannot
   * key, named as such (an error at its id, quoting it), not counted among items that are not resources.
   */
  private reportBadId(item: JsonObject, path: string): boolean {
    const type = item.type;
    const id = item.id;
    if (typeof type !== 'string' || !type.includes('/') || type.charCodeAt(0) === 91 || typeof id !== 'string' || id.length === 0) return false;
    this.ctx.report('error', 'field.id', `the ${type} resource's id '${id}' is not an ARM resource id (/subscriptions/.../providers/${type}/NAME); the resource is skipped`, {
      jsonPath: `${path}.id`,
      hint: 'export the resources with their full ids (az network ... list, the REST API, Azure Resource Graph)',
    });
    return true;
  }

  /** The warning for the items of a list of `total` that were not resources, if any. */
  reportSkipped(path: string, total: number, skipped: SkippedItems): void {
    if (skipped.count > 0) {
      const first = `${path}[${skipped.first}]`;
      this.unrecognized(
        first,
        `${skipped.count} of ${total} item${total === 1 ? '' : 's'} in ${path} ${skipped.count === 1 ? 'is' : 'are'} not Azure resources (no ARM id and type); the first, ${first}, is ${skipped.firstSeen}`,
        skipped.hint,
      );
    }
  }

  /** `{resources: [...]}`: ARM templates (not evaluated) or plain lists of concrete resources. */
  private readResourcesArray(doc: JsonObject, items: unknown[], path: string, depth: number): void {
    let unevaluated = 0;
    let firstUnevaluated = -1;
    const nonResources: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (isObject(item) && isResource(item)) {
        this.readResource(item, path, i);
      } else if (isObject(item) && (typeof item.type === 'string' || item.id !== undefined)) {
        unevaluated++;
        if (firstUnevaluated < 0) firstUnevaluated = i;
      } else {
        nonResources.push(item);
      }
    }
    if (unevaluated > 0) {
      const isTemplate = typeof doc.$schema === 'string' || doc.contentVersion !== undefined;
      this.ctx.report(
        'warning',
        'template.unevaluated',
        `${isTemplate ? 'ARM template' : 'resource list'}: ${unevaluated} of ${items.length} resource${items.length === 1 ? '' : 's'} in ${path} ${unevaluated === 1 ? 'has' : 'have'} no concrete id (template expressions such as [parameters('x')] are not evaluated); skipped`,
        {
          jsonPath: `${path}[${firstUnevaluated}]`,
          hint: 'import the deployed resources instead: az resource list / az network ... list, Azure Resource Graph, or the REST API',
        },
      );
    }
    if (nonResources.length > 0) this.readList(nonResources, path, depth);
  }

  /** A resource at `base` extended by `step` (the path is joined only when something reports it). */
  private readResource(o: JsonObject, base: string, step: number | undefined): void {
    const displayId = o.id as string;
    const type = this.typeOf(o.type, displayId);
    const reader = RESOURCE_READERS.get(type);
    if (reader === undefined) {
      if (type === 'microsoft.network/servicetags') {
        const path = joinPath(base, step);
        this.unrecognized(path, `${path} is a Service Tags list (${displayId}), not network resources`, 'pass it with --service-tags');
        return;
      }
      this.store.addUnsupported({
        id: canonId(displayId),
        displayId,
        name: typeof o.name === 'string' ? o.name : (displayId.split('/').pop() ?? displayId),
        type: typeof o.type === 'string' ? o.type : type,
        source: new ReadSource(this.ctx.file, base, step, false),
      });
      return;
    }
    try {
      reader(new Fields(this.ctx, o, base, step, displayId), this.store);
    } catch (e) {
      // A reader must never take the import down; report it as a bug with its location.
      this.ctx.report('error', 'internal.error', `could not read ${type} ${displayId}: ${e instanceof Error ? e.message : String(e)}; resource skipped`, {
        resourceId: displayId,
        jsonPath: joinPath(base, step),
        hint: 'this is a bug in the importer; please report it with the resource (secrets removed)',
      });
    }
  }

  /** Lower-cased type; the few distinct spellings are cached (no new string per resource). */
  private typeOf(raw: unknown, id: string): string {
    if (typeof raw !== 'string' || raw.length === 0) return resourceType(undefined, id) ?? '';
    let t = TYPE_CACHE.get(raw);
    if (t === undefined) {
      if (TYPE_CACHE.size > 10_000) TYPE_CACHE.clear();
      t = raw.toLowerCase();
      TYPE_CACHE.set(raw, t);
    }
    return t;
  }

  /**
   * A list that says more pages exist (REST and az CLI `nextLink`; Resource Graph `$skipToken`,
   * `resultTruncated`, `count` below `totalRecords`): what the file does not hold is named, not
   * taken for the whole estate.
   */
  private reportPaged(v: Record<string, unknown>, path: string): void {
    const signs: string[] = [];
    if (typeof v.nextLink === 'string' && v.nextLink.length > 0) signs.push('nextLink');
    for (const k of ['$skipToken', 'skipToken']) if (typeof v[k] === 'string' && (v[k] as string).length > 0) signs.push(k);
    if (v.resultTruncated === 'true' || v.resultTruncated === true) signs.push('resultTruncated');
    if (typeof v.count === 'number' && typeof v.totalRecords === 'number' && v.count < v.totalRecords) signs.push(`count ${v.count} of totalRecords ${v.totalRecords}`);
    if (signs.length === 0) return;
    this.ctx.report('warning', 'input.paged', `${path} is one page of a longer list (${signs.join(', ')}); the resources on the other pages are not in the input`, {
      jsonPath: path,
      hint: 'export every page: az rest --paginate / az network ... list, or az graph query --first 1000 with --skip-token until none is returned',
    });
  }

  private unrecognized(path: string, message: string, hint?: string): void {
    this.ctx.report('warning', 'input.unrecognized', message, { jsonPath: path, hint });
  }
}

/** An ARM resource: a concrete id and a type (given, or derivable from the id). */
function isResource(o: JsonObject): boolean {
  const id = o.id;
  if (!isConcreteId(id)) return false;
  if (typeof o.type === 'string') return o.type.length > 0 && o.type.charCodeAt(0) !== 91; // not "[...]"
  return resourceType(undefined, id) !== undefined;
}
