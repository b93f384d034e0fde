export { IntervalSet } from './interval-set.ts';
export { IPV4_MAX, isIPv4, isIPv6, parseIPv4, formatIPv4 } from './ipv4.ts';
export { parseCidr, cidrToSet, formatCidr, rangeToCidrs, setToCidrStrings, cidrsToSet } from './cidr.ts';
export type { Cidr, CidrParse } from './cidr.ts';
export { ALL_PORTS, PORT_MAX, parsePortRange, parsePortRanges, formatPorts, formatPortRangeEffective } from './ports.ts';
export type { PortParse } from './ports.ts';
