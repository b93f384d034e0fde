import { describe, expect, it } from 'vitest';
import { ImportContext } from '../../importer/context.ts';
import { Fields } from '../../importer/fields.ts';
import { JsonPath, ReadSource, joinPath, memberSuffix, pathText } from '../../importer/json-path.ts';
import { asJson, diags, importInline, lc } from './helpers.ts';

// Source locations and diagnostic paths are joined when read (importer/json-path.ts). These pin
// the texts they join to the ones the importer wrote out eagerly before: JSONPath as in RFC 9535
// (`.name` for identifiers, `['...']` otherwise, `[n]` for list items).

const asgId = (n: number) => `/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/applicationSecurityGroups/asg-${n}`;
const asg = (n: number) => ({ id: asgId(n), name: `asg-${n}`, type: 'Microsoft.Network/applicationSecurityGroups', location: 'westeurope', properties: {} });
const nsgId = '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/nsg-a';
const rule = (name: string, priority: unknown) => ({
  id: `${nsgId}/securityRules/${name}`,
  name,
  properties: { priority, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '443' },
});

describe('JSON paths joined when read', () => {
  it('joins members, quoted members and indexes as JSONPath text', () => {
    const list = new JsonPath('$', 'value', '');
    expect(pathText(list)).toBe('$.value');
    expect(joinPath(list, 3)).toBe('$.value[3]');
    expect(joinPath(list, 4099)).toBe('$.value[4099]');
    expect(joinPath('$', "it's")).toBe("$['it\\'s']");
    expect(pathText(new JsonPath(new JsonPath(list, 7, ''), undefined, memberSuffix('securityRules', true)))).toBe('$.value[7].properties.securityRules');
    expect(memberSuffix('200', false)).toBe("['200']");
    // One shared text per field name.
    expect(memberSuffix('subnets', true)).toBe(memberSuffix('subnets', true));
  });

  it('a source shows its file and path to JSON as a plain SourceLocation does', () => {
    const rest = new ReadSource('a.json', '$.value', 2, false);
    expect([rest.file, rest.jsonPath, rest.flattened]).toEqual(['a.json', '$.value[2]', undefined]);
    expect(JSON.stringify(rest)).toBe('{"file":"a.json","jsonPath":"$.value[2]"}');
    const flat = new ReadSource('b.json', '$', 0, true);
    expect(JSON.stringify(flat)).toBe('{"file":"b.json","jsonPath":"$[0]","flattened":true}');
  });

  it('Fields name the paths of nested objects, under properties or flattened', () => {
    const ctx = new ImportContext();
    const rest = new Fields(ctx, { properties: { subnets: [{ name: 'a' }, { name: 'b' }] }, bgp: { asn: 1 } }, '$.value', 5, 'id');
    const seen: string[] = [];
    rest.each('subnets', (c) => seen.push(c.path));
    expect(seen).toEqual(['$.value[5].properties.subnets[0]', '$.value[5].properties.subnets[1]']);
    // A field a REST object carries at its top level instead of under properties.
    expect(rest.sub('bgp')?.path).toBe('$.value[5].bgp');
    const flat = new Fields(ctx, { subnets: [{ name: 'a' }] }, '$', 0, 'id');
    expect(flat.at('subnets')).toBe('$[0].subnets');
    expect(flat.item(flat.list('subnets')!, flat.atRef('subnets'), 0, 'subnets')?.source().jsonPath).toBe('$[0].subnets[0]');
  });

  it('list items read in parts keep their own index, past the shared suffixes too', () => {
    // Pretty-printed, so the list is read in parts of ~64 KB (list-text.ts): indexes run across parts.
    const n = 4_200;
    const text = JSON.stringify({ value: Array.from({ length: n }, (_, i) => asg(i)) }, null, 1);
    const s = importInline(['many.json', text]);
    for (const i of [0, 1, 777, 4095, 4096, n - 1]) {
      expect(asJson(s.applicationSecurityGroups.get(lc(asgId(i)))?.source)).toEqual({ file: 'many.json', jsonPath: `$.value[${i}]` });
    }
  });

  it('children and diagnostics inside them get their full paths', () => {
    const nsg = { id: nsgId, name: 'nsg-a', type: 'Microsoft.Network/networkSecurityGroups', location: 'westeurope', properties: { securityRules: [rule('ok', 100), rule('bad', 'high')] } };
    const s = importInline(['n.json', { value: [asg(0), nsg] }]);
    const rules = s.networkSecurityGroups.get(lc(nsgId))!.securityRules;
    expect(rules.map((r) => [r.name, r.source?.jsonPath])).toEqual([['ok', '$.value[1].properties.securityRules[0]']]);
    expect(diags(s, 'field.type').map((d) => [d.resourceId, d.jsonPath])).toEqual([[`${nsgId}/securityRules/bad`, '$.value[1].properties.securityRules[1].properties.priority']]);
  });
});
