import { useEffect } from 'react';
import { CHAT_DRAFT_KEY } from '../chat/ChatPanel.tsx';
import { useChatStore } from '../chat/store.ts';
import { useEmbeddingsStore } from '../embeddings/store.ts';
import { selectTeacherTools, useRoomStore } from '../session/room.ts';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { clearSessionText } from '../ui/useSessionText.ts';
import type { Panel } from './deepLink.ts';
import { OpenSceneFile, SceneMaker } from './Scenes.tsx';

/** Presenter mode's key: Alt+P (read by its key code, so a Mac's Option+P, which types π, works too). */
const PRESENT_KEY = 'KeyP';

/** Deletes this device's conversations and sets (models stay), then starts the page afresh. */
async function resetForNextClass(): Promise<void> {
  await useChatStore.getState().deleteAllConversations();
  await useEmbeddingsStore.getState().removeAllSets();
  clearSessionText(CHAT_DRAFT_KEY); // a new class starts with an empty message box
  window.location.reload();
}

/** Presenter mode follows the store: the root element's class scales the type (styles.css). */
export function usePresenterMode(): void {
  const presenting = useRoomStore((state) => state.presenting);
  useEffect(() => {
    document.documentElement.classList.toggle('presenting', presenting);
  }, [presenting]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey || event.code !== PRESENT_KEY) return;
      event.preventDefault();
      const room = useRoomStore.getState();
      room.setPresenting(!room.presenting);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/**
 * The header's classroom controls: presenter mode (a button and Alt+P); and in a menu, opening a scene
 * file, making a scene or tour, the student view for this laptop and the reset for the next class. In the student view the menu offers only to unlock
 * the teacher tools.
 */
export function RoomControls({ panel }: { panel: Panel }) {
  const presenting = useRoomStore((state) => state.presenting);
  const studentView = useRoomStore((state) => state.studentView);
  const teacherTools = useRoomStore(selectTeacherTools);
  const room = useRoomStore.getState();
  return (
    <>
      <button
        type="button"
        aria-pressed={presenting}
        aria-keyshortcuts="Alt+P"
        title="Presenter mode: large type for a projector, advanced controls folded away (Alt+P)"
        onClick={() => room.setPresenting(!presenting)}
      >
        Present
      </button>
      <details
        className="room-menu"
        onKeyDown={(event) => {
          // Esc closes the menu (and not the page's other things) and returns to its button.
          if (event.key !== 'Escape' || !event.currentTarget.open || event.defaultPrevented) return;
          event.preventDefault();
          event.currentTarget.open = false;
          event.currentTarget.querySelector('summary')?.focus();
        }}
      >
        <summary>{studentView ? 'Student view' : 'Classroom'}</summary>
        <div className="room-menu-body">
          {studentView && !teacherTools && (
            <>
              <p className="muted">
                Teacher tools (mirror, deleting models, reset) are hidden on this laptop.
              </p>
              <ConfirmButton
                label="Unlock teacher tools"
                question="Show the teacher tools on this laptop until the page is reloaded?"
                confirmLabel="Yes, unlock"
                onConfirm={() => room.unlock()}
              >
                Unlock teacher tools
              </ConfirmButton>
            </>
          )}
          <OpenSceneFile />
          {teacherTools && (
            <>
              <SceneMaker panel={panel} />
              <label className="inline-field">
                <input
                  type="checkbox"
                  checked={studentView}
                  onChange={(event) => room.setStudentView(event.target.checked)}
                />
                Student view on this laptop (hides teacher tools)
              </label>
              <ConfirmButton
                className="danger"
                label="Reset for the next class"
                question="Delete every conversation and embedding set on this device, and what is typed? Stored models stay."
                confirmLabel="Yes, reset"
                onConfirm={() => void resetForNextClass()}
              >
                Reset for the next class
              </ConfirmButton>
            </>
          )}
        </div>
      </details>
    </>
  );
}
