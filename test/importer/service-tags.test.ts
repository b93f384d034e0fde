import { describe, expect, it } from 'vitest';
import { readServiceTags } from '../../importer/index.ts';
import { corpusFile, corpusPresent, restExample } from './helpers.ts';

describe.skipIf(!corpusPresent)('readServiceTags: corpus files', () => {
  it('Public: all tags, IPv4 prefixes only, keyed by lower-cased name', () => {
    const { file, text } = corpusFile('service-tags/Public/ServiceTags_Public_20251028.json');
    const { catalog, diagnostics } = readServiceTags(file, text);
    expect(catalog).toBeDefined();
    expect(catalog!.origin).toBe(file);
    expect(catalog!.changeNumber).toBe(375);
    expect(catalog!.cloud).toBe('Public');
    expect(catalog!.tags.size).toBe(3039);
    const weu = catalog!.tags.get('storage.westeurope')!;
    expect(weu.name).toBe('Storage.WestEurope');
    expect(weu.region).toBe('westeurope');
    expect(weu.systemService).toBe('AzureStorage');
    expect(weu.addressPrefixes).toHaveLength(97);
    expect(weu.addressPrefixes).toContain('13.69.40.16/28');
    const cloud = catalog!.tags.get('azurecloud')!;
    expect(cloud.addressPrefixes.length).toBe(9585);
    expect(cloud.region).toBeUndefined();
    const ipv6 = [...catalog!.tags.values()].flatMap((t) => t.addressPrefixes).filter((p) => p.includes(':'));
    expect(ipv6).toEqual([]);
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: 'info', code: 'ipv6.unsupported', file, message: expect.stringContaining('24429 IPv6 prefixes') }),
    ]);
  });

  it('China: a small full-shape file', () => {
    const { file, text } = corpusFile('service-tags/China/ServiceTags_China_20260720.json');
    const { catalog, diagnostics } = readServiceTags(file, text);
    expect(catalog!.cloud).toBe('China');
    expect(catalog!.changeNumber).toBe(405);
    expect(catalog!.tags.size).toBe(327);
    expect(catalog!.tags.get('storage.chinaeast2')!.addressPrefixes.slice(0, 3)).toEqual(['40.72.198.0/24', '40.73.81.0/24', '40.73.85.16/28']);
    expect(catalog!.tags.get('storage.chinaeast2')!.addressPrefixes).toHaveLength(6);
    expect(diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('REST ServiceTags_List example: changeNumber as a string, body inside responses', () => {
    const { file, text } = restExample('ServiceTagsList');
    const { catalog, diagnostics } = readServiceTags(file, text);
    expect(diagnostics).toEqual([]);
    expect(catalog!.changeNumber).toBe(63);
    expect(catalog!.cloud).toBe('Public');
    expect([...catalog!.tags.keys()]).toEqual(['apimanagement', 'apimanagement.australiacentral', 'appservice', 'servicebus', 'servicebus.eastus2']);
    expect(catalog!.tags.get('servicebus.eastus2')!.addressPrefixes).toEqual(['13.68.110.36/32', '40.70.146.64/29']);
  });
});

describe('readServiceTags: bad input', () => {
  it('malformed JSON -> json.malformed with line and column, no catalog', () => {
    const r = readServiceTags('tags.json', '{\n  "changeNumber": 1,\n  "values": [\n    {"name": "A",]\n}');
    expect(r.catalog).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'json.malformed', severity: 'error', file: 'tags.json', line: 4 })]);
  });

  it('not a tags file -> input.unrecognized error', () => {
    const r = readServiceTags('x.json', JSON.stringify({ value: [] }));
    expect(r.catalog).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'input.unrecognized', severity: 'error', file: 'x.json', jsonPath: '$' })]);
  });

  it('invalid prefixes (a number among them) are reported and dropped; IPv6 counted once', () => {
    const doc = {
      changeNumber: 2,
      cloud: 'Public',
      values: [
        { name: 'Tag.One', id: 'Tag.One', properties: { addressPrefixes: ['10.0.0.0/8', '10.0.0.300/24', '2603:1000::/40', '2603:2000::/40', 42] } },
        { name: 'Tag.Two', id: 'Tag.Two', properties: { addressPrefixes: '1.2.3.0/24' } },
      ],
    };
    const r = readServiceTags('t.json', JSON.stringify(doc));
    expect(r.catalog!.tags.get('tag.one')!.addressPrefixes).toEqual(['10.0.0.0/8']);
    expect(r.catalog!.tags.get('tag.two')!.addressPrefixes).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.jsonPath])).toEqual([
      ['cidr.invalid', 'error', '$.values[0].properties.addressPrefixes[1]'],
      ['field.type', 'error', '$.values[0].properties.addressPrefixes[4]'],
      ['field.type', 'error', '$.values[1].properties.addressPrefixes'],
      ['ipv6.unsupported', 'info', '$.values'],
    ]);
    expect(r.diagnostics[3].message).toContain('2 IPv6 prefixes');
  });
});
