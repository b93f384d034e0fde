// Turns the address words of NSG rules and routes (CIDRs, `*`, service tags) into address sets.
// VirtualNetwork is per subnet (rule 4.1) and is computed by virtual-network-tag.ts; everything
// else is the same everywhere.

import type { ServiceTagCatalog } from '../model/types.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { parseCidr, cidrsToSet } from '../sets/cidr.ts';
import { ALL_ADDRESSES } from '../sets/packet-space.ts';
import { AZURE_HOST_VIP_SET, INTERNET_SET } from './well-known-addresses.ts';

export type AddressWord =
  | { kind: 'set'; set: IntervalSet; /** The word relied on an approximation (Internet). */ approx?: 'internet' }
  | { kind: 'virtualNetwork' }
  | { kind: 'unknownTag'; name: string; approximation: IntervalSet }
  | { kind: 'invalid'; text: string };

export class ServiceTagResolver {
  private readonly cache = new Map<string, AddressWord>();

  constructor(private readonly catalog: ServiceTagCatalog | undefined) {}

  get hasCatalog(): boolean {
    return this.catalog !== undefined;
  }

  /** Resolve one address word as it appears in a rule. */
  resolve(word: string): AddressWord {
    const key = word.trim().toLowerCase();
    const hit = this.cache.get(key);
    if (hit) return hit;
    const r = this.resolveUncached(word.trim(), key);
    this.cache.set(key, r);
    return r;
  }

  private resolveUncached(word: string, key: string): AddressWord {
    // Rule 1.6: `*` (and Any, 0.0.0.0/0) means every address.
    if (key === '*' || key === 'any' || key === '0.0.0.0/0') return { kind: 'set', set: ALL_ADDRESSES };
    if (/^[0-9.]+(\/\d+)?$/.test(key)) {
      const p = parseCidr(word);
      return p.ok ? { kind: 'set', set: IntervalSet.range(p.cidr.start, p.cidr.end) } : { kind: 'invalid', text: word };
    }
    if (key.includes(':')) return { kind: 'invalid', text: word }; // IPv6: not modelled
    if (key === 'virtualnetwork') return { kind: 'virtualNetwork' };
    if (key === 'internet') return { kind: 'set', set: INTERNET_SET, approx: 'internet' };
    // Rule 4.2: AzureLoadBalancer is the host VIP where probes come from.
    if (key === 'azureloadbalancer') return { kind: 'set', set: AZURE_HOST_VIP_SET };
    const tag = this.catalog?.tags.get(key);
    if (tag) return { kind: 'set', set: cidrsToSet(tag.addressPrefixes.filter((p) => !p.includes(':'))).set };
    // Unknown tag: never an empty set. Azure service tags are public Azure space (rule 4.4), so we
    // approximate with the Internet set and flag every answer that leans on it.
    return { kind: 'unknownTag', name: word, approximation: INTERNET_SET };
  }

  /** Prefixes of a service tag for service-endpoint routes; undefined when unknown. */
  tagPrefixes(name: string): string[] | undefined {
    const tag = this.catalog?.tags.get(name.toLowerCase());
    return tag?.addressPrefixes.filter((p) => !p.includes(':'));
  }
}
