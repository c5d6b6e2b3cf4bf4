import { OpennessTable } from './OpennessTable.tsx';
import { ErrorMessage } from '../app/ErrorMessage.tsx';
import { useState, type ChangeEvent, type DragEvent, type FormEvent } from 'react';
import { engine } from '../app/engine.ts';
import { ModelGate } from '../app/ModelGate.tsx';
import { HUB_HOST, useAppStore } from '../app/store.ts';
import { EngineError } from '../engine/errors.ts';
import {
  DTYPES,
  DTYPE_FILE_SUFFIX,
  type Dtype,
  type ModelTask,
  type ImportedFile,
  type RepositoryReport,
} from '../engine/protocol.ts';
import { formatBytes, formatCount } from '../lib/format.ts';
import { assessFit } from './capability.ts';
import { CATALOG, loadableSizes, recommendedAppDtype, type CatalogModel } from './catalog.ts';
import { OPENNESS_LEVELS } from './openness.ts';
import { useStorageStore } from './storageStore.ts';

function freeStorage(usage: number | null, quota: number | null): number | null {
  return usage !== null && quota !== null ? quota - usage : null;
}

function DeviceCard() {
  const capabilities = useAppStore((state) => state.capabilities);
  if (!capabilities) return <p className="muted">Checking this device…</p>;
  const gpu = capabilities.webgpu;
  return (
    <dl className="kv-list" aria-label="This device">
      <dt>WebGPU</dt>
      <dd data-testid="device-webgpu">
        {gpu
          ? `${gpu.vendor || 'GPU'} ${gpu.architecture}${gpu.isFallback ? ' (software)' : ''} · largest buffer ${formatBytes(gpu.maxBufferSize)} · storage binding ${formatBytes(gpu.maxStorageBufferBindingSize)} · shader-f16 ${gpu.features.includes('shader-f16') ? 'yes' : 'no'}`
          : (capabilities.webgpuUnavailableReason ?? 'unavailable')}
      </dd>
      <dt>WASM</dt>
      <dd>
        {capabilities.wasmThreads} thread{capabilities.wasmThreads === 1 ? '' : 's'} of{' '}
        {capabilities.hardwareConcurrency} cores
        {capabilities.crossOriginIsolated ? '' : ' (not cross-origin isolated: 1 thread)'}
      </dd>
      <dt>Memory</dt>
      <dd>
        {capabilities.deviceMemoryGb === null ? 'not reported' : `about ${capabilities.deviceMemoryGb} GB`}
      </dd>
    </dl>
  );
}

