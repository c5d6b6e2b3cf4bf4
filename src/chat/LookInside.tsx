/**
 * "Look inside" a reply: one teacher-forced pass of an instrumented copy of the chat model over the prompt
 * and the reply (engine/tasks/lookInside.ts), shown three ways: the logit lens (what each layer would
 * predict at each position, had the model stopped there), attention (where each head of a layer looks),
 * and activations (how large the residual stream grows, and which dimensions stand out).
 *
 * Opened from a reply ("Look inside") or from a token's candidates ("Why this token?", at the position
 * that predicted it). Nothing runs while it is closed.
 */
import { Fragment, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { InsideView } from '../engine/protocol.ts';
import { cssRgb, type ColourScheme } from '../lib/colour.ts';
import { messageOf } from '../lib/errors.ts';
import { engine } from '../session/engine.ts';
import { closeLookInside, showInsideTab, useLookInside } from '../session/lookInside.ts';
import { ColourScale } from '../ui/ColourScale.tsx';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { IndexSelect } from '../ui/IndexSelect.tsx';
import { Term } from '../ui/Term.tsx';
import { useDarkScheme } from '../ui/theme.ts';
import { useCanvas } from '../ui/useCanvas.ts';
import { requestMessages } from './selectors.ts';
import { useChatStore } from './store.ts';
import { tokenColours } from './tokenColours.ts';
import type { ChatTurn } from './types.ts';
import './inside.css';

const percent = (prob: number) =>
  prob >= 0.001 || prob === 0 ? `${(prob * 100).toFixed(1)}%` : prob.toExponential(1);

/** Whitespace made visible, so a space or a newline can be told apart. */
const visible = (text: string) => text.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥') || '∅';

type Look = { turn: ChatTurn; view: InsideView } | { turn: ChatTurn; error: string } | null;

/** The index of the reply `target` names: the last reply with token ids, for `'last'`. */
function replyIndex(turns: readonly ChatTurn[], reply: number | 'last'): number {
  if (reply !== 'last') return reply;
  return turns.findLastIndex((turn) => turn.role === 'assistant' && (turn.tokenIds?.length ?? 0) > 0);
}

export function LookInsideDialog() {
  const target = useLookInside((state) => state.target);
  const tab = useLookInside((state) => state.tab);
  const dialog = useRef<HTMLDialogElement>(null);
  const [look, setLook] = useState<Look>(null);
  const index = useChatStore((state) => (target ? replyIndex(state.turns, target.reply) : -1));
  const turn = useChatStore((state) => state.turns[index]);

  useEffect(() => {
    if (!target) return dialog.current?.close();
    if (!dialog.current?.open) dialog.current?.showModal();
    if (!turn || (look && look.turn === turn)) return;
    const { systemPrompt, turns, settings } = useChatStore.getState();
    const request = engine.lookInside({
      messages: requestMessages(systemPrompt, turns.slice(0, index)),
      reply: turn.tokenIds ?? [],
      maxNewTokens: settings.maxNewTokens,
    });
    request.done.then(
      (view) => setLook({ turn, view }),
      (error: unknown) => setLook({ turn, error: messageOf(error) }),
    );
    return () => request.cancel();
    // The look belongs to its turn: a new target on the same turn keeps it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target, turn]);

  const view = look && 'view' in look && look.turn === turn ? look.view : null;
  const error = look && 'error' in look && look.turn === turn ? look.error : null;
  const focus =
    view && target?.token !== null && target?.token !== undefined
      ? Math.max(0, view.replyStart + target.token - 1)
      : null;
  return (
    <dialog
      ref={dialog}
      className="look-inside"
      aria-labelledby="look-inside-title"
      onClose={closeLookInside}
    >
      <h2 id="look-inside-title">Inside the reply</h2>
      {target && !turn && (
        <p role="status" data-testid="inside-no-reply">
          There is no reply to look inside yet: ask the chat model something, then look inside its reply.
        </p>
      )}
      {turn && !view && !error && (
        <p role="status" className="muted">
          Running the prompt and the reply through an instrumented copy of the model…
        </p>
      )}
      {error && <ErrorMessage message={error} />}
      {view && (
        <>
          <p className="muted" data-testid="inside-summary">
            {view.modelId} on {view.backend === 'webgpu' ? 'WebGPU' : 'WASM'}: {view.layers} layers,{' '}
            {view.tokens.length} positions ({view.replyStart} of the prompt,{' '}
            {view.tokens.length - view.replyStart} of the reply). One pass took{' '}
            {Math.round(view.timing.passMs)} ms
            {view.timing.buildMs !== null &&
              `, after ${Math.round(view.timing.buildMs)} ms building the instrumented copy (kept while the model stays loaded)`}
            .
          </p>
          <div className="toolbar" role="group" aria-label="What to show">
            {(
              [
                ['lens', 'Logit lens'],
                ['attention', 'Attention'],
                ['activations', 'Activations'],
              ] as const
            ).map(([key, label]) => (
              <button key={key} type="button" aria-pressed={tab === key} onClick={() => showInsideTab(key)}>
                {label}
              </button>
            ))}
          </div>
          {tab === 'lens' && <LensGrid key={focus} view={view} focus={focus} />}
          {tab === 'attention' && <AttentionView key={target?.layer} view={view} layer={target?.layer} />}
          {tab === 'activations' && <ActivationsView key={target?.layer} view={view} layer={target?.layer} />}
        </>
      )}
      <div className="toolbar">
        <button type="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}

const useScheme = (): ColourScheme => (useDarkScheme() ? 'dark' : 'light');

type GridCell = { layer: number; position: number };

/** Whether a reply token follows `position`: the token there was chosen by the model, not predicted here. */
const followedByReply = (view: InsideView, position: number) =>
  position >= view.replyStart - 1 && position < view.tokens.length - 1;

/** Reply positions whose token is not the last layer's first choice in this pass (sampled, or a near-tie). */
function departuresOf(view: InsideView): number[] {
  const last = (view.layers - 1) * view.tokens.length;
  return view.tokens
    .map((_, position) => position)
    .filter(
      (position) =>
        followedByReply(view, position) &&
        view.lensIds[(last + position) * view.topK] !== view.chosen[position],
    );
}

/** Keys that move in the lens grid (the last layer on top), and where each goes from a cell. */
const GRID_MOVES: Record<string, (cell: GridCell, layers: number, positions: number) => GridCell> = {
  ArrowLeft: ({ layer, position }) => ({ layer, position: Math.max(0, position - 1) }),
  ArrowRight: ({ layer, position }, _layers, positions) => ({
    layer,
    position: Math.min(positions - 1, position + 1),
  }),
  ArrowUp: ({ layer, position }, layers) => ({ layer: Math.min(layers - 1, layer + 1), position }),
  ArrowDown: ({ layer, position }) => ({ layer: Math.max(0, layer - 1), position }),
  Home: ({ layer }) => ({ layer, position: 0 }),
  End: ({ layer }, _layers, positions) => ({ layer, position: positions - 1 }),
};

/** The lens: layers × positions, each cell the layer's likeliest next token, coloured by its sureness of the final one. */
function LensGrid({ view, focus }: { view: InsideView; focus: number | null }) {
  const scheme = useScheme();
  const positions = view.tokens.length;
  const last = view.layers - 1;
  const [cell, setCell] = useState<GridCell | null>(focus === null ? null : { layer: last, position: focus });
  const focused = useRef<HTMLButtonElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // "Why this token?": its cell (scrollIntoView returns a promise in Chromium: not a cleanup to return).
    if (focused.current) {
      void focused.current.scrollIntoView({ block: 'nearest', inline: 'center' });
      return;
    }
    // Otherwise the reply, where a long prompt would push it out of sight: the column that predicted its
    // first token goes next to the sticky layer labels.
    const columns = scroller.current?.querySelectorAll<HTMLElement>('thead th');
    const [labels, from] = [columns?.[0], columns?.[Math.max(0, view.replyStart - 1) + 1]];
    if (scroller.current && labels && from)
      scroller.current.scrollLeft += from.getBoundingClientRect().left - labels.getBoundingClientRect().right;
  }, [view.replyStart]);
  // One tab stop for the whole grid (hundreds of cells): arrow keys, Home and End move within it.
  const [active, setActive] = useState(cell ?? { layer: last, position: positions - 1 });
  const grid = useRef<HTMLTableElement>(null);
  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    const move = GRID_MOVES[event.key];
    if (!move) return;
    event.preventDefault();
    const next = move(active, view.layers, positions);
    setActive(next);
    grid.current
      ?.querySelector<HTMLButtonElement>(
        `button[data-layer="${next.layer}"][data-position="${next.position}"]`,
      )
      ?.focus();
  };
  const layers = Array.from({ length: view.layers }, (_, layer) => last - layer);
  const topAt = (layer: number, position: number, rank = 0) =>
    (layer * positions + position) * view.topK + rank;
  const departures = departuresOf(view);
  return (
    <section aria-label="Logit lens">
      <p>
        Each cell is the token a layer would predict next, had the model stopped there: the{' '}
        <Term id="logitLens">logit lens</Term> applies its final norm and output head to the layer&apos;s{' '}
        <Term id="residualStream">residual stream</Term>. The colour is how likely that layer finds the token
        the model chose next (in the prompt, the one its last layer predicts). Click a cell for its ten
        likeliest tokens.
      </p>
      {departures.length > 0 && (
        <p data-testid="inside-departures">
          At {departures.length} of the reply&apos;s {positions - view.replyStart} tokens, the last
          layer&apos;s first choice in this pass is another token (
          {departures.slice(0, 3).map((position, index) => (
            <Fragment key={position}>
              {index > 0 && ', '}
              <code>{visible(view.texts[view.chosen[position] ?? 0] ?? '')}</code> where it ranks{' '}
              <code>{visible(view.texts[view.lensIds[topAt(last, position)] ?? 0] ?? '')}</code> first
            </Fragment>
          ))}
          {departures.length > 3 && ', …'}; dashed in the grid). Either the reply was sampled and took a less
          likely token there, or the two were so close that this pass, which reads every token at once, ranks
          them the other way: quantized and float16 arithmetic rounds differently over many tokens than over
          one.
        </p>
      )}
      <ColourScale
        min={0}
        max={1}
        caption="Probability of the token chosen next, at this layer"
        meanings={['unlikely', '', 'likely']}
        colourAt={(sureness) => tokenColours(sureness, scheme).background}
        colourNames={['red', 'yellow', 'green']}
      />
      <div className="lens-scroll" ref={scroller}>
        <table
          ref={grid}
          className="lens-grid"
          data-testid="lens-grid"
          aria-label="Logit lens: arrow keys move between cells, Enter lists a cell's ten likeliest tokens"
          onKeyDown={onKeyDown}
        >
          <thead>
            <tr>
              <th scope="col">Layer</th>
              {view.tokens.map((token, position) => (
                <th
                  key={position}
                  scope="col"
                  className={position >= view.replyStart ? 'reply' : undefined}
                  title={`Position ${position}: ${token.text} (id ${token.id})`}
                >
                  {visible(token.text)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {layers.map((layer) => (
              <tr key={layer}>
                <th scope="row">{layer === last ? `${layer} (last)` : layer}</th>
                {view.tokens.map((_, position) => {
                  const id = view.lensIds[topAt(layer, position)] ?? 0;
                  const sureness = view.chosenProbs[layer * positions + position] ?? 0;
                  const { background, text } = tokenColours(sureness, scheme);
                  const picked = cell?.layer === layer && cell.position === position;
                  const departs = layer === last && departures.includes(position);
                  return (
                    <td key={position}>
                      <button
                        type="button"
                        ref={picked && focus !== null ? focused : undefined}
                        aria-pressed={picked}
                        tabIndex={active.layer === layer && active.position === position ? 0 : -1}
                        onFocus={() => setActive({ layer, position })}
                        data-layer={layer}
                        data-position={position}
                        data-token-id={id}
                        data-probability={view.lensProbs[topAt(layer, position)]}
                        data-chosen-probability={sureness}
                        data-departs={departs || undefined}
                        title={
                          departs
                            ? `The reply has ${visible(view.texts[view.chosen[position] ?? 0] ?? '')} here`
                            : undefined
                        }
                        style={{ background: cssRgb(background), color: cssRgb(text) }}
                        onClick={() => setCell(picked ? null : { layer, position })}
                      >
                        {visible(view.texts[id] ?? '')}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cell && (
        <figure className="lens-cell" data-testid="lens-top">
          <figcaption>
            Layer {cell.layer}, after <code>{visible(view.tokens[cell.position]?.text ?? '')}</code> (position{' '}
            {cell.position}):{' '}
            {followedByReply(view, cell.position) ? "the reply's next token" : "the model's own prediction"}{' '}
            <code>{visible(view.texts[view.chosen[cell.position] ?? 0] ?? '')}</code> has probability{' '}
            {percent(view.chosenProbs[cell.layer * positions + cell.position] ?? 0)} here.
          </figcaption>
          <ol>
            {Array.from({ length: view.topK }, (_, rank) => {
              const id = view.lensIds[topAt(cell.layer, cell.position, rank)] ?? 0;
              const prob = view.lensProbs[topAt(cell.layer, cell.position, rank)] ?? 0;
              return (
                <li key={rank} data-token-id={id} data-probability={prob}>
                  <code>{visible(view.texts[id] ?? '')}</code> (id {id}) {percent(prob)}
                </li>
              );
            })}
          </ol>
        </figure>
      )}
    </section>
  );
}

/**
 * The attention map's side: the view's width, up to 30 rem (480 px at 16 px type, more when presenting),
 * and up to 60% of the window's height, so the tokens to point at below it stay in reach.
 */
const attentionSide = (width: number, rem: number) => Math.min(width, 30 * rem, 0.6 * window.innerHeight);

/** Where a layer's heads look: a query × key heatmap, and for one query token its strongest keys. */
function AttentionView({ view, layer: opened }: { view: InsideView; layer: number | null | undefined }) {
  const [layer, setLayer] = useState(Math.min(opened ?? view.layers - 1, view.layers - 1));
  const [head, setHead] = useState(0);
  const positions = view.tokens.length;
  const [query, setQuery] = useState(positions - 1);
  const map = view.attention?.maps[layer];
  const weights = map?.subarray(
    (head * positions + query) * positions,
    (head * positions + query + 1) * positions,
  );
  const { canvas } = useCanvas(attentionSide, (context, width, height, _rem, colours) => {
    if (!map) return;
    const size = Math.min(width, height) / positions;
    for (let row = 0; row < positions; row++)
      for (let column = 0; column <= row; column++) {
        const weight = map[(head * positions + row) * positions + column] ?? 0;
        context.fillStyle = `rgba(37, 99, 235, ${Math.sqrt(weight)})`;
        context.fillRect(column * size, row * size, Math.ceil(size), Math.ceil(size));
      }
    context.strokeStyle = colours.fg;
    context.strokeRect(0, query * size, positions * size, size);
  });
  if (!view.attention)
    return (
      <p className="warning" role="status" data-testid="attention-missing">
        {view.attentionMissing}
      </p>
    );
  const strongest = weights
    ? Array.from(weights, (weight, key) => ({ key, weight }))
        .sort((a, b) => b.weight - a.weight)
        .slice(0, 5)
    : [];
  return (
    <section aria-label="Attention">
      <div className="toolbar">
        <IndexSelect label="Layer" value={layer} count={view.layers} onChange={setLayer} />
        <IndexSelect label="Head" value={head} count={view.attention.heads} onChange={setHead} />
      </div>
      <p>
        Row: the token that looks (query); column: the token looked at (key). Darker is more{' '}
        <Term id="attention">attention</Term>; a token sees only those before it. Point at a token to see
        where it looks.
      </p>
      {/* Side by side where there is room: the tokens to point at stay next to the map. */}
      <div className="attention-layout">
        <div className="attention-map">
          <canvas
            ref={canvas}
            role="img"
            aria-label={`Attention of layer ${layer}, head ${head}, over ${positions} tokens`}
            onMouseMove={(event) => {
              const box = event.currentTarget.getBoundingClientRect();
              const row = Math.floor(((event.clientY - box.top) / box.height) * positions);
              if (row >= 0 && row < positions) setQuery(row);
            }}
          />
        </div>
        <div>
          <p data-testid="attention-row" data-query={query}>
            <code>{visible(view.tokens[query]?.text ?? '')}</code> (position {query}) looks most at:{' '}
            {strongest.map(({ key, weight }, rank) => (
              <span key={key} data-key={key} data-weight={weight}>
                {rank > 0 && ', '}
                <code>{visible(view.tokens[key]?.text ?? '')}</code> ({key}) {percent(weight)}
              </span>
            ))}
          </p>
          <p className="attention-tokens" aria-label="Tokens: pick one to see where it looks">
            {view.tokens.map((token, position) => (
              <button
                key={position}
                type="button"
                aria-pressed={position === query}
                data-position={position}
                onMouseEnter={() => setQuery(position)}
                onFocus={() => setQuery(position)}
                onClick={() => setQuery(position)}
              >
                {visible(token.text)}
              </button>
            ))}
          </p>
        </div>
      </div>
    </section>
  );
}

/** How large the residual stream is after each layer, a histogram of one layer's values, its largest dimensions. */
function ActivationsView({ view, layer: opened }: { view: InsideView; layer: number | null | undefined }) {
  const [layer, setLayer] = useState(Math.min(opened ?? view.layers - 1, view.layers - 1));
  const positions = view.tokens.length;
  const norms = view.norms.subarray(layer * positions, (layer + 1) * positions);
  const largestNorm = Math.max(...norms, 1e-9);
  const activations = view.activations[layer];
  const tallest = Math.max(...(activations?.counts ?? [1]));
  const binWidth = activations ? (activations.max - activations.min) / activations.counts.length : 0;
  return (
    <section aria-label="Activations">
      <IndexSelect label="Layer" value={layer} count={view.layers} onChange={setLayer} />
      <h3>
        Size of the <Term id="residualStream">residual stream</Term> per position
      </h3>
      {/* Focusable, so a keyboard can scroll a long sequence's bars. */}
      <ol className="norm-bars" tabIndex={0} aria-label={`Norm of layer ${layer}'s output at each position`}>
        {Array.from(norms, (norm, position) => (
          <li
            key={position}
            data-testid="norm"
            data-position={position}
            data-value={norm}
            title={`${view.tokens[position]?.text ?? ''}: ${norm.toFixed(2)}`}
          >
            <span className="bar" style={{ height: `${(norm / largestNorm) * 100}%` }} />
            <code>{visible(view.tokens[position]?.text ?? '')}</code>
            <span className="visually-hidden">{norm.toFixed(2)}</span>
          </li>
        ))}
      </ol>
      {activations && (
        <>
          <h3>
            Values of layer {layer} (all positions), from {activations.min.toFixed(2)} to{' '}
            {activations.max.toFixed(2)}
          </h3>
          <ol className="histogram" aria-label={`Histogram of layer ${layer}'s values`}>
            {activations.counts.map((count, bin) => (
              <li key={bin} data-count={count} style={{ height: `${(count / tallest) * 100}%` }}>
                <span className="visually-hidden">
                  {(activations.min + bin * binWidth).toFixed(2)} to{' '}
                  {(activations.min + (bin + 1) * binWidth).toFixed(2)}: {count} values
                </span>
              </li>
            ))}
          </ol>
          <h3>Largest dimensions</h3>
          <ul data-testid="largest-dimensions">
            {activations.largest.map(({ dim, value, position }) => (
              <li key={dim} data-dim={dim} data-value={value}>
                dimension {dim}: {value.toFixed(2)} at{' '}
                <code>{visible(view.tokens[position]?.text ?? '')}</code> (position {position})
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
