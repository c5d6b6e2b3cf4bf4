/** A model folder picked or dropped from disk: copied into the device's store, then loaded with no network. */
import { useState, type ChangeEvent, type DragEvent } from 'react';
import { DTYPES } from '../core/model.ts';
import { weightFile } from '../core/weightFiles.ts';
import { messageOf } from '../lib/errors.ts';
import { engine } from '../session/engine.ts';
import { useAppStore } from '../session/store.ts';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { droppedFiles, folderFiles } from './folderFiles.ts';

export function OpenFromDisk() {
  const loadModel = useAppStore((state) => state.loadModel);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const open = async (files: File[]) => {
    setError(null);
    if (files.length === 0) return;
    const folder = folderFiles(files);
    const modelId = `disk/${folder.name.replace(/[^\w.-]/g, '_')}`;
    // Pick the weights before copying anything, so a folder without them costs nothing.
    const dtype = DTYPES.find((candidate) =>
      folder.files.some((file) => file.path === weightFile(candidate)),
    );
    if (!dtype) {
      setError(
        `${folder.name} has no ${DTYPES.map(weightFile).join(', ')}: pick the folder of an ONNX model (its config.json sits next to an onnx/ folder).`,
      );
      return;
    }
    setStatus(`Copying ${folder.files.length} files of ${folder.name} into this device's model store…`);
    try {
      const imported = await engine.importFolder(modelId, folder.files);
      setStatus(`Loading ${modelId} (${dtype}) from this device…`);
      await loadModel(modelId, dtype, { host: imported.host, task: imported.task });
      setStatus(`${modelId} is on this device: it loads without any network.`);
    } catch (caught) {
      setStatus(null);
      setError(messageOf(caught));
    }
  };

  return (
    <section aria-label="Open from disk">
      <h3>Open a model folder from disk</h3>
      <div
        className="drop-zone"
        onDragOver={(event: DragEvent) => event.preventDefault()}
        onDrop={(event: DragEvent) => {
          event.preventDefault();
          void droppedFiles(event.dataTransfer.items).then(open);
        }}
      >
        <label className="field">
          Pick or drop a Hugging Face model folder (config.json, tokenizer files, onnx/)
          <input
            type="file"
            // @ts-expect-error webkitdirectory is not in React's input attributes, but every browser supports it.
            webkitdirectory=""
            multiple
            onChange={(event: ChangeEvent<HTMLInputElement>) => void open([...(event.target.files ?? [])])}
          />
        </label>
      </div>
      {status && <p role="status">{status}</p>}
      <ErrorMessage message={error} />
    </section>
  );
}
