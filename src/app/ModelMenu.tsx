/**
 * The header's menus for one model slot: the chat or the embedding models (never both, so a choice
 * always loads where the person is looking), and the weights the slot's model runs with.
 */
import type { Dtype, ModelSlot } from '../core/model.ts';
import { DTYPES, slotForTask } from '../core/model.ts';
import { CATALOG } from '../hub/catalog.ts';
import { classroom } from '../hub/classroom.ts';
import { selectCurrentSpec } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';

const SLOT_MENU_LABEL: Record<ModelSlot, string> = {
  chat: 'Chat model',
  embedding: 'Embedding model',
};

/** The catalog's models of `slot`'s kind that the app can load. */
const catalogModels = (slot: ModelSlot) =>
  CATALOG.filter((model) => slotForTask(model.task) === slot && model.dtypes.length > 0);

/**
 * Models the classroom server serves that the catalog does not list (a teacher's own downloads). Their
 * kind is known only once their config is read, so both menus offer them and a load of the wrong kind
 * is refused with a notice.
 */
const laptopModels = (classroom?.models ?? []).filter((id) => !CATALOG.some((model) => model.id === id));

/** The weights a model comes in: the catalog's list for its models, any for others (read when loaded). */
const dtypesOf = (id: string): readonly Dtype[] => CATALOG.find((model) => model.id === id)?.dtypes ?? DTYPES;

export function ModelMenu({ slot }: { slot: ModelSlot }) {
  const current = useAppStore(selectCurrentSpec(slot));
  const busy = useAppStore((state) => state.slots[slot].loading !== null);
  const { loadModel } = useAppStore.getState();
  const dtype: Dtype = current?.dtype ?? 'fp32';
  const models = catalogModels(slot);

  return (
    <>
      <label className="inline-field">
        {SLOT_MENU_LABEL[slot]}
        <select
          value={current?.id ?? ''}
          disabled={busy}
          onChange={(event) => {
            const available = dtypesOf(event.target.value);
            void loadModel(event.target.value, available.includes(dtype) ? dtype : (available[0] ?? 'fp32'), {
              slot,
            });
          }}
        >
          {!current && <option value="">Choose a model…</option>}
          {current &&
            !models.some((model) => model.id === current.id) &&
            !laptopModels.includes(current.id) && <option value={current.id}>{current.id}</option>}
          {laptopModels.length > 0 && (
            <optgroup label="On the teacher's laptop">
              {laptopModels.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </optgroup>
          )}
          {models.map((model) => (
            <option key={model.id} value={model.id}>
              {model.label}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field advanced">
        Weights
        <select
          value={dtype}
          disabled={busy || !current}
          // The same model from where it came (a link's host, a folder on disk), not the default host.
          onChange={(event) =>
            current &&
            void loadModel(current.id, event.target.value as Dtype, {
              host: current.host,
              task: current.task,
              slot,
            })
          }
        >
          {(current ? dtypesOf(current.id) : DTYPES).map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
