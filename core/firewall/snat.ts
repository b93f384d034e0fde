// Which destinations Azure Firewall's network rules SNAT, and to what
// (learn.microsoft.com/azure/firewall/snat-private-range): "By default, Azure Firewall doesn't SNAT
// with Network rules when the destination IP address is in a private IP address range per IANA
// RFC 1918 or shared address space per IANA RFC 6598"; the ranges can be replaced (a firewall
// policy's `snat.privateRanges`, a firewall's `Network.SNAT.PrivateRanges`), where
// `IANAPrivateRanges` stands for the default, 0.0.0.0/0 means never SNAT and 255.255.255.255/32
// always. Traffic SNATed to a destination reached privately (the input's VNets, private space)
// takes "one of the firewall's private IP addresses in AzureFirewallSubnet"; to the internet, its
// public address. Application rules always SNAT (a proxy), handled by the walk.

import type { Caveat } from '../dataplane/caveats.ts';
import type { Topology } from '../dataplane/topology.ts';
import { PRIVATE_SET } from '../dataplane/well-known-addresses.ts';
import type { AzureFirewall, FirewallPolicy, Snapshot } from '../model/types.ts';
import { cidrsToSet } from '../sets/cidr.ts';
import { IntervalSet } from '../sets/interval-set.ts';

export interface FirewallSnat {
  /** Destinations network rules forward without SNAT. */
  noSnat: IntervalSet;
  /** What the answer must say about the setting (ranges not understood, ranges learned). */
  caveats: Caveat[];
}

const DEFAULT_SNAT: FirewallSnat = { noSnat: PRIVATE_SET, caveats: [] };
const IANA_PRIVATE_RANGES = 'ianaprivateranges';

interface Cached {
  policy: FirewallPolicy | undefined;
  base: FirewallPolicy | undefined;
  snat: FirewallSnat;
}
const cache = new WeakMap<AzureFirewall, Cached>();

/**
 * The firewall's SNAT setting: its policy's (or the base policy's, as for threat intelligence),
 * else its own classic setting, else the default. Kept per firewall while its policies are the
 * same objects (a what-if snapshot that edits a policy gets its own answer).
 */
export function firewallSnat(snapshot: Snapshot, fw: AzureFirewall): FirewallSnat {
  const policy = fw.firewallPolicyId ? snapshot.firewallPolicies.get(fw.firewallPolicyId) : undefined;
  const base = policy?.basePolicyId ? snapshot.firewallPolicies.get(policy.basePolicyId) : undefined;
  const hit = cache.get(fw);
  if (hit && hit.policy === policy && hit.base === base) return hit.snat;
  const snat = computeSnat(fw, policy, base);
  cache.set(fw, { policy, base, snat });
  return snat;
}

function computeSnat(fw: AzureFirewall, policy: FirewallPolicy | undefined, base: FirewallPolicy | undefined): FirewallSnat {
  const ranges = policy ? policy.snatPrivateRanges ?? base?.snatPrivateRanges : fw.snatPrivateRanges;
  const autoLearn = policy ? policy.snatAutoLearn ?? base?.snatAutoLearn : undefined;
  if (ranges === undefined && !autoLearn) return DEFAULT_SNAT;
  const caveats: Caveat[] = [];
  let noSnat = PRIVATE_SET;
  if (ranges !== undefined) {
    const iana = ranges.some((r) => r.trim().toLowerCase() === IANA_PRIVATE_RANGES);
    const parsed = cidrsToSet(ranges.filter((r) => r.trim().toLowerCase() !== IANA_PRIVATE_RANGES));
    noSnat = iana ? parsed.set.union(PRIVATE_SET) : parsed.set;
    if (parsed.invalid.length > 0) {
      caveats.push({ code: 'firewall.snat-range-unknown', message: `Azure Firewall ${fw.name}: the SNAT private ranges ${parsed.invalid.map((r) => `'${r}'`).join(', ')} are not addresses or prefixes; they are left out.` });
    }
  }
  if (autoLearn) {
    caveats.push({ code: 'firewall.snat-auto-learn', message: `Azure Firewall ${fw.name} learns more ranges not to SNAT from Azure Route Server (autoLearnPrivateRanges); they are not in the input, so traffic to them is shown SNATed.` });
  }
  return { noSnat, caveats };
}

const privateReach = new WeakMap<Topology, IntervalSet>();

/**
 * Where SNATed traffic keeps a private source (the firewall's address in AzureFirewallSubnet):
 * private space and the address spaces of the input's VNets (which may be public ranges used
 * privately). Once per topology.
 */
export function reachedPrivately(topology: Topology): IntervalSet {
  let set = privateReach.get(topology);
  if (!set) {
    set = PRIVATE_SET;
    for (const v of topology.vnets.values()) set = set.union(v.addressSet);
    privateReach.set(topology, set);
  }
  return set;
}
