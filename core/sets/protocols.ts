// IP protocol numbers (IANA) for the protocols NSG rules name (rule 1.4).

import { IntervalSet } from './interval-set.ts';

export const PROTOCOL_NUMBERS = { Icmp: 1, Tcp: 6, Udp: 17, Esp: 50, Ah: 51 } as const;
export type NamedProtocol = keyof typeof PROTOCOL_NUMBERS;

export const TCP_UDP = IntervalSet.fromRanges([
  [6, 6],
  [17, 17],
]);

export function protocolName(n: number): string {
  for (const [name, num] of Object.entries(PROTOCOL_NUMBERS)) if (num === n) return name;
  return String(n);
}

/** `Tcp`, `tcp`, `TCP` -> 6 ... ; undefined for anything else. */
export function parseProtocolName(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  for (const [name, num] of Object.entries(PROTOCOL_NUMBERS)) if (name.toLowerCase() === t) return num;
  return undefined;
}
