import { describe, expect, it } from 'vitest';
import type { ChatTurn } from './types.ts';
import { switchVersion, versionInfo, withNewVersion } from './versions.ts';

const user = (content: string): ChatTurn => ({ role: 'user', content });
const reply = (content: string): ChatTurn => ({ role: 'assistant', content });
const contents = (turns: readonly ChatTurn[]) => turns.map((turn) => turn.content);

describe('reply versions', () => {
  it('keeps the replaced tail, follow-ups included, reachable', () => {
    const base = [user('hi')];
    const original = [reply('one'), user('more'), reply('two')];
    const turns = [...base, ...withNewVersion(original, reply('uno'))];
    expect(contents(turns)).toEqual(['hi', 'uno']);
    expect(versionInfo(turns[1] ?? user(''))).toEqual({ version: 1, count: 2 });

    const back = switchVersion(turns, 1, 0);
    expect(contents(back)).toEqual(['hi', 'one', 'more', 'two']);
    expect(versionInfo(back[1] ?? user(''))).toEqual({ version: 0, count: 2 });
    expect(switchVersion(back, 1, 1)).toEqual(turns);
  });

  it('adds versions in order and switching does not reorder them', () => {
    let turns: ChatTurn[] = [user('hi'), reply('a')];
    turns = [turns[0] ?? user(''), ...withNewVersion(turns.slice(1), reply('b'))];
    turns = [turns[0] ?? user(''), ...withNewVersion(turns.slice(1), reply('c'))];
    expect(versionInfo(turns[1] ?? user(''))).toEqual({ version: 2, count: 3 });
    const shown = [0, 1, 2].map((version) => switchVersion(turns, 1, version)[1]?.content);
    expect(shown).toEqual(['a', 'b', 'c']);
    expect(switchVersion(switchVersion(turns, 1, 0), 1, 2)).toEqual(turns);
  });

  it('a new version made while an older one is shown goes last', () => {
    const turns = [user('hi'), ...withNewVersion([reply('a')], reply('b'))];
    const older = switchVersion(turns, 1, 0);
    const newest = [user('hi'), ...withNewVersion(older.slice(1), reply('c'))];
    expect([0, 1, 2].map((version) => switchVersion(newest, 1, version)[1]?.content)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('a reply without versions has one, and a missing version changes nothing', () => {
    const turns = [user('hi'), reply('a')];
    expect(versionInfo(reply('a'))).toEqual({ version: 0, count: 1 });
    expect(switchVersion(turns, 1, 3)).toEqual(turns);
    expect(withNewVersion([], reply('a'))).toEqual([reply('a')]);
  });
});
