// ARM templates are not evaluated: they import without crashing and say so (template.unevaluated).
// The ALZ files are JSON with comments: comments alone are read leniently (json.nonstandard, info);
// raw line breaks inside strings are json.malformed with the line and column.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createImportSession, importDocuments } from '../../importer/index.ts';
import { corpusFile, corpusPresent, corpusRoot, diags, jsonFilesBelow } from './helpers.ts';

const TEMPLATES: [file: string, declared: number][] = [
  ['mspnp-samples-hub-spoke/solutions/azure-hub-spoke/azuredeploy.json', 41],
  ['azure-quickstart-templates/quickstarts/microsoft.network/application-security-group/azuredeploy.json', 7],
  ['azure-network-security/Azure_Firewall/Template--Azure_Firewall_as_a_DNS_Proxy_in_Hub_and_Spoke_topology/azuredeploy.json', 51],
  ['azure-network-security/Azure_Firewall/Template--Private_IP_Dnat_with_2_Scenarios--Overlapped_Network_and_Non-Routable_Network/PrivateIpDnatArmTemplateV2.json', 29],
  ['azure-network-security/Lab_Templates/Lab_Template--NetSec_Demo_Lab-Standard/AzNetSecdeploy.json', 37],
];

const ALZ = 'alz-enterprise-scale/eslzArm';

describe.skipIf(!corpusPresent)('corpus: ARM templates', () => {
  it.each(TEMPLATES)('%s: one template.unevaluated warning counting %i skipped resources', (file, declared) => {
    const s = importDocuments([corpusFile(file)]);
    const w = diags(s, 'template.unevaluated');
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ severity: 'warning', file, jsonPath: '$.resources[0]' });
    expect(w[0].message).toContain(`${declared} of ${declared} resources`);
    // Nothing concrete was imported, so the input is empty.
    expect(diags(s, 'input.empty', 'error')).toHaveLength(1);
    expect(s.virtualNetworks.size + s.networkSecurityGroups.size + s.unsupported.length).toBe(0);
  });

  it('every file of Azure-Network-Security imports without an exception', () => {
    const files = jsonFilesBelow(path.join(corpusRoot, 'azure-network-security'), corpusRoot);
    expect(files.length).toBeGreaterThanOrEqual(7);
    const s = importDocuments(files.map(corpusFile));
    expect(diags(s, 'template.unevaluated')).toHaveLength(6);
    // The parameters file is recognised as such.
    expect(diags(s, 'input.unrecognized').map((d) => d.message)).toEqual([expect.stringContaining('ARM deployment parameters file')]);
  });

  it('ALZ: comments only -> read leniently with json.nonstandard (line/column of the first comment)', () => {
    const file = `${ALZ}/subscriptionTemplates/corp-vnet-peering.json`;
    const s = importDocuments([corpusFile(file)]);
    expect(diags(s, 'json.nonstandard')).toEqual([
      expect.objectContaining({ severity: 'info', file, line: 33, column: 9 }),
    ]);
    expect(diags(s, 'template.unevaluated')[0].message).toContain('3 of 3 resources');
    expect(diags(s, 'json.malformed')).toEqual([]);
  });

  it.each([
    ['subscriptionTemplates/vnetPeering.json', 114, 40],
    ['subscriptionTemplates/hubspoke-connectivity.json', 321, 62],
    ['subscriptionTemplates/nvahubspoke-connectivity.json', 233, 62],
    ['subscriptionTemplates/vwan-connectivity.json', 530, 123],
  ])('ALZ %s: raw line break inside a string -> json.malformed at %i:%i', (rel, line, column) => {
    const file = `${ALZ}/${rel}`;
    const s = importDocuments([corpusFile(file)]);
    const [d] = diags(s, 'json.malformed');
    expect(d).toMatchObject({ severity: 'error', file, line, column });
    expect(d.message).toContain('unterminated string');
    expect(d.hint).toContain('line break');
  });

  it('ALZ: the whole folder in one session goes on past the malformed files', () => {
    const files = jsonFilesBelow(path.join(corpusRoot, ALZ), corpusRoot);
    const session = createImportSession();
    for (const f of files) session.addDocument(f, corpusFile(f).text);
    const s = session.finish();
    expect(s.files).toHaveLength(files.length);
    expect(diags(s, 'json.malformed')).toHaveLength(4);
    expect(diags(s, 'template.unevaluated')).toHaveLength(files.length - 4 - 2);
    expect(diags(s, 'input.unrecognized').filter((d) => d.message.includes('parameters file'))).toHaveLength(2);
  });
});
