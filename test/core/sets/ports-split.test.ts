// splitBySourcePorts: the rectangles reach reports when rules restrict source ports (rule 1.7,
// learn.microsoft.com/azure/virtual-network/network-security-groups-overview: rules match the
// five-tuple, source port included).

import { describe, expect, it } from 'vitest';
import { IntervalSet } from '../../../core/sets/interval-set.ts';
import { ALL_PORTS, formatPorts, splitBySourcePorts, type PortPair } from '../../../core/sets/ports.ts';

const pair = (src: [number, number][] | 'all', dst: [number, number][]): PortPair => ({ srcPorts: src === 'all' ? ALL_PORTS : IntervalSet.fromRanges(src), dstPorts: IntervalSet.fromRanges(dst) });
const text = (ps: PortPair[]) => ps.map((p) => `${formatPorts(p.srcPorts).join(',')} -> ${formatPorts(p.dstPorts).join(',')}`);

describe('splitBySourcePorts', () => {
  it('every source port: one rectangle, destination ports merged', () => {
    expect(text(splitBySourcePorts([pair('all', [[443, 443]]), pair('all', [[80, 80], [444, 445]])]))).toEqual(['0-65535 -> 80,443-445']);
  });

  it('destination ports reached from different source ports are told apart; shared ones take the union', () => {
    // 22 only from 5000-5010; 443 from anywhere; 8080 from 5000-5010 by one rule and 6000 by another.
    const parts = splitBySourcePorts([pair([[5000, 5010]], [[22, 22], [8080, 8080]]), pair('all', [[443, 443]]), pair([[6000, 6000]], [[8080, 8080]])]);
    expect(text(parts)).toEqual(['5000-5010 -> 22', '0-65535 -> 443', '5000-5010,6000 -> 8080']);
  });

  it('the answer depends on the packets, not on how the boxes were cut', () => {
    const whole = splitBySourcePorts([pair([[1000, 2000]], [[20, 30]])]);
    const cut = splitBySourcePorts([pair([[1000, 1500]], [[20, 25]]), pair([[1501, 2000]], [[20, 25]]), pair([[1000, 2000]], [[26, 30]])]);
    expect(text(cut)).toEqual(text(whole));
    expect(text(whole)).toEqual(['1000-2000 -> 20-30']);
  });

  it('nothing in, nothing out', () => {
    expect(splitBySourcePorts([])).toEqual([]);
    expect(splitBySourcePorts([pair('all', [])])).toEqual([]);
  });
});
