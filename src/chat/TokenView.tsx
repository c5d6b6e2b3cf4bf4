/**
 * The glass box around a reply: every token coloured by how sure the model was, and for a picked token
 * the ten candidates it was drawn from, each of which can continue the reply instead (a branch).
 */
import { memo, useRef, useState, type KeyboardEvent, type SyntheticEvent } from 'react';
import { STEP_CANDIDATES } from '../core/settings.ts';
import type { TokenStep } from '../engine/protocol.ts';
import { cssRgb, type ColourScheme } from '../lib/colour.ts';
import { openLookInside } from '../session/lookInside.ts';
import { ColourScale } from '../ui/ColourScale.tsx';
import { Term } from '../ui/Term.tsx';
import { useDarkScheme } from '../ui/theme.ts';
import { selectGenerating } from './selectors.ts';
import { useChatStore } from './store.ts';
import { ENTROPY_SCALE_BITS, surenessOf, tokenColours } from './tokenColours.ts';
import type { ChatTurn, TokenColouring } from './types.ts';
import './tokens.css';

/** The scheme the tokens are drawn for: the theme chosen, or the system's. */
const useScheme = (): ColourScheme => (useDarkScheme() ? 'dark' : 'light');

const percent = (prob: number) =>
  prob >= 0.001 || prob === 0 ? `${(prob * 100).toFixed(1)}%` : `${prob.toExponential(1)}`;

/** Whitespace made visible, so a candidate that is a space or a newline can be told apart. */
const visible = (text: string) => text.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥') || '∅';

