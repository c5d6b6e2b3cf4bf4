/**
 * The glossary: a "Glossary" button that opens a modal dialog listing every term of core/glossary.ts
 * alphabetically, with a filter. A term's popover (ui/Term.tsx) opens it at that term.
 *
 *   <Glossary />            // mounted once, by the shell
 *   openGlossary('kvHeads') // from anywhere: the dialog opens, scrolled to KV heads
 *
 * The list is rendered only while the dialog is open, so its words are not on the page otherwise.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { filterGlossary, GLOSSARY, glossaryAnchor, TERM_IDS, type TermId } from '../core/glossary.ts';
import { plural } from '../lib/format.ts';
import './glossary.css';

/** Set while a glossary is mounted. */
let showGlossary: ((focus: TermId | null) => void) | null = null;

/** Opens the glossary, at a term if given. */
export function openGlossary(focus: TermId | null = null): void {
  showGlossary?.(focus);
}

function GlossaryList({ focus, onClose }: { focus: TermId | null; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const ids = useMemo(() => filterGlossary(query), [query]);
  const focused = useRef<HTMLDivElement>(null);
  useEffect(() => {
    focused.current?.scrollIntoView({ block: 'center' });
    focused.current?.focus({ preventScroll: true });
  }, []);
  return (
    <>
      <div className="glossary-head">
        <h2 id="glossary-title">Glossary</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
        <label className="inline-field">
          Find a term
          <input
            type="search"
            value={query}
            autoFocus={focus === null}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={(event) => {
              // Esc closes the glossary at once, as everywhere else, instead of first clearing the field.
              if (event.key !== 'Escape') return;
              event.preventDefault();
              onClose();
            }}
          />
        </label>
        <span className="muted" role="status">
          {query.trim()
            ? ids.length > 0
              ? `${ids.length} of ${plural(TERM_IDS.length, 'term')}`
              : `No term matches “${query.trim()}”.`
            : plural(TERM_IDS.length, 'term')}
        </span>
      </div>
      <dl className="glossary-list" aria-label="Terms">
        {ids.map((id) => {
          const entry = GLOSSARY[id];
          return (
            <div
              key={id}
              id={glossaryAnchor(id)}
              ref={id === focus ? focused : undefined}
              tabIndex={id === focus ? -1 : undefined}
              data-testid="glossary-entry"
            >
              <dt>{entry.term}</dt>
              <dd>
                {entry.definition}
                {entry.why && <span className="muted"> {entry.why}</span>}
              </dd>
            </div>
          );
        })}
      </dl>
    </>
  );
}

export function Glossary() {
  const dialog = useRef<HTMLDialogElement>(null);
  const [shown, setShown] = useState<{ focus: TermId | null } | null>(null);
  useEffect(() => {
    showGlossary = (focus) => {
      setShown({ focus });
      if (!dialog.current?.open) dialog.current?.showModal();
    };
    return () => {
      showGlossary = null;
    };
  }, []);
  return (
    <>
      <button type="button" title="The words used here, explained" onClick={() => openGlossary()}>
        Glossary
      </button>
      <dialog
        ref={dialog}
        className="glossary"
        aria-labelledby="glossary-title"
        onClose={() => setShown(null)}
      >
        {shown && <GlossaryList focus={shown.focus} onClose={() => dialog.current?.close()} />}
      </dialog>
    </>
  );
}
