/**
 * The set slice of the embeddings store: the sentences being edited, how they are pooled, a CSV/TSV/text
 * file being imported column by column, and the sets saved on the device.
 */
import type { StateCreator } from 'zustand';
import { findModel } from '../hub/catalog.ts';
import { messageOf } from '../lib/errors.ts';
import { newId } from '../lib/newId.ts';
import { selectLoaded } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { deleteAllSets, deleteSet, listSets, rawSet, saveSet } from './setStore.ts';
import {
  checkImportSize,
  datasetRows,
  guessTextColumn,
  parseTable,
  sentencesOf,
  textOf,
} from './tableFile.ts';
import type { EmbeddingsState, SetSlice } from './types.ts';

export const SAMPLE_SENTENCES = [
  'The cat sleeps on the warm windowsill.\tanimals',
  'A kitten naps in the sun by the window.\tanimals',
  'Dogs love to chase a ball in the park.\tanimals',
  'Stock markets fell sharply this morning.\tmoney',
  'The central bank raised interest rates again.\tmoney',
  'Investors moved their savings into bonds.\tmoney',
  'Heavy rain is expected in the mountains tomorrow.\tweather',
  'A sunny and warm afternoon is forecast.\tweather',
].join('\n');

/** A failed storage operation, as the sentence to show: what failed, then why. */
const storageProblem = (what: string, error: unknown) => `${what} ${messageOf(error)}`;

export const createSetSlice: StateCreator<EmbeddingsState, [], [], SetSlice> = (set, get) => ({
  text: SAMPLE_SENTENCES,
  pooling: 'mean',
  normalize: true,

  setText(text) {
    set({ text });
  },
  setPooling(pooling) {
    set({ pooling });
  },
  setNormalize(normalize) {
    set({ normalize });
  },
  applyModelDefaults() {
    const loaded = selectLoaded('embedding')(useAppStore.getState());
    const defaults = loaded ? findModel(loaded.spec.id)?.embedding : null;
    if (defaults) set({ pooling: defaults.pooling, normalize: defaults.normalize });
  },

  pendingImport: null,

  async importFile(file) {
    try {
      checkImportSize(file.name, file.size);
      const table = parseTable(await file.text(), file.name);
      const labelGuess = table.columns.findIndex((column) =>
        /^(label|class|category|tag|topic)s?$/i.test(column),
      );
      const textGuess = table.columns.findIndex((column) =>
        /^(text|sentence|content|body|document)s?$/i.test(column),
      );
      const textColumn = textGuess >= 0 ? textGuess : guessTextColumn(table);
      set({
        pendingImport: {
          fileName: file.name,
          table,
          textColumn,
          labelColumn: labelGuess >= 0 && labelGuess !== textColumn ? labelGuess : null,
        },
        error: null,
      });
    } catch (error) {
      set({ error: messageOf(error) });
    }
  },

  chooseColumns(textColumn, labelColumn) {
    const pending = get().pendingImport;
    if (pending) set({ pendingImport: { ...pending, textColumn, labelColumn } });
  },

  finishImport() {
    const pending = get().pendingImport;
    if (!pending) return;
    try {
      const { sentences, labels } = datasetRows(pending.table, pending.textColumn, pending.labelColumn);
      set({
        text: textOf(sentences, labels),
        setName: pending.fileName.replace(/\.[^.]+$/, ''),
        pendingImport: null,
        error: null,
      });
    } catch (error) {
      set({ error: messageOf(error) });
    }
  },

  cancelImport() {
    set({ pendingImport: null });
  },

  sets: [],
  brokenSets: [],
  setName: '',

  setSetName(setName) {
    set({ setName });
  },

  async loadSets() {
    try {
      const { sets, broken } = await listSets();
      set({ sets, brokenSets: broken });
    } catch (error) {
      set({ error: storageProblem('Could not read the sets saved on this device.', error) });
    }
  },

  async saveCurrentSet() {
    const name = get().setName.trim() || `Set of ${sentencesOf(get().text).sentences.length} sentences`;
    const existing = get().sets.find((candidate) => candidate.name === name);
    try {
      await saveSet({
        id: existing?.id ?? newId(),
        name,
        text: get().text,
        updatedAt: Date.now(),
      });
      const { sets, broken } = await listSets();
      set({ setName: name, sets, brokenSets: broken, notice: `Saved “${name}” on this device.` });
    } catch (error) {
      set({ error: storageProblem(`Could not save “${name}” on this device.`, error) });
    }
  },

  openSet(id) {
    const chosen = get().sets.find((candidate) => candidate.id === id);
    if (chosen) set({ text: chosen.text, setName: chosen.name, notice: null });
  },

  brokenSetRecord(id) {
    return rawSet(id);
  },

  async removeSet(id) {
    try {
      await deleteSet(id);
      const { sets, broken } = await listSets();
      set({ sets, brokenSets: broken });
    } catch (error) {
      set({ error: storageProblem('Could not delete the set.', error) });
    }
  },

  async removeAllSets() {
    try {
      await deleteAllSets();
      set({ sets: [], brokenSets: [], text: '', setName: '', notice: null });
    } catch (error) {
      set({ error: storageProblem('Could not delete the sets.', error) });
    }
  },
});
