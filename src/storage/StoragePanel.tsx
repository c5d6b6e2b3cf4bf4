import { useEffect } from 'react';
import { hostLabel } from '../core/hosts.ts';
import type { ModelStoreKind } from '../hub/modelStore.ts';
import { formatBytes } from '../lib/format.ts';
import { selectTeacherTools, useRoomStore } from '../session/room.ts';
import { selectLoadedCount } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { TableScroll } from '../ui/TableScroll.tsx';
import { TermHelp } from '../ui/Term.tsx';
import { useStorageStore } from './store.ts';

const STORE_KIND_TEXT: Record<ModelStoreKind, string> = {
  files: "Models are kept as files in this site's private file system.",
  indexeddb:
    'Models are kept in IndexedDB: this address is not secure (plain http), so the browser gives it no file system. They stay after a reload.',
  memory:
    "Models are kept in this tab's memory only: this browser refuses this site any storage, so they download again after a reload.",
};

/** Models on this device: sizes, last use, delete; the browser's quota and whether storage is persistent. */
export function StoragePanel() {
  const models = useStorageStore((state) => state.models);
  const usage = useStorageStore((state) => state.usage);
  const quota = useStorageStore((state) => state.quota);
  const persisted = useStorageStore((state) => state.persisted);
  const kind = useStorageStore((state) => state.kind);
  const error = useStorageStore((state) => state.error);
  const { refresh, remove, removeAll, persist } = useStorageStore.getState();
  const loadedCount = useAppStore(selectLoadedCount);
  const teacherTools = useRoomStore(selectTeacherTools);

  useEffect(() => {
    void refresh();
  }, [refresh, loadedCount]);

  const modelBytes = models.reduce((sum, model) => sum + model.bytes, 0);
  return (
    <section className="panel storage-panel" aria-label="Storage">
      <h2>Storage on this device</h2>
      <ErrorMessage message={error} />
      <p data-testid="storage-usage" data-usage={usage ?? ''} data-model-bytes={modelBytes}>
        Models: <strong>{formatBytes(modelBytes)}</strong> in {models.length} model
        {models.length === 1 ? '' : 's'}. This site uses {usage === null ? '…' : formatBytes(usage)} of{' '}
        {quota === null ? '…' : formatBytes(quota)} the browser allows it.
      </p>
      {kind && (
        <p data-testid="store-kind" data-kind={kind}>
          {STORE_KIND_TEXT[kind]}
          {kind === 'files' && <TermHelp id="opfs" />}
        </p>
      )}
      {persisted !== null && (
        <p>
          {persisted === true
            ? 'Storage is persistent: the browser will not evict these models when space runs low.'
            : 'Storage is best-effort: the browser may evict these models when the disk runs low.'}{' '}
          {persisted !== true && (
            <button type="button" onClick={() => void persist()}>
              Ask to keep models
            </button>
          )}
        </p>
      )}
      {models.length === 0 ? (
        <p className="muted">No model is stored yet. Models are stored the first time they load.</p>
      ) : (
        <TableScroll label="Stored models, scrollable">
          <table aria-label="Stored models">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">From</th>
                <th scope="col">Files</th>
                <th scope="col">Size</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {models.map((model) => {
                // A model loaded from two hosts is stored twice: the host tells the copies apart.
                const named = `${model.manifest.id} from ${hostLabel(model.manifest.host)}`;
                return (
                  <tr
                    key={`${model.manifest.host}/${model.manifest.id}`}
                    data-testid="stored-model"
                    data-files={Object.keys(model.manifest.files).length}
                  >
                    <td>{model.manifest.id}</td>
                    <td title={model.manifest.host}>{hostLabel(model.manifest.host)}</td>
                    <td>
                      <details>
                        <summary>{Object.keys(model.manifest.files).length}</summary>
                        <ul className="file-list">
                          {Object.entries(model.manifest.files).map(([file, entry]) => (
                            <li key={file}>
                              {file} ({formatBytes(entry.size)})
                            </li>
                          ))}
                        </ul>
                      </details>
                    </td>
                    <td>{formatBytes(model.bytes)}</td>
                    <td>{new Date(model.manifest.lastUsed).toLocaleString()}</td>
                    <td>
                      {teacherTools && (
                        <ConfirmButton
                          label={`Delete ${named}`}
                          question={`Delete ${named} (${formatBytes(model.bytes)}) from this device? Loading it again downloads it again.`}
                          confirmLabel={`Yes, delete ${named}`}
                          onConfirm={() => void remove(model)}
                        >
                          Delete
                        </ConfirmButton>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
      {models.length > 0 && teacherTools && (
        <ConfirmButton
          className="danger"
          label="Delete all models"
          question={`Delete all ${models.length} models (${formatBytes(modelBytes)}) from this device? Loading them again downloads them again.`}
          confirmLabel="Yes, delete all models"
          onConfirm={() => void removeAll()}
        >
          Delete all models
        </ConfirmButton>
      )}
    </section>
  );
}
