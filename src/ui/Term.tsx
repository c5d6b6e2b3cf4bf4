/**
 * A technical word with a small "?" after it that explains the word in plain language (from
 * core/glossary.ts), in a popover anchored below it, with a way on to the whole glossary.
 *
 *   <Term id="kvHeads" />                        // KV heads (?)
 *   <Term id="kvCache">cache</Term>              // cache (?), explaining the KV cache
 *   <label>Pooling <select /></label> <TermHelp id="pooling" />
 *
 * Beside a labelled control use `TermHelp` after the label, never inside it: inside, the button would join
 * the control's accessible name and a click on the definition would reach the control.
 *
 * The button's "?" is drawn by CSS and its name is its title ("What is KV heads?"), and the definition is
 * rendered only while open, so a term adds no text to its sentence (copying it, or a test reading it).
 * The native Popover API gives Esc, light dismiss and focus return; CSS anchor positioning places it.
 */
import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { GLOSSARY, termInSentence, type TermId } from '../core/glossary.ts';
import { openGlossary } from './Glossary.tsx';
import './glossary.css';

/** The "?" and its popover, for a word already on screen (a control's label). */
export function TermHelp({ id }: { id: TermId }) {
  const entry = GLOSSARY[id];
  const popoverId = useId();
  const popover = useRef<HTMLSpanElement>(null);
  const [open, setOpen] = useState(false);
  // Esc closes this popover only: not also the form, table or dialog the term sits in.
  const keepEscape = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && popover.current?.matches(':popover-open')) event.stopPropagation();
  };
  return (
    <span className="term-help" onKeyDown={keepEscape}>
      <button
        type="button"
        className="term-button"
        popoverTarget={popoverId}
        title={`What is ${termInSentence(id)}?`}
      />
      <span
        ref={popover}
        id={popoverId}
        popover="auto"
        className="term-popover"
        data-testid="term-popover"
        onToggle={(event) => setOpen(event.newState === 'open')}
      >
        {open && (
          <>
            <strong className="term-popover-word">{entry.term}</strong>
            <span className="term-popover-text">{entry.definition}</span>
            {entry.why && <span className="term-popover-text muted">{entry.why}</span>}
            <button
              type="button"
              className="link"
              onClick={() => {
                popover.current?.hidePopover();
                openGlossary(id);
              }}
            >
              All terms in the glossary
            </button>
          </>
        )}
      </span>
    </span>
  );
}

/** A word (the glossary's own unless given) followed by its "?". */
export function Term({ id, children }: { id: TermId; children?: ReactNode }) {
  return (
    <span className="term">
      {children ?? GLOSSARY[id].term}
      <TermHelp id={id} />
    </span>
  );
}
