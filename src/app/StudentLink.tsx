import { useRef, useState } from 'react';
import { DEFAULT_CHAT_MODEL_ID } from '../hub/catalog.ts';
import { classroom } from '../hub/classroom.ts';
import { selectLoaded } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { QrCode } from '../ui/QrCode.tsx';
import { formatDeepLink, type Panel } from './deepLink.ts';

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The addresses students can open: the classroom server's, else this page's own. */
function studentBases(): string[] {
  return classroom?.studentUrls.length ? classroom.studentUrls : [`${location.origin}${location.pathname}`];
}

/**
 * "Students": the address students open, and its QR code, full screen for the projector. The link opens
 * the panel and chat model on screen (the default model needs no parameter, so the address stays short
 * enough to type), in the student view unless the teacher unticks it. A page opened at localhost has no
 * address students can reach: it says so.
 */
export function StudentLink({ panel }: { panel: Panel }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const bases = studentBases();
  const [chosen, setChosen] = useState(0);
  const [studentView, setStudentView] = useState(true);
  const chat = useAppStore(selectLoaded('chat'));
  const base = bases[Math.min(chosen, bases.length - 1)] ?? bases[0] ?? '';
  const model = chat && chat.spec.id !== DEFAULT_CHAT_MODEL_ID ? chat.spec : null;
  const link = formatDeepLink(base, {
    panel,
    ...(model ? { model: model.id, dtype: model.dtype } : {}),
    ...(studentView ? { view: 'student' as const } : {}),
  });
  const onlyThisComputer = LOOPBACK_HOSTNAMES.has(new URL(base).hostname);
  return (
    <>
      <button
        type="button"
        onClick={() => dialog.current?.showModal()}
        title="Show the address students open, with its QR code, full screen"
      >
        Students
      </button>
      <dialog ref={dialog} className="student-link" aria-labelledby="student-link-title">
        <h2 id="student-link-title">Open Glassbox on your laptop</h2>
        <p className="student-link-address" data-testid="student-link-address">
          {link}
        </p>
        <QrCode text={link} className="student-link-qr" />
        {onlyThisComputer && (
          <p className="warning" role="status">
            This address works on this computer only. To let students in, start the app with{' '}
            <code>npm run classroom</code> on this laptop: it shows the address of the school network here.
          </p>
        )}
        <div className="toolbar">
          <label className="inline-field">
            <input
              type="checkbox"
              checked={studentView}
              onChange={(event) => setStudentView(event.target.checked)}
            />
            Student view (hides the mirror, deleting models and the reset on their laptops)
          </label>
          {bases.length > 1 && (
            <label className="inline-field">
              Network
              <select value={chosen} onChange={(event) => setChosen(Number(event.target.value))}>
                {bases.map((url, index) => (
                  <option key={url} value={index}>
                    {new URL(url).host}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="button" onClick={() => dialog.current?.close()}>
            Close
          </button>
        </div>
      </dialog>
    </>
  );
}