function FitNotes({
  sizes,
  recommended,
  task,
}: {
  sizes: Partial<Record<Dtype, number | null>>;
  recommended?: Partial<Record<'wasm' | 'webgpu', Dtype | null>>;
  task: ModelTask;
}) {
  const capabilities = useAppStore((state) => state.capabilities);
  const free = useStorageStore((state) => freeStorage(state.usage, state.quota));
  if (!capabilities) return null;
  const fit = assessFit({
    sizes,
    capabilities,
    freeStorage: free,
    task,
    ...(recommended ? { recommended } : {}),
  });
  return (
    <div className="fit" data-testid="fit">
      <p>
        Recommended here: <strong>{fit.backend === 'webgpu' ? 'WebGPU' : 'WASM'}</strong>
        {fit.dtype ? (
          <>
            {' '}
            with <strong>{fit.dtype}</strong>
          </>
        ) : null}
        .
      </p>
      {fit.warnings.length > 0 && (
        <ul className="warnings">
          {fit.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function CatalogEntry({ model }: { model: CatalogModel }) {
  const loadModel = useAppStore((state) => state.loadModel);
  const [dtype, setDtype] = useState<Dtype | ''>(model.dtypes[0] ?? '');
  const recommended = {
    wasm: recommendedAppDtype(model, 'wasm'),
    webgpu: recommendedAppDtype(model, 'webgpu'),
  };
  return (
    <article className="catalog-entry" aria-label={model.label} data-testid="catalog-entry">
      <h4>
        {model.label} <span className="muted">{model.id}</span>
      </h4>
      <p>{model.description}</p>
      <p className="muted">
        {model.task === 'text-generation' ? 'Chat' : 'Embeddings'}
        {model.parameters ? ` · ${formatCount(model.parameters)} parameters` : ''}
        {model.contextLength
          ? ` · ${model.contextLength.toLocaleString('en-US')} tokens of context`
          : ''} ·{' '}
        {model.license ? (
          <a href={model.license.url} target="_blank" rel="noreferrer">
            {model.license.name}
          </a>
        ) : (
          'no license chosen yet'
        )}{' '}
        · {model.opennessLevel}
      </p>
      <details>
        <summary>Openness card: {OPENNESS_LEVELS[model.opennessLevel]}</summary>
        <OpennessTable model={model} />
        <p className="muted">
          Sizes per format:{' '}
          {Object.entries(model.sizes)
            .map(
              ([format, size]) =>
                `${format} ${size === null || size === undefined ? 'size unknown' : formatBytes(size)}`,
            )
            .join(', ') || 'read from the host when loading'}
          .
        </p>
      </details>
      <FitNotes sizes={loadableSizes(model)} recommended={recommended} task={model.task} />
      {model.dtypes.length > 0 ? (
        <div className="toolbar">
          <label className="inline-field">
            Weights
            <select value={dtype} onChange={(event) => setDtype(event.target.value as Dtype)}>
              {model.dtypes.map((value) => (
                <option key={value} value={value}>
                  {value}
                  {model.sizes[value] ? ` (${formatBytes(model.sizes[value] ?? 0)})` : ''}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => dtype && void loadModel(model.id, dtype)}>
            Load {model.label}
          </button>
        </div>
      ) : (
        <p className="muted">No weight format this app loads yet (it loads fp32, q8 and q4).</p>
      )}
    </article>
  );
}

function RepositoryCheck() {
  const hostFor = useAppStore((state) => state.hostFor);
  const loadModel = useAppStore((state) => state.loadModel);
  const [modelId, setModelId] = useState('');
  const [report, setReport] = useState<RepositoryReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const check = async (event: FormEvent) => {
    event.preventDefault();
    const id = modelId.trim();
    setReport(null);
    setError(null);
    if (!/^[\w.-]+\/[\w.-]+$/.test(id)) {
      setError(`"${id}" is not a model id: write it as org/name, e.g. HuggingFaceTB/SmolLM2-135M-Instruct.`);
      return;
    }
    setChecking(true);
    try {
      setReport(await engine.checkRepository(hostFor(id), id));
    } catch (caught) {
      setError(caught instanceof EngineError ? caught.message : String(caught));
    } finally {
      setChecking(false);
    }
  };

  return (
    <section aria-label="Any model">
      <h3>Any model on the host</h3>
      <form className="toolbar" onSubmit={(event) => void check(event)}>
        <label className="inline-field">
          Model id
          <input
            value={modelId}
            onChange={(event) => setModelId(event.target.value)}
            placeholder="org/name"
          />
        </label>
        <button type="submit" disabled={checking || !modelId.trim()}>
          {checking ? 'Checking…' : 'Check'}
        </button>
      </form>
      <ErrorMessage message={error} testId="repository-error" />
      {report && (
        <div data-testid="repository-report">
          <p>
            <strong>{report.modelId}</strong> on {report.host}:{' '}
            {report.architectures.join(', ') || report.modelType} ({report.modelType}),{' '}
            {report.task === 'text-generation' ? 'a chat model' : 'an embedding model'}.{' '}
            {report.supported
              ? 'Transformers.js can run this architecture.'
              : `This version of Transformers.js has no ${report.modelType} implementation: it will not load.`}
          </p>
          <FitNotes
            sizes={Object.fromEntries(report.dtypes.map((entry) => [entry.dtype, entry.bytes]))}
            task={report.task}
          />
          <ul>
            {report.dtypes.map((entry) => (
              <li key={entry.dtype}>
                {entry.dtype}: {entry.files.length} files,{' '}
                {entry.bytes === null ? 'size unknown' : formatBytes(entry.bytes)} to download{' '}
                <button
                  type="button"
                  disabled={!report.supported}
                  onClick={() => void loadModel(report.modelId, entry.dtype)}
                >
                  Load {entry.dtype}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** Files of a picked or dropped folder, with paths relative to the folder itself. */
function folderFiles(files: File[]): { name: string; files: ImportedFile[] } {
  const withPaths = files.map((file) => ({ file, path: file.webkitRelativePath || file.name }));
  const root = withPaths[0]?.path.split('/')[0] ?? 'model';
  const strip = withPaths.every((entry) => entry.path.startsWith(`${root}/`));
  return {
    name: root,
    files: withPaths.map(({ file, path }) => ({ file, path: strip ? path.slice(root.length + 1) : path })),
  };
}

async function droppedFiles(items: DataTransferItemList): Promise<File[]> {
  const files: File[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      files.push(new File([file], file.name, { type: file.type }));
      Object.defineProperty(files[files.length - 1], 'webkitRelativePath', {
        value: `${prefix}${file.name}`,
      });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const item of [...items]) {
    const entry = item.webkitGetAsEntry();
    if (entry) await walk(entry, '');
  }
  return files;
}

function OpenFromDisk() {
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
      folder.files.some((file) => file.path === `onnx/model${DTYPE_FILE_SUFFIX[candidate]}.onnx`),
    );
    if (!dtype) {
      setError(
        `${folder.name} has no onnx/model.onnx, model_quantized.onnx or model_q4.onnx: pick the folder of an ONNX model (its config.json sits next to an onnx/ folder).`,
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
      setError(caught instanceof EngineError ? caught.message : String(caught));
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

function HostSettings() {
  const mirror = useAppStore((state) => state.mirror);
  const setMirror = useAppStore((state) => state.setMirror);
  const [draft, setDraft] = useState(mirror ?? '');
  const [error, setError] = useState<string | null>(null);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    try {
      const url = new URL(draft.trim());
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      setMirror(url.href.replace(/\/+$/, ''));
      setError(null);
    } catch {
      setError(`"${draft}" is not an http(s) URL.`);
    }
  };
  return (
    <section aria-label="Host">
      <h3>Where models come from</h3>
      <p>
        {mirror
          ? `Every model loads from the mirror ${mirror}.`
          : `Catalog models load from ${HUB_HOST}; the forged demo models from this app.`}
      </p>
      <form className="toolbar" onSubmit={apply}>
        <label className="inline-field">
          Mirror URL
          <input
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            placeholder="http://192.168.1.20:8080"
          />
        </label>
        <button type="submit">Use mirror</button>
        {mirror && (
          <button
            type="button"
            onClick={() => {
              setMirror(null);
              setDraft('');
            }}
          >
            Stop using the mirror
          </button>
        )}
      </form>
      <ErrorMessage message={error} />
    </section>
  );
}

export function ModelsPanel() {
  return (
    <section className="panel models-panel" aria-label="Models">
      <h2>Models</h2>
      <ModelGate slot="chat" />
      <ModelGate slot="embedding" />
      <h3>This device</h3>
      <DeviceCard />
      <HostSettings />
      <RepositoryCheck />
      <OpenFromDisk />
      <h3>Catalog</h3>
      <div className="catalog">
        {CATALOG.map((model) => (
          <CatalogEntry key={model.id} model={model} />
        ))}
      </div>
    </section>
  );
}
