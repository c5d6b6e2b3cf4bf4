/**
 * The setup slice of the session store: what the device offers (probed by the engine), the backend the
 * user chose, and the mirror every model loads from (kept across reloads).
 */
import type { StateCreator } from 'zustand';
import { MODEL_SLOTS } from '../core/model.ts';
import { allowModelHost } from '../pwa/register.ts';
import { engine } from './engine.ts';
import type { SessionState, SetupSlice } from './types.ts';

/** The mirror survives reloads: a classroom sets it once (and the page reloads to allow it, see pwa/). */
const MIRROR_KEY = 'glassbox-mirror';

function savedMirror(): string | null {
  try {
    return localStorage.getItem(MIRROR_KEY);
  } catch {
    return null;
  }
}

export const createSetupSlice: StateCreator<SessionState, [], [], SetupSlice> = (set, get) => ({
  capabilities: null,
  backendChoice: 'auto',
  mirror: savedMirror(),
  linkHost: null,

  setLinkHost(linkHost) {
    set({ linkHost });
  },

  async probe() {
    set({ capabilities: await engine.probe() });
  },

  setBackendChoice(choice) {
    set({ backendChoice: choice });
    for (const slot of MODEL_SLOTS) {
      const loaded = get().slots[slot].loaded;
      if (loaded) void get().loadModel(loaded.spec.id, loaded.spec.dtype);
    }
  },

  setMirror(mirror) {
    set({ mirror });
    try {
      if (mirror) localStorage.setItem(MIRROR_KEY, mirror);
      else localStorage.removeItem(MIRROR_KEY);
    } catch {
      // Storage may be disabled: the mirror then lasts until the tab closes.
    }
    return allowModelHost(mirror);
  },
});
