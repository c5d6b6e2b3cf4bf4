/**
 * The app's one inference engine, shared by every panel. Creating the client starts nothing: its worker
 * starts with the first call (so importing a store in a unit test starts no Worker).
 */
import { EngineClient } from '../engine/client.ts';

export const engine = new EngineClient();
