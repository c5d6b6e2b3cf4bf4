/** The architecture card, true parameter count, storage by dtype, and a diagram of one layer from the graph. */
import { useMemo, useState } from 'react';
import type { TermId } from '../core/glossary.ts';
import { formatBytes, formatCount, formatMs } from '../lib/format.ts';
import { countParameters } from '../lib/onnx/parameters.ts';
import { openLookInside, type InsideTab } from '../session/lookInside.ts';
import { selectLoaded } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { IndexSelect } from '../ui/IndexSelect.tsx';
import { Term } from '../ui/Term.tsx';
import type { OpenedModel } from './protocol.ts';

/** Config fields, each with the glossary's term for it (Model type is a name, not a concept). */
const ARCHITECTURE_FIELDS: [label: string, keys: string[], term: TermId | null][] = [
  ['Model type', ['model_type'], null],
  ['Layers', ['num_hidden_layers', 'n_layer', 'num_layers'], 'layers'],
  ['Hidden size', ['hidden_size', 'n_embd', 'd_model'], 'hiddenSize'],
  ['Attention heads', ['num_attention_heads', 'n_head'], 'attentionHeads'],
  ['KV heads', ['num_key_value_heads'], 'kvHeads'],
  ['Head dim', ['head_dim'], 'headDim'],
  ['FFN size', ['intermediate_size', 'n_inner'], 'ffnSize'],
  ['Vocabulary', ['vocab_size'], 'vocabulary'],
  ['Context length', ['max_position_embeddings', 'n_positions', 'max_sequence_length'], 'contextLength'],
  ['Rope theta', ['rope_theta'], 'ropeTheta'],
  ['Tied embeddings', ['tie_word_embeddings'], 'tiedEmbeddings'],
];

function configValue(config: Record<string, unknown>, keys: string[]): string {
  for (const key of keys) {
    const value = config[key];
    if (value !== undefined && value !== null)
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  // head_dim is often implied rather than written.
  if (
    keys[0] === 'head_dim' &&
    typeof config['hidden_size'] === 'number' &&
    typeof config['num_attention_heads'] === 'number'
  ) {
    return `${config['hidden_size'] / config['num_attention_heads']} (hidden size / heads)`;
  }
  return '—';
}

/** Ops of a layer part, repeated ones counted: `MatMul ×3`. */
function opChips(ops: string[]): string[] {
  const counts = new Map<string, number>();
  for (const op of ops) counts.set(op, (counts.get(op) ?? 0) + 1);
  return [...counts.entries()].map(([op, count]) => (count > 1 ? `${op} ×${count}` : op));
}

export function Overview({ model }: { model: OpenedModel }) {
  const { summary, outline } = model;
  const config = model.config ?? {};
  const tiedEmbeddings = config['tie_word_embeddings'] === true;
  const parameters = useMemo(() => countParameters(summary, { tiedEmbeddings }), [summary, tiedEmbeddings]);
  const block = outline.blocks[0];
  return (
    <div className="inspector-overview">
      <section aria-label="Architecture">
        <h3>Architecture</h3>
        <dl className="kv-list" data-testid="architecture">
          {ARCHITECTURE_FIELDS.map(([label, keys, term]) => (
            <div key={label}>
              <dt>{term ? <Term id={term}>{label}</Term> : label}</dt>
              <dd>{configValue(config, keys)}</dd>
            </div>
          ))}
        </dl>
        <p data-testid="layer-count" data-layers={outline.blocks.length}>
          The graph has <strong>{outline.blocks.length}</strong> repeated layers
          {outline.blocks.length > 0 &&
            (outline.uniform ? ', all with the same operations' : ', not all alike')}
          .
        </p>
      </section>
      <section aria-label="Parameters">
        <h3>Parameters</h3>
        <p data-testid="parameter-count" data-parameters={parameters.total}>
          <strong>{formatCount(parameters.total)}</strong> <Term id="parameters">parameters</Term> (
          {parameters.total.toLocaleString('en-US')}): <Term id="packed4Bit">packed 4-bit</Term> weights
          counted as K×N values, 8-bit ones once, scales, zero points and constants not at all.
        </p>
        <ul className="dtype-shares">
          {Object.entries(parameters.byDtype).map(([dtype, share]) => (
            <li key={dtype}>
              stored as {dtype}: {formatCount(share.parameters)} parameters in {share.tensors} tensors,{' '}
              {formatBytes(share.bytes)}
            </li>
          ))}
        </ul>
        <p className="muted">
          <Term id="onnx">{model.file}</Term>: {formatBytes(model.fileBytes)}, {summary.initializers.length}{' '}
          <Term id="tensor">tensors</Term>, {summary.nodes.length} <Term id="graph">nodes</Term>, opsets{' '}
          {summary.opsets.map((opset) => `${opset.domain || 'ai.onnx'} ${opset.version}`).join(', ')}; read{' '}
          {model.fromStore ? 'from this device' : `from ${model.target.host}`}, structure parsed in{' '}
          {formatMs(model.parseMs)}.
        </p>
      </section>
      {block && (
        <section aria-label="One layer">
          <h3>
            One layer ({block.label}, {block.nodes.length} operations), as the graph computes it
          </h3>
          <ol className="layer-diagram">
            {outline.layerParts.map((part) => (
              <li key={part.name}>
                <strong>{part.name}</strong>
                <span className="op-chips">
                  {opChips(part.ops).map((chip) => (
                    <code key={chip}>{chip}</code>
                  ))}
                </span>
              </li>
            ))}
          </ol>
          <LayerAtWork model={model} layers={outline.blocks.length} />
        </section>
      )}
    </div>
  );
}

/**
 * When the inspected model is the loaded chat model, any of its layers can be seen at work in the last
 * reply: the chat's Look inside opens at that layer's attention or activations.
 */
function LayerAtWork({ model, layers }: { model: OpenedModel; layers: number }) {
  const chat = useAppStore(selectLoaded('chat'));
  const [layer, setLayer] = useState(0);
  const { host, modelId } = model.target;
  if (!chat || chat.spec.id !== modelId || chat.spec.host !== host) return null;
  const open = (tab: InsideTab) => {
    openLookInside('last', { layer, tab });
    window.location.hash = '#/chat';
  };
  return (
    <div className="toolbar" role="group" aria-label="A layer at work">
      <IndexSelect label="Layer" value={layer} count={layers} onChange={setLayer} />
      <button type="button" onClick={() => open('attention')}>
        Its attention in the last reply
      </button>
      <button type="button" onClick={() => open('activations')}>
        Its activations in the last reply
      </button>
      {chat.spec.dtype !== model.target.dtype && (
        <span className="muted">(as the loaded {chat.spec.dtype} weights compute them)</span>
      )}
    </div>
  );
}
