/**
 * How the app faces the room: presenter mode (the teacher's projected screen: large type, full width,
 * advanced controls folded away) and the student view (a student's laptop: teacher tools hidden until
 * unlocked). Presenter mode lasts for the tab; the student view stays on the laptop until turned off.
 *
 *   useRoomStore.getState().setPresenting(true);
 *   const showTeacherTools = useRoomStore(selectTeacherTools);
 */
import { create } from 'zustand';

const PRESENTING_KEY = 'glassbox-presenting';
const STUDENT_VIEW_KEY = 'glassbox-student-view';

function read(storage: () => Storage, key: string): boolean {
  try {
    return storage().getItem(key) === 'on';
  } catch {
    return false; // storage disabled: the mode lasts as long as the page
  }
}

function write(storage: () => Storage, key: string, on: boolean): void {
  try {
    if (on) storage().setItem(key, 'on');
    else storage().removeItem(key);
  } catch {
    // storage disabled: the mode lasts as long as the page
  }
}

interface RoomState {
  presenting: boolean;
  studentView: boolean;
  /** Teacher tools shown in the student view, for this page only. */
  unlocked: boolean;
  setPresenting(on: boolean): void;
  setStudentView(on: boolean): void;
  unlock(): void;
}

export const useRoomStore = create<RoomState>()((set) => ({
  presenting: read(() => sessionStorage, PRESENTING_KEY),
  studentView: read(() => localStorage, STUDENT_VIEW_KEY),
  unlocked: false,
  setPresenting(on) {
    write(() => sessionStorage, PRESENTING_KEY, on);
    set({ presenting: on });
  },
  setStudentView(on) {
    write(() => localStorage, STUDENT_VIEW_KEY, on);
    set({ studentView: on, unlocked: false });
  },
  unlock() {
    set({ unlocked: true });
  },
}));

/** Whether tools that change the room's setup (the mirror, deleting stored models, resetting) show. */
export const selectTeacherTools = (state: Pick<RoomState, 'studentView' | 'unlocked'>): boolean =>
  !state.studentView || state.unlocked;
