/**
 * The sentences to embed: typed (a tab starts a label), imported from CSV/TSV/text with a column
 * choice, or reopened from the sets saved on this device; then how to pool, and Embed.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { POOLINGS, type Pooling } from '../core/model.ts';
import { findModel } from '../hub/catalog.ts';
import { downloadJson } from '../lib/download.ts';
import { useAppStore } from '../session/store.ts';
import { TermHelp } from '../ui/Term.tsx';
import { useEmbeddingsStore } from './store.ts';
import { sentencesOf } from './tableFile.ts';

const POOLING_NAMES: Record<Pooling, string> = {
  mean: 'mean of all tokens',
  cls: 'first token ([CLS])',
  last_token: 'last token',
};

function ColumnSelect({
  label,
  columns,
  value,
  optional = false,
  onChange,
}: {
  label: string;
  columns: string[];
  value: number | null;
  optional?: boolean;
  onChange: (column: number | null) => void;
}) {
  return (
    <label className="inline-field">
      {label}
      <select
        value={value ?? ''}
        onChange={(event) => onChange(event.target.value === '' ? null : Number(event.target.value))}
      >
        {optional && <option value="">none</option>}
        {columns.map((name, index) => (
          <option key={index} value={index}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

function ImportColumns() {
  const pending = useEmbeddingsStore((state) => state.pendingImport);
  const { chooseColumns, finishImport, cancelImport } = useEmbeddingsStore.getState();
  if (!pending) return null;
  const { table, textColumn, labelColumn } = pending;
  return (
    <div className="import-columns" role="group" aria-label="Columns to import">
      <p>
        {pending.fileName}: {table.rows.length} rows, {table.columns.length} columns.
      </p>
      <ColumnSelect
        label="Text column"
        columns={table.columns}
        value={textColumn}
        onChange={(column) => column !== null && chooseColumns(column, labelColumn)}
      />
      <ColumnSelect
        label="Label column"
        columns={table.columns}
        value={labelColumn}
        optional
        onChange={(column) => chooseColumns(textColumn, column)}
      />
      <button type="button" onClick={finishImport}>
        Use these columns
      </button>
      <button type="button" onClick={cancelImport}>
        Cancel
      </button>
    </div>
  );
}

function SavedSets() {
  const sets = useEmbeddingsStore((state) => state.sets);
  const broken = useEmbeddingsStore((state) => state.brokenSets);
  const setName = useEmbeddingsStore((state) => state.setName);
  const { setSetName, saveCurrentSet, openSet, removeSet, loadSets, brokenSetRecord } =
    useEmbeddingsStore.getState();
  useEffect(() => void loadSets(), [loadSets]);
  return (
    <details className="saved-sets">
      <summary>Saved sets ({sets.length})</summary>
      <div className="toolbar">
        <label className="inline-field">
          Set name
          <input value={setName} onChange={(event) => setSetName(event.target.value)} />
        </label>
        <button type="button" onClick={() => void saveCurrentSet()}>
          Save set
        </button>
      </div>
      <ul>
        {sets.map((saved) => (
          <li key={saved.id} data-testid="saved-set">
            <button type="button" className="link" onClick={() => openSet(saved.id)}>
              {saved.name}
            </button>{' '}
            <span className="muted">{sentencesOf(saved.text).sentences.length} sentences</span>{' '}
            <button
              type="button"
              aria-label={`Delete ${saved.name}`}
              onClick={() => void removeSet(saved.id)}
            >
              Delete
            </button>
          </li>
        ))}
        {broken.map((item) => (
          <li key={item.id} data-testid="broken-set" className="broken-item">
            <strong>{item.name}</strong> cannot be opened: {item.problem}.{' '}
            <button
              type="button"
              aria-label={`Export ${item.name} as stored`}
              onClick={() =>
                void brokenSetRecord(item.id).then((record) =>
                  downloadJson(`${item.name}-as-stored.json`, record),
                )
              }
            >
              Export as stored
            </button>{' '}
            <button type="button" aria-label={`Delete ${item.name}`} onClick={() => void removeSet(item.id)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      <p className="muted">
        Saved in this browser; their vectors are kept too, so embedding a saved set again is instant.
      </p>
    </details>
  );
}

export function SetEditor() {
  const text = useEmbeddingsStore((state) => state.text);
  const pooling = useEmbeddingsStore((state) => state.pooling);
  const normalize = useEmbeddingsStore((state) => state.normalize);
  const progress = useEmbeddingsStore((state) => state.progress);
  const { setText, setPooling, setNormalize, embed, cancel, importFile, applyModelDefaults } =
    useEmbeddingsStore.getState();
  const loaded = useAppStore((state) => state.slots.embedding.loaded);
  const defaults = loaded ? findModel(loaded.spec.id)?.embedding : null;
  const [fileKey, setFileKey] = useState(0);
  const { sentences, labels } = sentencesOf(text);
  // Labels follow a tab, so Tab types one; Esc first lets the next Tab leave the box, as in code editors.
  const tabLeaves = useRef(false);
  const typeTabs = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Tab') tabLeaves.current = event.key === 'Escape';
    if (event.key !== 'Tab' || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
    if (tabLeaves.current) return;
    event.preventDefault();
    // insertText keeps the browser's undo history; where it is missing the text is set directly.
    if (!document.execCommand('insertText', false, '\t')) {
      const area = event.currentTarget;
      area.setRangeText('\t', area.selectionStart, area.selectionEnd, 'end');
      setText(area.value);
    }
  };

  // A newly loaded model brings its card's pooling.
  useEffect(() => {
    if (loaded) applyModelDefaults();
  }, [loaded, applyModelDefaults]);

  return (
    <>
      <label className="field">
        Sentences, one per line (a tab, then a label, colours the map)
        <textarea
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={typeTabs}
          onBlur={() => (tabLeaves.current = false)}
          rows={8}
          spellCheck={false}
          aria-describedby="sentences-keys"
        />
        <span id="sentences-keys" className="muted">
          Tab types a tab here; Esc, then Tab, leaves the box.
        </span>
      </label>
      <div className="toolbar">
        <span className="muted">
          {sentences.length} sentences{labels ? `, ${new Set(labels).size} labels` : ''}
        </span>
        <label className="inline-field">
          Import CSV, TSV or text
          <input
            key={fileKey}
            type="file"
            accept=".csv,.tsv,.tab,.txt,text/csv,text/tab-separated-values,text/plain"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void importFile(file).then(() => setFileKey((key) => key + 1));
            }}
          />
        </label>
      </div>
      <ImportColumns />
      <SavedSets />
      <div className="toolbar">
        <label className="inline-field">
          Pooling
          <select value={pooling} onChange={(event) => setPooling(event.target.value as Pooling)}>
            {POOLINGS.map((value) => (
              <option key={value} value={value}>
                {POOLING_NAMES[value]}
              </option>
            ))}
          </select>
        </label>
        <TermHelp id="pooling" />
        <label className="inline-field">
          <input
            type="checkbox"
            checked={normalize}
            onChange={(event) => setNormalize(event.target.checked)}
          />
          Normalize
        </label>
        <TermHelp id="normalization" />
        {defaults?.pooledOutput && (
          <span className="muted">
            This model pools and normalizes inside its own graph ({defaults.pooledOutput}): that output is
            used.
          </span>
        )}
        {defaults && (defaults.pooling !== pooling || defaults.normalize !== normalize) && (
          <button type="button" onClick={applyModelDefaults}>
            Use the model card’s setting ({POOLING_NAMES[defaults.pooling]}
            {defaults.normalize ? ', normalized' : ''})
          </button>
        )}
        {progress ? (
          <>
            <button type="button" className="danger" onClick={cancel}>
              Cancel
            </button>
            <progress max={progress.total} value={progress.done} aria-label="Embedding progress" />
            <span data-testid="embed-progress">
              {progress.done} / {progress.total}
            </span>
          </>
        ) : (
          <button
            type="button"
            className="primary"
            onClick={() => void embed()}
            disabled={!loaded || sentences.length === 0}
          >
            Embed
          </button>
        )}
      </div>
    </>
  );
}
