// Rule 14.2: address ranges Azure does not allow in a virtual network's address space, and the
// sizes a subnet may have (learn.microsoft.com/azure/virtual-network/virtual-networks-faq, S8):
// 224.0.0.0/4 (multicast), 255.255.255.255/32 (broadcast), 127.0.0.0/8 (loopback), 169.254.0.0/16
// (link-local) and 168.63.129.16/32 (internal DNS, DHCP and health probes); "The smallest supported
// IPv4 subnet is /29". An address space that holds any of these addresses is refused (the FAQ's
// list names them as ranges you can't add).
//
// The largest subnet: the rule book's FAQ version (2019) says /8, later versions /2; only what both
// refuse (/0 and /1) is reported, so a subnet between /2 and /8 is never called refused wrongly.
// IPv6 prefixes are not checked (the FAQ's IPv6 rules are not in the rule book; IPv6 is not analysed).
//
// An export never breaks these; a change file, a plan or a hand-written estate can. The engine
// evaluates such a VNet or subnet as written; the error says Azure would refuse it.

import { parseCidr } from '../sets/index.ts';
import type { Diagnostic } from './diagnostics.ts';
import { located } from './field-path.ts';
import type { Snapshot } from './types.ts';

/** Ranges an address space may not hold (rule 14.2), as data. */
export const REFUSED_ADDRESS_SPACE_RANGES: readonly { prefix: string; what: string }[] = [
  { prefix: '224.0.0.0/4', what: 'multicast' },
  { prefix: '255.255.255.255/32', what: 'broadcast' },
  { prefix: '127.0.0.0/8', what: 'loopback' },
  { prefix: '169.254.0.0/16', what: 'link-local' },
  { prefix: '168.63.129.16/32', what: "Azure's internal DNS, DHCP and health probe address" },
];

/** Rule 14.2: "The smallest supported IPv4 subnet is /29". */
export const SMALLEST_SUBNET_PREFIX_LENGTH = 29;
/** The largest subnet every version of the FAQ allows is /2 (the 2019 text says /8; see above). */
const LARGEST_SUBNET_PREFIX_LENGTH = 2;

interface Refused {
  start: number;
  end: number;
  prefix: string;
  what: string;
}

const REFUSED: readonly Refused[] = REFUSED_ADDRESS_SPACE_RANGES.map(({ prefix, what }) => {
  const p = parseCidr(prefix);
  if (!p.ok) throw new Error(`bad built-in prefix ${prefix}`);
  return { start: p.cidr.start, end: p.cidr.end, prefix, what };
});

export function checkAddressSpaces(s: Snapshot, out: Diagnostic[]): void {
  for (const vnet of s.virtualNetworks.values()) {
    vnet.addressSpace.forEach((text, i) => {
      const p = parseCidr(text);
      if (!p.ok) return;
      for (const r of REFUSED) {
        if (p.cidr.start > r.end || r.start > p.cidr.end) continue;
        const d: Diagnostic = {
          severity: 'error',
          code: 'address.reserved',
          message: `address space ${text} of virtual network ${vnet.name} holds ${r.prefix} (${r.what}), which Azure does not allow in an address space (rule 14.2); evaluated as written`,
          resourceId: vnet.displayId,
          hint: 'address virtual networks from private ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) or other public space you own',
        };
        out.push(located(d, vnet.source, `addressSpace.addressPrefixes[${i}]`));
      }
    });
  }
}

export function checkSubnetSizes(s: Snapshot, out: Diagnostic[]): void {
  for (const sub of s.subnets.values()) {
    const prefixes = sub.addressPrefixes;
    for (let i = 0; i < prefixes.length; i++) {
      const p = parseCidr(prefixes[i]);
      if (!p.ok) continue;
      const len = p.cidr.prefixLength;
      if (len <= SMALLEST_SUBNET_PREFIX_LENGTH && len >= LARGEST_SUBNET_PREFIX_LENGTH) continue;
      const why = len > SMALLEST_SUBNET_PREFIX_LENGTH ? `smaller than /${SMALLEST_SUBNET_PREFIX_LENGTH}, the smallest IPv4 subnet Azure allows` : `larger than any subnet Azure allows`;
      const d: Diagnostic = {
        severity: 'error',
        code: 'subnet.size',
        message: `subnet ${sub.name} prefix ${prefixes[i]} is ${why} (rule 14.2); evaluated as written`,
        resourceId: sub.displayId,
        hint: len > SMALLEST_SUBNET_PREFIX_LENGTH ? `give the subnet a /${SMALLEST_SUBNET_PREFIX_LENGTH} or larger prefix (Azure keeps 5 addresses of each subnet, rule 14.1)` : 'split the subnet into smaller ones',
      };
      out.push(located(d, sub.source, prefixes.length > 1 ? `addressPrefixes[${i}]` : 'addressPrefix'));
    }
  }
}
