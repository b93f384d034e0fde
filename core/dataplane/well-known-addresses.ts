// Address sets that Azure defines by name rather than by data.

import { IntervalSet } from '../sets/interval-set.ts';
import { cidrsToSet } from '../sets/cidr.ts';

/** The host's virtual IP: health probes, DHCP, DNS (rules 3.12, 4.2). */
export const AZURE_HOST_VIP = '168.63.129.16';
export const AZURE_HOST_VIP_SET = cidrsToSet([`${AZURE_HOST_VIP}/32`]).set;

/**
 * The `Internet` tag (rule 4.3): public IPv4 space. Effective-rule output expands it to public
 * CIDRs starting `1.0.0.0/8` and ending `208.0.0.0/4`, without RFC 1918 space; we approximate it as
 * all IPv4 minus the special-purpose ranges below, and say so in every answer that uses it (A4).
 */
const NON_INTERNET = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/3',
];
export const INTERNET_SET: IntervalSet = IntervalSet.range(0, 0xffffffff).subtract(cidrsToSet(NON_INTERNET).set);

/** RFC 1918 private space: used to tell on-premises/private hosts from internet hosts. */
export const PRIVATE_SET: IntervalSet = cidrsToSet(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']).set;

/**
 * Reserved prefixes that get a `None` system route in every subnet (rule 5.2). Kept as data
 * (A31: real output shows more). 172.16.0.0/12 is uncertain (A5).
 */
export const RESERVED_NONE_PREFIXES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'] as const;
export const UNCERTAIN_RESERVED_PREFIX = '172.16.0.0/12';
