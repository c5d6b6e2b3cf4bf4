/**
 * Scenes in this tab: the scene or tour offered (from a link or a file) until the person opens or
 * declines it, the tour being walked through, and the tour a teacher is putting together.
 */
import { create } from 'zustand';
import { messageOf } from '../lib/errors.ts';
import type { ReadShared, Scene, Shared, Tour } from './scene.ts';
import { showScene } from './sceneActions.ts';

interface SceneState {
  /** A scene or tour that arrived and waits for the person's yes. */
  offer: Shared | null;
  /** Why what arrived could not be read. */
  problem: string | null;
  /** The tour being shown, and its step. */
  tour: { tour: Tour; step: number } | null;
  /** The scenes a teacher added so far, to share as a tour. */
  draft: Scene[];
  /** Showing a scene: loads and embeddings run meanwhile. */
  showing: boolean;
  receive(read: ReadShared, source: string): void;
  accept(): Promise<void>;
  decline(): void;
  dismissProblem(): void;
  goTo(step: number): Promise<void>;
  leaveTour(): void;
  addToDraft(scene: Scene): void;
  clearDraft(): void;
}

export const useSceneStore = create<SceneState>()((set, get) => {
  // A load that fails says so on its own panel; anything else that fails is said here, not lost.
  const show = async (scene: Scene) => {
    set({ showing: true, problem: null });
    try {
      await showScene(scene);
    } catch (error) {
      set({ problem: `The scene “${scene.title}” could not be shown in full: ${messageOf(error)}` });
    } finally {
      set({ showing: false });
    }
  };
  return {
    offer: null,
    problem: null,
    tour: null,
    draft: [],
    showing: false,
    receive(read, source) {
      if (read.ok) set({ offer: read.shared, problem: null });
      else set({ offer: null, problem: `The ${source} cannot be opened: ${read.problem}.` });
    },
    async accept() {
      const offer = get().offer;
      if (!offer) return;
      set({ offer: null });
      if (offer.kind === 'scene') {
        set({ tour: null });
        await show(offer.scene);
      } else {
        set({ tour: { tour: offer.tour, step: 0 } });
        const first = offer.tour.steps[0];
        if (first) await show(first);
      }
    },
    decline() {
      set({ offer: null });
    },
    dismissProblem() {
      set({ problem: null });
    },
    async goTo(step) {
      const current = get().tour;
      const scene = current?.tour.steps[step];
      if (!current || !scene) return;
      set({ tour: { tour: current.tour, step } });
      await show(scene);
    },
    leaveTour() {
      set({ tour: null });
    },
    addToDraft(scene) {
      set((state) => ({ draft: [...state.draft, scene] }));
    },
    clearDraft() {
      set({ draft: [] });
    },
  };
});
