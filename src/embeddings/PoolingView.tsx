/**
 * Where a sentence vector comes from: the encoder's vector for every token, the pooled vector (mean,
 * [CLS] or last token) and, if chosen, the same vector scaled to length 1. Each vector is a strip of
 * coloured cells, one per dimension (numbered along the x axis), on one colour scale.
 */
import { useCallback, useEffect, useState } from 'react';
import { normalizeRows, pool } from '../engine/pooling.ts';
import type { TokenVectors } from '../engine/protocol.ts';
import { divergingRgb } from '../lib/colour.ts';
import { messageOf } from '../lib/errors.ts';
import { niceTicks } from '../lib/ticks.ts';
import { engine } from '../session/engine.ts';
import { ColourScale } from '../ui/ColourScale.tsx';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { PlotFrame } from '../ui/PlotFrame.tsx';
import type { ThemeColours } from '../ui/theme.ts';
import { useCanvas } from '../ui/useCanvas.ts';
import { useEmbeddingsStore } from './store.ts';
import type { EmbeddingRun } from './types.ts';

/** Sizes in rem, so the token labels grow with the page's text. */
const ROW_HEIGHT = 0.875;
const ROW_GAP = 0.125;
const LABEL_WIDTH = 9.375;
const FONT_SIZE = 0.6875;
/** Room per dimension tick, in rem. */
const TICK_SPACING_REM = 3.5;

interface Strip {
  label: string;
  values: Float32Array;
}

function Strips({ strips, dimensions }: { strips: Strip[]; dimensions: number }) {
  const scale = Math.max(...strips.flatMap((strip) => Array.from(strip.values, Math.abs)), 1e-9);
  const height = useCallback(
    (_width: number, rem: number) => strips.length * (ROW_HEIGHT + ROW_GAP) * rem,
    [strips],
  );
  const draw = useCallback(
    (
      context: CanvasRenderingContext2D,
      width: number,
      _height: number,
      rem: number,
      colours: ThemeColours,
    ) => {
      const [rowHeight, labelWidth] = [ROW_HEIGHT * rem, LABEL_WIDTH * rem];
      context.font = `${FONT_SIZE * rem}px ui-monospace, monospace`;
      context.textBaseline = 'middle';
      strips.forEach((strip, index) => {
        const top = index * (ROW_HEIGHT + ROW_GAP) * rem;
        context.fillStyle = colours.fg;
        context.fillText(strip.label.slice(0, 22), 0, top + rowHeight / 2);
        const cell = (width - labelWidth) / strip.values.length;
        strip.values.forEach((value, d) => {
          const [r, g, b] = divergingRgb(value / scale);
          context.fillStyle = `rgb(${r}, ${g}, ${b})`;
          context.fillRect(labelWidth + d * cell, top, Math.max(cell, 1), rowHeight);
        });
      });
    },
    [strips, scale],
  );
  const { canvas, width, rem } = useCanvas(height, draw);
  // Dimension d's cell is the d-th of the strip, right of the labels.
  const [labelWidth, cell] = [LABEL_WIDTH * rem, (width - LABEL_WIDTH * rem) / dimensions];
  const tickCount = Math.max(2, Math.floor((width - labelWidth) / (TICK_SPACING_REM * rem)));
  const ticks =
    width > labelWidth
      ? niceTicks(0, dimensions - 1, tickCount, { integers: true }).map((d) => ({
          at: (labelWidth + (d + 0.5) * cell) / width,
          label: String(d),
        }))
      : [];
  return (
    <>
      <PlotFrame x={{ title: `Dimension (0 to ${dimensions - 1})`, ticks }} y={{ title: 'Token (id)' }}>
        <div className="canvas-box">
          <canvas
            ref={canvas}
            role="img"
            aria-label="Token vectors, the pooled vector and the normalized vector"
          />
        </div>
      </PlotFrame>
      <ColourScale
        min={-scale}
        max={scale}
        caption="Value in each dimension (colours reach full strength at the largest |value| shown)"
        meanings={['negative', 'zero', 'positive']}
      />
    </>
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
      <Strips strips={strips} dimensions={dimensions} />
      <p className="muted">Pick another sentence on the map or in a list to see its tokens.</p>
    </section>
  );
}
