// Flag values the verbs parse: IP:PORT, IPv4 addresses, directions and protocols.

import type { Direction } from '../core/index.ts';
import { parseIPv4 } from '../core/index.ts';
import { usageError } from './io.ts';

export function parseIpFlag(verb: string, flag: string, text: string): { ip: number; ipText: string } {
  const ip = parseIPv4(text);
  if (ip === undefined) throw usageError(verb, `${flag} ${text}: not an IPv4 address (write it like 10.0.0.4)`);
  return { ip, ipText: text.trim() };
}

export function parsePortText(verb: string, flag: string, text: string): number {
  const t = text.trim();
  const n = /^\d{1,5}$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n > 65535) throw usageError(verb, `${flag}: '${text}' is not a port number (0-65535)`);
  return n;
}

export function parseIpPortFlag(verb: string, flag: string, text: string): { ip: number; ipText: string; port: number } {
  const i = text.lastIndexOf(':');
  if (i < 0) throw usageError(verb, `${flag} ${text}: expected IP:PORT, e.g. 10.0.0.4:443`);
  const { ip, ipText } = parseIpFlag(verb, flag, text.slice(0, i));
  return { ip, ipText, port: parsePortText(verb, flag, text.slice(i + 1)) };
}

export function parseDirectionFlag(verb: string, text: string): Direction {
  const t = text.trim().toLowerCase();
  if (t === 'inbound' || t === 'in') return 'Inbound';
  if (t === 'outbound' || t === 'out') return 'Outbound';
  throw usageError(verb, `--direction ${text}: expected Inbound or Outbound`);
}

/** IP flow verify tests TCP and UDP only (rule 13.1). */
export function parseTcpUdpFlag(verb: string, text: string): { number: number; name: 'TCP' | 'UDP' } {
  const t = text.trim().toLowerCase();
  if (t === 'tcp') return { number: 6, name: 'TCP' };
  if (t === 'udp') return { number: 17, name: 'UDP' };
  throw usageError(verb, `--protocol ${text}: expected TCP or UDP (IP flow verify tests TCP and UDP only)`);
}
