import type { ReactNode } from 'react';

/**
 * A wide table's own scroll box: on a narrow screen the table scrolls sideways inside it instead of
 * widening the page. It takes the focus, so a keyboard can scroll it too.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
