// One concrete packet: the five-tuple NSGs match on (rule 1.7). Addresses are IPv4 numbers,
// protocol the IP protocol number.

export interface Flow {
  protocol: number;
  src: number;
  srcPort: number;
  dst: number;
  dstPort: number;
}
