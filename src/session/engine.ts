/** The app's one inference engine client, shared by every panel. */
import { EngineClient } from '../engine/client.ts';

export const engine = new EngineClient();
