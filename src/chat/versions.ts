/**
 * Versions of a conversation from an assistant reply on: regenerating a reply or branching from one of
 * its tokens adds a version, and every earlier version stays reachable with what followed it.
 *
 * The shown reply carries the others: `alternatives` are the hidden tails (each starts with its reply)
 * and `version` is where the shown tail sits among all of them.
 *
 *   const tail = withNewVersion(turns.slice(3), reply); // the reply shown as version 2 of 2
 *   switchVersion([...turns.slice(0, 3), ...tail], 3, 0) // the original reply and its follow-ups again
 */
import type { ChatTurn } from './types.ts';

/** Every version of the tail starting at its first turn, in the order they were made. */
function versionsOf(tail: readonly ChatTurn[]): ChatTurn[][] {
  const [head, ...rest] = tail;
  if (!head) return [];
  const { alternatives = [], version = 0, ...plain } = head;
  return [...alternatives.slice(0, version), [plain, ...rest], ...alternatives.slice(version)];
}

function showing(versions: ChatTurn[][], version: number): ChatTurn[] {
  const [head, ...rest] = versions[version] ?? [];
  if (!head) return [];
  if (versions.length === 1) return [head, ...rest];
  const alternatives = versions.filter((_, index) => index !== version);
  return [{ ...head, alternatives, version }, ...rest];
}

/** The tail that replaces `replaced`: `reply` shown as the newest version, the replaced tail kept. */
export function withNewVersion(replaced: readonly ChatTurn[], reply: ChatTurn): ChatTurn[] {
  const versions = [...versionsOf(replaced), [reply]];
  return showing(versions, versions.length - 1);
}

/** The conversation showing version `version` of the reply at `index` (unchanged if there is none). */
export function switchVersion(turns: readonly ChatTurn[], index: number, version: number): ChatTurn[] {
  const versions = versionsOf(turns.slice(index));
  if (!versions[version]) return [...turns];
  return [...turns.slice(0, index), ...showing(versions, version)];
}

/** Which version of its position a turn is, and how many there are. */
export function versionInfo(turn: ChatTurn): { version: number; count: number } {
  return { version: turn.version ?? 0, count: (turn.alternatives?.length ?? 0) + 1 };
}
