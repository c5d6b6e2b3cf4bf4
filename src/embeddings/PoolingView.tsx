/**
 * Where a sentence vector comes from: the encoder's vector for every token, the pooled vector (mean,
 * [CLS] or last token) and, if chosen, the same vector scaled to length 1. Each vector is a strip of
 * coloured cells, one per dimension.
 */
import { useCallback, useEffect, useState } from 'react';
import { normalizeRows, pool } from '../engine/pooling.ts';
import type { TokenVectors } from '../engine/protocol.ts';
import { divergingRgb } from '../lib/colour.ts';
import { messageOf } from '../lib/errors.ts';
import { engine } from '../session/engine.ts';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { useCanvas } from '../ui/useCanvas.ts';
import { useEmbeddingsStore } from './store.ts';
import type { EmbeddingRun } from './types.ts';

const ROW_HEIGHT = 14;
const LABEL_WIDTH = 150;

interface Strip {
  label: string;
  values: Float32Array;
}

function Strips({ strips }: { strips: Strip[] }) {
  const scale = Math.max(...strips.flatMap((strip) => Array.from(strip.values, Math.abs)), 1e-9);
  const height = useCallback(() => strips.length * (ROW_HEIGHT + 2), [strips]);
  const draw = useCallback(
    (context: CanvasRenderingContext2D, width: number) => {
      context.font = '11px ui-monospace, monospace';
      context.textBaseline = 'middle';
      strips.forEach((strip, index) => {
        const top = index * (ROW_HEIGHT + 2);
        context.fillStyle = '#111827';
        context.fillText(strip.label.slice(0, 22), 0, top + ROW_HEIGHT / 2);
        const cell = (width - LABEL_WIDTH) / strip.values.length;
        strip.values.forEach((value, d) => {
          const [r, g, b] = divergingRgb(value / scale);
          context.fillStyle = `rgb(${r}, ${g}, ${b})`;
          context.fillRect(LABEL_WIDTH + d * cell, top, Math.max(cell, 1), ROW_HEIGHT);
        });
      });
    },
    [strips, scale],
  );
  const { canvas } = useCanvas(height, draw);
  return (
    <div className="canvas-box">
      <canvas
        ref={canvas}
        role="img"
        aria-label="Token vectors, the pooled vector and the normalized vector"
      />
    </div>
  );
}

export function PoolingView({ run }: { run: EmbeddingRun }) {
  const selected = useEmbeddingsStore((state) => state.selected);
  const index = selected ?? 0;
  const sentence = run.sentences[index] ?? '';
  const [tokens, setTokens] = useState<TokenVectors | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    engine.embedTokens(run.documentPrefix + sentence).then(
      (result) => current && (setTokens(result), setError(null)),
      (caught: unknown) => current && setError(messageOf(caught)),
    );
    return () => {
      current = false;
    };
  }, [run, sentence]);

  if (error) return <ErrorMessage message={error} />;
  if (!tokens) return <p className="muted">Reading the token vectors…</p>;
  const { dimensions } = tokens;
  const count = tokens.tokens.length;
  const pooled = pool(tokens.vectors, new Array(count).fill(1), 1, count, dimensions, run.pooling);
  const normalized = normalizeRows(pooled.slice(), dimensions);
  const norm = Math.hypot(...pooled);
  const strips: Strip[] = [
    ...tokens.tokens.map((token, t) => ({
      label: `${token.text} (${token.id})`,
      values: tokens.vectors.subarray(t * dimensions, (t + 1) * dimensions),
    })),
    { label: `= ${run.pooling} pooled`, values: pooled },
    ...(run.normalize ? [{ label: '= normalized', values: normalized }] : []),
  ];
  const how = {
    mean: `the average of all ${count} token vectors`,
    cls: 'the first token’s vector ([CLS])',
    last_token: 'the last token’s vector',
  }[run.pooling];
  return (
    <section className="pooling-view" aria-label="How one sentence becomes a vector">
      <p>
        “{sentence}” is {count} tokens; the encoder gives each a vector of {dimensions} numbers. The sentence
        vector is {how}
        {run.normalize
          ? `, then divided by its length (${norm.toFixed(3)}) so every sentence vector has length 1`
          : ''}
        .
        {run.modelPooled &&
          ' This model pools inside its own graph, so its sentence vectors come from that output instead.'}
      </p>
      <Strips strips={strips} />
      <p className="muted">
        Blue cells are positive, red negative; the darker, the larger. Pick another sentence on the map or in
        a list to see its tokens.
      </p>
    </section>
  );
}
