// Rule 14.1: Azure reserves five addresses of every subnet: the network address x.x.x.0, x.x.x.1
// (the default gateway), x.x.x.2 and x.x.x.3 (Azure DNS), and the last address (broadcast)
// (learn.microsoft.com/azure/virtual-network/virtual-networks-faq, S8). The "x.x.x.0-3" are the
// first four addresses of the subnet's prefix, whatever its size. Azure refuses a network interface
// that claims one, so an export never holds one; a change file, a plan or a hand-written NIC can.
// The engine evaluates such a NIC at the address it claims; the error says Azure would refuse it.
// IPv4 only: the reserved IPv6 addresses are not in the rule book.

import { parseCidr, parseIPv4 } from '../sets/index.ts';
import type { Diagnostic } from './diagnostics.ts';
import { located } from './field-path.ts';
import type { IpConfiguration, NetworkInterface, Snapshot, Subnet } from './types.ts';

/** Addresses at the start of each subnet prefix that Azure keeps (rule 14.1). */
const RESERVED_AT_START = 4;

/** Which reserved address `ip` is in `sub` (rule 14.1), or undefined when it is not one. */
export function reservedSubnetAddress(sub: Subnet, ip: number): string | undefined {
  for (const text of sub.addressPrefixes) {
    const p = parseCidr(text);
    if (!p.ok || ip < p.cidr.start || ip > p.cidr.end) continue;
    const offset = ip - p.cidr.start;
    if (offset === 0) return `the network address of ${text}`;
    if (offset === 1) return `the default gateway of ${text}`;
    if (offset < RESERVED_AT_START) return `reserved for Azure DNS in ${text}`;
    if (ip === p.cidr.end) return `the last (broadcast) address of ${text}`;
    return undefined;
  }
  return undefined;
}

export function checkReservedAddresses(s: Snapshot, out: Diagnostic[]): void {
  for (const nic of s.networkInterfaces.values()) {
    for (const ipc of nic.ipConfigurations) {
      if (ipc.privateIp === undefined || ipc.subnetId === undefined) continue;
      const sub = s.subnets.get(ipc.subnetId);
      if (sub === undefined) continue;
      const ip = parseIPv4(ipc.privateIp);
      if (ip === undefined) continue;
      const which = reservedSubnetAddress(sub, ip);
      if (which !== undefined) out.push(reservedAddressDiagnostic(nic, ipc, sub, which));
    }
  }
}

function reservedAddressDiagnostic(nic: NetworkInterface, ipc: IpConfiguration, sub: Subnet, which: string): Diagnostic {
  const d: Diagnostic = {
    severity: 'error',
    code: 'ip.reserved',
    message: `network interface ${nic.name} (${ipc.name}) claims ${ipc.privateIp}, ${which} of subnet ${sub.name}; Azure keeps the first four and the last address of every subnet and refuses this (rule 14.1); evaluated as written`,
    resourceId: nic.displayId,
    hint: 'use an address from the fifth to the second-to-last of the subnet (x.x.x.4 onwards)',
  };
  return located(d, ipc.source ?? nic.source, 'privateIPAddress');
}
