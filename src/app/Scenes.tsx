import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { classroom } from '../hub/classroom.ts';
import { copyText } from '../lib/copyText.ts';
import { downloadJson } from '../lib/download.ts';
import { QrCode } from '../ui/QrCode.tsx';
import type { Panel } from './deepLink.ts';
import { encodeForLink, newTour, readSharedFile, type Scene, type Tour } from './scene.ts';
import { captureScene, replacedWork } from './sceneActions.ts';
import { useSceneStore } from './sceneStore.ts';

/** Where a shared link points: the classroom server's address for students, else this page's. */
function linkBase(): string {
  return classroom?.studentUrls[0] ?? `${location.origin}${location.pathname}`;
}

function fileName(title: string): string {
  return `${
    title
      .trim()
      .replace(/[^\w-]+/g, '-')
      .replace(/^-|-$/g, '') || 'scene'
  }.glassbox.json`;
}

/** A scene or tour to hand out: its link (copy), its QR code, and its file. */
function ShareBox({ shared }: { shared: Scene | Tour }) {
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    let current = true;
    const parameter = shared.format === 'glassbox-tour' ? 'tour' : 'scene';
    void encodeForLink(shared).then((encoded) => current && setLink(`${linkBase()}?${parameter}=${encoded}`));
    return () => {
      current = false;
    };
  }, [shared]);
  if (!link) return null;
  return (
    <div className="share-box">
      <label className="field">
        Link
        <input readOnly value={link} data-testid="share-link" onFocus={(event) => event.target.select()} />
      </label>
      <div className="toolbar">
        <button type="button" onClick={() => void copyText(link).then(setCopied)}>
          {copied ? 'Copied' : 'Copy link'}
        </button>
        <button type="button" onClick={() => downloadJson(fileName(shared.title), shared)}>
          Download file
        </button>
      </div>
      <QrCode text={link} className="share-qr" />
    </div>
  );
}

/** The teacher's tool: what is on screen becomes a scene (title, note), shared alone or added to a tour. */
export function SceneMaker({ panel }: { panel: Panel }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [title, setTitle] = useState('');
  const [note, setNote] = useState('');
  const [scene, setScene] = useState<Scene | null>(null);
  const [tourTitle, setTourTitle] = useState('');
  const [tour, setTour] = useState<Tour | null>(null);
  const draft = useSceneStore((state) => state.draft);
  const { addToDraft, clearDraft } = useSceneStore.getState();
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setScene(null);
          setTour(null);
          dialog.current?.showModal();
        }}
      >
        Save this as a scene…
      </button>
      <dialog ref={dialog} className="scene-maker" aria-labelledby="scene-maker-title">
        <h2 id="scene-maker-title">A scene for the class</h2>
        <p className="muted">
          The panel, the models and their weights, the backend, the system prompt, sampling and its seed, the
          probabilities view, the chat (its last message is the one students send, and your reply to it is
          what theirs are compared with), the sentences and map, and the inspector&apos;s view and tensor.
        </p>
        <label className="field">
          Title
          <input value={title} onChange={(event) => setTitle(event.target.value)} />
        </label>
        <label className="field">
          Note for students
          <textarea rows={3} value={note} onChange={(event) => setNote(event.target.value)} />
        </label>
        <div className="toolbar">
          <button
            type="button"
            onClick={() =>
              setScene(captureScene({ title: title.trim() || 'Scene', note: note.trim(), panel }))
            }
          >
            Make the scene
          </button>
          {scene && (
            <button type="button" onClick={() => addToDraft(scene)}>
              Add it to the tour
            </button>
          )}
          <button type="button" onClick={() => dialog.current?.close()}>
            Close
          </button>
        </div>
        {scene && <ShareBox shared={scene} />}
        <h3>
          Tour ({draft.length} scene{draft.length === 1 ? '' : 's'})
        </h3>
        {draft.length > 0 && (
          <>
            <ol data-testid="tour-draft">
              {draft.map((step, index) => (
                <li key={index}>{step.title}</li>
              ))}
            </ol>
            <label className="field">
              Tour title
              <input value={tourTitle} onChange={(event) => setTourTitle(event.target.value)} />
            </label>
            <div className="toolbar">
              <button type="button" onClick={() => setTour(newTour(tourTitle.trim() || 'Tour', draft))}>
                Share the tour
              </button>
              <button
                type="button"
                onClick={() => {
                  clearDraft();
                  setTour(null);
                }}
              >
                Start a new tour
              </button>
            </div>
            {tour && <ShareBox shared={tour} />}
          </>
        )}
      </dialog>
    </>
  );
}

