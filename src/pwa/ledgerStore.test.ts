import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../core/ledger.ts';
import { sinceModelReady } from './ledgerStore.ts';

const entry = (time: number, outcome: LedgerEntry['outcome'], bytesSent: number): LedgerEntry => ({
  id: String(time),
  time,
  method: 'GET',
  url: 'https://h/x',
  purpose: 'other',
  outcome,
  status: 200,
  bytesReceived: 0,
  bytesSent,
  initiator: 'page',
});

describe('what left the tab since the model was ready', () => {
  it('counts requests that went to the network after that moment; answers from the device and refusals do not', () => {
    const entries = [
      entry(1, 'network', 50),
      entry(5, 'device', 0),
      entry(6, 'network', 20),
      entry(7, 'refused', 0),
    ];
    expect(sinceModelReady({ entries, modelReadyAt: null })).toEqual({ requests: 0, bytesSent: 0 });
    expect(sinceModelReady({ entries, modelReadyAt: 4 })).toEqual({ requests: 1, bytesSent: 20 });
  });
});
