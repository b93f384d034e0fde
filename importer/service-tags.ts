// The Service Tags file (Microsoft's weekly "Azure IP Ranges and Service Tags" download, or the
// REST ServiceTags_List response): {changeNumber, cloud, values: [{name, id, properties:
// {changeNumber, region, regionId, platform, systemService, addressPrefixes[], networkFeatures[]}}]}.
// IPv6 prefixes are skipped (counted in one info diagnostic). Tags are keyed by lower-cased name.

import type { Diagnostic, ServiceTag, ServiceTagCatalog } from '../core/model/index.ts';
import { parseCidr } from '../core/sets/index.ts';
import { describeValue, ImportContext, isObject, member, type JsonObject } from './context.ts';
import { parseJsonText } from './parse-json.ts';

export function readServiceTags(file: string, text: string): { catalog?: ServiceTagCatalog; diagnostics: Diagnostic[] } {
  const ctx = new ImportContext();
  ctx.file = file;
  try {
    const parsed = parseJsonText(text, ctx, 'service tags file');
    if (!parsed.ok) return { diagnostics: ctx.diagnostics };
    const found = findTagList(parsed.value);
    if (found === undefined) {
      ctx.report('error', 'input.unrecognized', `not a Service Tags file: the top level is ${describeValue(parsed.value)}; expected {changeNumber, cloud, values: [...]}`, {
        jsonPath: '$',
        hint: 'download "Azure IP Ranges and Service Tags" from Microsoft, or save `az network list-service-tags --location <region>`',
      });
      return { diagnostics: ctx.diagnostics };
    }
    return { catalog: readCatalog(found.doc, found.path, file, ctx), diagnostics: ctx.diagnostics };
  } catch (e) {
    ctx.report('error', 'internal.error', `could not read the service tags: ${e instanceof Error ? e.message : String(e)}`);
    return { diagnostics: ctx.diagnostics };
  }
}

/** The object holding `values`: the document itself or a REST example's response body. */
function findTagList(v: unknown): { doc: JsonObject; path: string } | undefined {
  if (!isObject(v)) return undefined;
  if (Array.isArray(v.values)) return { doc: v, path: '$' };
  if (isObject(v.responses)) {
    for (const status of ['200', '201']) {
      const r = v.responses[status];
      if (isObject(r) && isObject(r.body) && Array.isArray(r.body.values)) {
        return { doc: r.body, path: `${member('$.responses', status)}.body` };
      }
    }
  }
  return undefined;
}

function readCatalog(doc: JsonObject, path: string, file: string, ctx: ImportContext): ServiceTagCatalog {
  const tags = new Map<string, ServiceTag>();
  const values = doc.values as unknown[];
  const valid = new Set<string>();
  let ipv6 = 0;
  let duplicates = 0;
  for (let i = 0; i < values.length; i++) {
    const item = values[i];
    const at = `${path}.values[${i}]`;
    if (!isObject(item) || typeof item.name !== 'string' || item.name.length === 0) {
      ctx.report('warning', 'input.unrecognized', `service tag entry ${at} is ${describeValue(item)} without a name; skipped`, { jsonPath: at });
      continue;
    }
    const props = isObject(item.properties) ? item.properties : item;
    const raw = props.addressPrefixes;
    const addressPrefixes: string[] = [];
    if (Array.isArray(raw)) {
      for (let j = 0; j < raw.length; j++) {
        const p = raw[j];
        if (typeof p !== 'string') {
          ctx.report('error', 'field.type', `service tag ${item.name}: addressPrefixes[${j}] should be a prefix string, found ${describeValue(p)}; skipped`, {
            jsonPath: `${at}.properties.addressPrefixes[${j}]`,
          });
          continue;
        }
        if (p.indexOf(':') >= 0) {
          ipv6++;
          continue;
        }
        // Regional tags repeat their parent's prefixes: validate each distinct prefix once.
        if (valid.has(p)) {
          addressPrefixes.push(p);
          continue;
        }
        const c = parseCidr(p);
        if (c.ok) {
          valid.add(p);
          addressPrefixes.push(p);
        } else {
          ctx.report('error', 'cidr.invalid', `service tag ${item.name}: '${p}' is not a valid IPv4 prefix: ${c.reason}; skipped`, {
            jsonPath: `${at}.properties.addressPrefixes[${j}]`,
          });
        }
      }
    } else if (raw !== undefined) {
      ctx.report('error', 'field.type', `service tag ${item.name}: addressPrefixes should be an array; tag has no prefixes`, { jsonPath: `${at}.properties.addressPrefixes` });
    }
    const key = item.name.toLowerCase();
    if (tags.has(key)) duplicates++;
    const region = typeof props.region === 'string' && props.region.length > 0 ? props.region : undefined;
    const systemService = typeof props.systemService === 'string' && props.systemService.length > 0 ? props.systemService : undefined;
    tags.set(key, { name: item.name, addressPrefixes, region, systemService });
  }
  if (ipv6 > 0) {
    ctx.report('info', 'ipv6.unsupported', `${ipv6} IPv6 prefixes in service tags were skipped (IPv6 is not modelled yet)`, { jsonPath: `${path}.values` });
  }
  if (duplicates > 0) {
    ctx.report('warning', 'resource.duplicate', `${duplicates} service tag names appear more than once; the last entry of each was kept`, { jsonPath: `${path}.values` });
  }
  const catalog: ServiceTagCatalog = { origin: file, tags };
  const changeNumber = readChangeNumber(doc.changeNumber);
  if (changeNumber !== undefined) catalog.changeNumber = changeNumber;
  else if (doc.changeNumber !== undefined) {
    ctx.report('warning', 'field.type', `changeNumber should be a number, found ${describeValue(doc.changeNumber)}; ignored`, { jsonPath: `${path}.changeNumber` });
  }
  if (typeof doc.cloud === 'string') catalog.cloud = doc.cloud;
  return catalog;
}

/** `375` in the download file, `"63"` in the REST response: both are accepted. */
function readChangeNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}