/** Opens a `.glassbox.json` file a teacher handed out. */
export function OpenSceneFile() {
  const receive = useSceneStore((state) => state.receive);
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) receive(readSharedFile(await file.text()), `file ${file.name}`);
  };
  return (
    <label className="field">
      Open a scene or tour file
      <input type="file" accept=".json,application/json" onChange={(event) => void onFile(event)} />
    </label>
  );
}

/** A scene or tour that arrived: what it sets, what it replaces, and the person's yes or no. */
export function SceneOffer() {
  const offer = useSceneStore((state) => state.offer);
  const problem = useSceneStore((state) => state.problem);
  const { accept, decline, dismissProblem } = useSceneStore.getState();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (offer && !dialog.current?.open) dialog.current?.showModal();
    if (!offer && dialog.current?.open) dialog.current.close();
  }, [offer]);
  const first = offer?.kind === 'tour' ? offer.tour.steps[0] : offer?.scene;
  const replaced = first ? replacedWork(first) : [];
  return (
    <>
      {problem && (
        <p className="error" role="alert">
          {problem}{' '}
          <button type="button" onClick={dismissProblem}>
            Dismiss
          </button>
        </p>
      )}
      <dialog ref={dialog} className="scene-offer" aria-labelledby="scene-offer-title" onCancel={decline}>
        {offer && first && (
          <>
            <h2 id="scene-offer-title">
              {offer.kind === 'tour'
                ? `Open the tour “${offer.tour.title}” (${offer.tour.steps.length} steps)?`
                : `Open the scene “${first.title}”?`}
            </h2>
            {first.note && <p>{first.note}</p>}
            <p>
              It sets the models, their settings and the panel
              {first.chat ? `, opens a new chat on ${first.chat.model} with its message ready to send` : ''}.
              Your saved conversations and sets stay.
            </p>
            {replaced.length > 0 && (
              <>
                <p>It replaces:</p>
                <ul data-testid="scene-replaces">
                  {replaced.map((item) => (
                    <li key={item}>{item}</li>
                  ))}
                </ul>
              </>
            )}
            <div className="toolbar">
              <button type="button" onClick={() => void accept()}>
                Open it
              </button>
              <button type="button" autoFocus onClick={decline}>
                Not now
              </button>
            </div>
          </>
        )}
      </dialog>
    </>
  );
}

/** The tour being walked through: where the class is, the step's note, and the way on or back. */
export function TourBar() {
  const current = useSceneStore((state) => state.tour);
  const showing = useSceneStore((state) => state.showing);
  const { goTo, leaveTour } = useSceneStore.getState();
  if (!current) return null;
  const { tour, step } = current;
  const scene = tour.steps[step];
  return (
    <section className="tour-bar" aria-label="Tour" data-testid="tour-bar">
      <p>
        <strong>{tour.title}</strong>: step {step + 1} of {tour.steps.length}, <em>{scene?.title}</em>
        {showing && <span className="muted"> (setting up…)</span>}
      </p>
      {scene?.note && <p data-testid="tour-note">{scene.note}</p>}
      <div className="toolbar">
        <button type="button" disabled={step === 0 || showing} onClick={() => void goTo(step - 1)}>
          Previous
        </button>
        <button
          type="button"
          disabled={step === tour.steps.length - 1 || showing}
          onClick={() => void goTo(step + 1)}
        >
          Next
        </button>
        <button type="button" onClick={leaveTour}>
          Leave the tour
        </button>
      </div>
    </section>
  );
}
