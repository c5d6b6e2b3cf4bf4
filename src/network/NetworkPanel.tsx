/**
 * The network ledger: every request the page, its workers and the service worker made, with where the
 * answer came from; what was sent since the model was ready; the offline switch; a JSON export.
 */
import { useMemo, useState } from 'react';
import type { RequestPurpose } from '../core/ledger.ts';
import { downloadJson } from '../lib/download.ts';
import { formatBytes, plural } from '../lib/format.ts';
import { sinceModelReady, useLedgerStore } from '../pwa/ledgerStore.ts';
import { TableScroll } from '../ui/TableScroll.tsx';

const PURPOSES: Record<RequestPurpose | 'all', string> = {
  all: 'all',
  app: 'the app',
  model: 'model files',
  other: 'other',
};

export function OfflineSwitch() {
  const offline = useLedgerStore((state) => state.offline);
  const controlled = useLedgerStore((state) => state.controlled);
  const setOffline = useLedgerStore((state) => state.setOffline);
  return (
    <label className="inline-field" title="Refuse every request this device cannot answer itself">
      <input
        type="checkbox"
        checked={offline}
        disabled={!controlled}
        onChange={(event) => setOffline(event.target.checked)}
      />
      Offline switch
    </label>
  );
}

export function NetworkPanel() {
  const entries = useLedgerStore((state) => state.entries);
  const controlled = useLedgerStore((state) => state.controlled);
  const offline = useLedgerStore((state) => state.offline);
  const modelReadyAt = useLedgerStore((state) => state.modelReadyAt);
  const [purpose, setPurpose] = useState<RequestPurpose | 'all'>('all');
  const since = sinceModelReady({ entries, modelReadyAt });
  const shown = useMemo(
    () => [...entries].reverse().filter((entry) => purpose === 'all' || entry.purpose === purpose),
    [entries, purpose],
  );
  const received = entries.reduce(
    (sum, entry) => sum + (entry.outcome === 'network' ? (entry.bytesReceived ?? 0) : 0),
    0,
  );
  return (
    <section className="panel network-panel" aria-label="Network">
      <h2>Network ledger</h2>
      {!controlled && (
        <p className="warning" role="status">
          The service worker does not control this page yet (first visit, a private window, or a browser
          without service workers), so requests are not being listed. Reload once it is installed.
        </p>
      )}
      <p
        data-testid="ledger-summary"
        data-requests-since-ready={since.requests}
        data-bytes-sent-since-ready={since.bytesSent}
      >
        {modelReadyAt === null
          ? 'No model is ready yet.'
          : `Since the model was ready: ${since.requests} network requests, ${formatBytes(since.bytesSent)} sent.`}{' '}
        In all: {plural(entries.length, 'request')} listed, {formatBytes(received)} received from the network.
      </p>
      <div className="toolbar">
        <OfflineSwitch />
        <span className="muted">
          {offline
            ? 'On: only the app and the models stored on this device work. Downloads, Hub checks and other models are refused, and listed below.'
            : 'Off: the app may download models you ask for; nothing else leaves the tab.'}
        </span>
      </div>
      <div className="toolbar">
        <label className="inline-field">
          Show
          <select
            value={purpose}
            onChange={(event) => setPurpose(event.target.value as RequestPurpose | 'all')}
          >
            {Object.entries(PURPOSES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() =>
            downloadJson('glassbox-network-ledger.json', {
              exportedAt: new Date().toISOString(),
              modelReadyAt,
              entries,
            })
          }
        >
          Export JSON
        </button>
      </div>
      <TableScroll label="Requests, scrollable">
        <table className="ledger" aria-label="Requests">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">From</th>
              <th scope="col">Request</th>
              <th scope="col">Purpose</th>
              <th scope="col">Answer</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((entry) => {
              const url = new URL(entry.url);
              return (
                <tr
                  key={entry.id}
                  data-testid="ledger-row"
                  data-outcome={entry.outcome}
                  data-purpose={entry.purpose}
                >
                  <td>{new Date(entry.time).toLocaleTimeString()}</td>
                  <td>{entry.initiator}</td>
                  <td title={entry.url}>
                    {entry.method} {url.host}
                    {url.pathname}
                  </td>
                  <td>{PURPOSES[entry.purpose]}</td>
                  <td>
                    {entry.outcome === 'device'
                      ? 'from this device'
                      : entry.outcome === 'refused'
                        ? 'refused (offline switch)'
                        : entry.outcome === 'failed'
                          ? 'failed'
                          : `network ${entry.status ?? ''}`}
                  </td>
                  <td>
                    {entry.bytesReceived !== null
                      ? formatBytes(entry.bytesReceived)
                      : entry.outcome === 'network'
                        ? '…' // still arriving
                        : '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

/** The header's always-visible line: what left the tab since the model was ready. */
export function NetworkIndicator() {
  const entries = useLedgerStore((state) => state.entries);
  const modelReadyAt = useLedgerStore((state) => state.modelReadyAt);
  const controlled = useLedgerStore((state) => state.controlled);
  const offline = useLedgerStore((state) => state.offline);
  const since = sinceModelReady({ entries, modelReadyAt });
  return (
    <a
      href="#/network"
      className={`badge${since.requests > 0 ? ' warning' : ''}`}
      data-testid="network-indicator"
    >
      {!controlled
        ? 'Network: not watched'
        : `${offline ? 'Offline · ' : ''}${plural(since.requests, 'request')}, ${formatBytes(since.bytesSent)} sent since ready`}
    </a>
  );
}
