import { useState, type ReactNode } from 'react';

interface Props {
  /** The button's accessible name, e.g. "Delete glassbox/tiny-chat". */
  label: string;
  /** What happens, asked before it does: "Delete glassbox/tiny-chat (1.8 MB)? Loading it again downloads it." */
  question: string;
  /** The second button, which does it: "Yes, delete". */
  confirmLabel: string;
  onConfirm: () => void;
  className?: string;
  children: ReactNode;
}

/**
 * A button for what cannot be undone: it asks first, in place, and acts only on the second click. By
 * keyboard the question takes the focus on its safe answer (Keep), and Escape keeps.
 */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, className, children }: Props) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={className} aria-label={label} onClick={() => setAsking(true)}>
        {children}
      </button>
    );
  }
  return (
    <span
      role="group"
      aria-label={question}
      className="confirm"
      onKeyDown={(event) => {
        if (event.key === 'Escape') setAsking(false);
      }}
    >
      {question}{' '}
      <button
        type="button"
        className="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>{' '}
      {/* The question replaces the button that had the focus: it moves to the answer that changes nothing. */}
      <button type="button" autoFocus onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}