function Candidates({ turn, index, position }: { turn: ChatTurn; index: number; position: number }) {
  const busy = useChatStore(selectGenerating);
  const step = turn.steps?.[position];
  if (!step) return null;
  const chosenInTop = step.candidates.some((candidate) => candidate.id === step.id);
  return (
    <figure className="candidates" data-testid="token-candidates" data-position={position}>
      <figcaption>
        Token {position + 1} of {turn.steps?.length}: <code>{visible(step.text)}</code> (id {step.id}) was
        picked with <Term id="probability">probability</Term> {percent(step.prob)}; the distribution’s{' '}
        <Term id="entropy">entropy</Term> is {step.entropyBits.toFixed(2)} bits.
      </figcaption>
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Token</th>
            <th scope="col">Id</th>
            <th scope="col">Probability</th>
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {step.candidates.map((candidate, rank) => {
            const chosen = candidate.id === step.id;
            return (
              <tr
                key={candidate.id}
                className={chosen ? 'chosen' : undefined}
                data-testid="candidate"
                data-token-id={candidate.id}
                data-prob={candidate.prob}
                aria-current={chosen ? 'true' : undefined}
              >
                <td>{rank + 1}</td>
                <td>
                  <code>{visible(candidate.text)}</code>
                </td>
                <td>{candidate.id}</td>
                <td>
                  <span className="prob-bar" style={{ width: `${Math.max(candidate.prob, 0.005) * 6}rem` }} />
                  {percent(candidate.prob)}
                </td>
                <td>
                  {chosen ? (
                    <strong>chosen</strong>
                  ) : (
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`Continue with ${visible(candidate.text)} (id ${candidate.id})`}
                      onClick={() => void useChatStore.getState().branchFrom(index, position, candidate.id)}
                    >
                      Continue with this
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {step.candidates.length < STEP_CANDIDATES && (
        <p className="muted">
          Only {step.candidates.length} {step.candidates.length === 1 ? 'token' : 'tokens'} could be picked:
          top-k and top-p removed the rest.
        </p>
      )}
      {!chosenInTop && (
        <p className="muted">
          The picked token was not among the ten likeliest: sampling drew an unlikely one.
        </p>
      )}
      <button type="button" disabled={busy} onClick={() => openLookInside(index, { token: position })}>
        Why this token?
      </button>
    </figure>
  );
}

/** Keys that move among a reply's tokens, and where each goes from `position` of `count`. */
const MOVES: Record<string, (position: number, count: number) => number> = {
  ArrowRight: (position, count) => Math.min(position + 1, count - 1),
  ArrowDown: (position, count) => Math.min(position + 1, count - 1),
  ArrowLeft: (position) => Math.max(position - 1, 0),
  ArrowUp: (position) => Math.max(position - 1, 0),
  Home: () => 0,
  End: (_, count) => count - 1,
};

/** One token of a reply: drawn again only when its colour, its tab stop or whether it is picked changes. */
const Token = memo(function Token({
  step,
  position,
  colouring,
  scheme,
  active,
  pressed,
}: {
  step: TokenStep;
  position: number;
  colouring: TokenColouring;
  scheme: ColourScheme;
  active: boolean;
  pressed: boolean;
}) {
  const sureness = surenessOf(step, colouring);
  const colours = sureness === null ? null : tokenColours(sureness, scheme);
  return (
    <button
      type="button"
      tabIndex={active ? 0 : -1}
      className="reply-token"
      style={colours ? { background: cssRgb(colours.background), color: cssRgb(colours.text) } : undefined}
      data-testid="reply-token"
      data-token-id={step.id}
      data-position={position}
      aria-pressed={pressed}
      title={`id ${step.id} · ${percent(step.prob)} · entropy ${step.entropyBits.toFixed(2)} bits`}
    >
      {step.text.replace(/\n/g, '↵\n')}
    </button>
  );
});

/** The position of the token an event came from, or null. */
function positionOf(event: SyntheticEvent): number | null {
  const token = (event.target as HTMLElement).closest<HTMLElement>('[data-position]');
  return token ? Number(token.dataset['position']) : null;
}

/**
 * A reply as its tokens; picking one shows what it was chosen from. The reply is one tab stop: arrow
 * keys, Home and End move among its tokens (roving focus), and Esc closes the candidates. Clicks and focus
 * are handled once for the reply rather than per token, and a reply is drawn again only when it changes.
 */
export const ReplyTokens = memo(function ReplyTokens({ turn, index }: { turn: ChatTurn; index: number }) {
  const colouring = useChatStore((state) => state.colouring);
  const scheme = useScheme();
  const [selected, setSelected] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const group = useRef<HTMLParagraphElement>(null);
  const steps = turn.steps ?? [];
  const focusToken = (position: number) =>
    (group.current?.children[position] as HTMLElement | undefined)?.focus();
  // Esc from a token or from inside the candidates closes them, and the focus goes back to the token.
  const onEscape = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Escape' || selected === null) return;
    event.stopPropagation();
    setSelected(null);
    focusToken(selected);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLParagraphElement>) => {
    const move = MOVES[event.key];
    if (!move || steps.length === 0) return;
    event.preventDefault();
    const next = move(active, steps.length);
    setActive(next);
    focusToken(next);
  };
  return (
    <div onKeyDown={onEscape}>
      <p
        ref={group}
        className="reply-tokens"
        role="group"
        aria-label="Reply tokens: arrow keys move between them, Enter shows the candidates"
        onKeyDown={onKeyDown}
        onFocus={(event) => {
          const position = positionOf(event);
          if (position !== null) setActive(position);
        }}
        onClick={(event) => {
          const position = positionOf(event);
          if (position !== null) setSelected(selected === position ? null : position);
        }}
      >
        {steps.map((step, position) => (
          <Token
            key={position}
            step={step}
            position={position}
            colouring={colouring}
            scheme={scheme}
            active={position === active}
            pressed={selected === position}
          />
        ))}
      </p>
      {selected !== null && <Candidates turn={turn} index={index} position={selected} />}
    </div>
  );
});

/** What the token colours mean, as a scale with its ends labelled. */
function TokenScale({ colouring }: { colouring: Exclude<TokenColouring, 'none'> }) {
  const scheme = useScheme();
  const colourAt = (sureness: number) => tokenColours(sureness, scheme).background;
  const colourNames = ['red', 'yellow', 'green'] as const;
  return colouring === 'probability' ? (
    <ColourScale
      min={0}
      max={1}
      caption="Probability of the picked token"
      meanings={['unlikely', '', 'likely']}
      format={(value) => `${Math.round(value * 100)}%`}
      colourAt={colourAt}
      colourNames={colourNames}
    />
  ) : (
    <ColourScale
      min={ENTROPY_SCALE_BITS}
      max={0}
      caption="Entropy of the choice"
      meanings={['spread out', '', 'certain']}
      format={(bits) => `${bits === ENTROPY_SCALE_BITS ? '≥ ' : ''}${bits} bits`}
      colourAt={colourAt}
      colourNames={colourNames}
    />
  );
}

/** The switch for the probability view and its colouring, with what they mean. */
export function ProbabilitySettings() {
  const show = useChatStore((state) => state.showProbabilities);
  const colouring = useChatStore((state) => state.colouring);
  const { setShowProbabilities, setColouring } = useChatStore.getState();
  return (
    <div className="probability-settings">
      <label className="inline-field">
        <input
          type="checkbox"
          checked={show}
          onChange={(event) => setShowProbabilities(event.target.checked)}
        />
        Token probabilities
      </label>
      <label className="inline-field">
        Colour tokens by
        <select
          value={colouring}
          disabled={!show}
          onChange={(event) => setColouring(event.target.value as TokenColouring)}
        >
          <option value="probability">probability of the picked token</option>
          <option value="entropy">entropy (how spread out the choice was)</option>
          <option value="none">nothing</option>
        </select>
      </label>
      {show && colouring !== 'none' && <TokenScale colouring={colouring} />}
      <span className="muted">
        {show
          ? 'New replies record, for every token, the ten likeliest candidates after temperature, top-k and top-p. Click a token to see them; green means sure, red unsure.'
          : 'Turn on to see, for every token of new replies, which tokens it was chosen from.'}
      </span>
    </div>
  );
}
