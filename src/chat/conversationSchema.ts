/**
 * What a conversation may hold, checked wherever one arrives from outside this tab's memory: a file being
 * imported (conversationFile.ts) or a record read back from IndexedDB (conversationStore.ts), which an older
 * version of the app, another tab or a person with devtools may have written.
 *
 * The turns' text is what matters: a record without readable turns is broken (listed so it can be exported
 * or deleted, never opened). A decoration that does not check (stats, token steps, token ids, settings out
 * of range) is dropped or clamped, so the text survives and nothing downstream meets a surprise.
 *
 *   readConversationRecord(await store.get(id)) // → { ok: true, conversation } or { ok: false, broken }
 */
import * as v from 'valibot';
import { BACKENDS, DTYPES } from '../core/model.ts';
import type { GenerationOptions, GenerationStats, TokenStep } from '../engine/protocol.ts';
import { isRecord } from '../lib/isRecord.ts';
import { packSteps, unpackSteps } from './packedSteps.ts';
import { clampSetting, DEFAULT_GENERATION, SAMPLING_SETTINGS, type NumericSetting } from './sampling.ts';
import type { BrokenConversation, ChatTurn, Conversation } from './types.ts';

/** The version of the record this app writes; older ones are migrated as they are read. */
export const CONVERSATION_RECORD_VERSION = 3;

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const measure = v.pipe(v.number(), v.finite(), v.minValue(0));
const probability = v.pipe(v.number(), v.minValue(0), v.maxValue(1));

const StatsSchema = v.object({
  promptTokens: count,
  reusedPromptTokens: count,
  droppedMessages: count,
  generatedTokens: count,
  timeToFirstTokenMs: measure,
  prefillTokensPerSecond: measure,
  totalMs: measure,
  decodeTokensPerSecond: measure,
  backend: v.picklist(BACKENDS),
  dtype: v.picklist(DTYPES),
}) satisfies v.GenericSchema<unknown, GenerationStats>;

const CandidateSchema = v.object({ id: count, text: v.string(), prob: probability });

const StepsSchema = v.array(
  v.object({ ...CandidateSchema.entries, entropyBits: measure, candidates: v.array(CandidateSchema) }),
) satisfies v.GenericSchema<unknown, TokenStep[]>;

const TokenIdsSchema = v.array(count);

/** The parts of a message every conversation must have. */
const MessageSchema = v.object({
  role: v.picklist(['system', 'user', 'assistant']),
  content: v.string(),
});

function valid<T>(schema: v.GenericSchema<unknown, T>, value: unknown): T | undefined {
  const result = v.safeParse(schema, value);
  return result.success ? result.output : undefined;
}

export /** Settings as a file or record holds them: each one clamped to its range, a missing one at its default. */
function checkedSettings(value: unknown): GenerationOptions {
  const saved = isRecord(value) ? value : {};
  const numeric = Object.fromEntries(
    (Object.keys(SAMPLING_SETTINGS) as NumericSetting[]).map((name) => {
      const raw = saved[name];
      return [name, typeof raw === 'number' ? clampSetting(name, raw) : DEFAULT_GENERATION[name]];
    }),
  ) as Record<NumericSetting, number>;
  return {
    ...numeric,
    greedy: typeof saved['greedy'] === 'boolean' ? saved['greedy'] : DEFAULT_GENERATION.greedy,
  };
}

/**
 * What the app recorded about a reply besides its text, each part kept only when it checks: token steps
 * only when there is one per token id (the token view reads them by position). Steps come as a list (files,
 * records before version 3) or packed (records since).
 */
export function replyDecorations(
  reply: Record<string, unknown>,
): Pick<ChatTurn, 'tokenIds' | 'steps' | 'stats' | 'stopped'> {
  const tokenIds = valid(TokenIdsSchema, reply['tokenIds']);
  const saved = reply['steps'];
  const steps = Array.isArray(saved) ? valid(StepsSchema, saved) : unpackSteps(saved);
  const stats = valid(StatsSchema, reply['stats']);
  return {
    ...(tokenIds ? { tokenIds } : {}),
    ...(steps && tokenIds && steps.length === tokenIds.length ? { steps } : {}),
    ...(stats ? { stats } : {}),
    stopped: reply['stopped'] === true,
  };
}

/** Where the shown version sits among `count + 1` versions: the saved one when it is possible. */
export function checkedVersion(version: unknown, alternatives: number): number {
  return Number.isInteger(version) && (version as number) >= 0
    ? Math.min(version as number, alternatives)
    : 0;
}

/**
 * The other versions a turn carries (versions.ts): tails that start with a turn of the same role, an
 * edited message's or a regenerated reply's. Throws a problem to show.
 */
function recordVersions(turn: Record<string, unknown>, role: 'user' | 'assistant', where: string) {
  if (!Array.isArray(turn['alternatives'])) return {};
  const alternatives = turn['alternatives'].map((tail: unknown, version) => {
    const turns = recordTurns(tail, `version ${version + 1} of ${where}`);
    if (turns[0]?.role !== role)
      throw new Error(
        `version ${version + 1} of ${where} starts with no ${role === 'user' ? 'message' : 'reply'}`,
      );
    return turns;
  });
  return alternatives.length > 0
    ? { alternatives, version: checkedVersion(turn['version'], alternatives.length) }
    : {};
}

/** A record's turns (the shape conversations are saved in), decorations checked; throws a problem to show. */
function recordTurns(value: unknown, where: string): ChatTurn[] {
  if (!Array.isArray(value)) throw new Error(`${where} has no list of turns`);
  return value.map((turn: unknown, index): ChatTurn => {
    const message = valid(MessageSchema, turn);
    if (!isRecord(turn) || !message || message.role === 'system')
      throw new Error(`turn ${index + 1} of ${where} is not a message with text`);
    if (message.role === 'user')
      return {
        role: 'user',
        content: message.content,
        ...recordVersions(turn, 'user', `message ${index + 1}`),
      };
    return {
      role: 'assistant',
      content: message.content,
      ...replyDecorations(turn),
      ...recordVersions(turn, 'assistant', `reply ${index + 1}`),
    };
  });
}

export type StoredConversation =
  { ok: true; conversation: Conversation } | { ok: false; broken: BrokenConversation };

/** Migrations from each older record version to the next; version 1 records had no `schema` field. */
const MIGRATIONS: Readonly<Record<number, (record: Record<string, unknown>) => Record<string, unknown>>> = {
  // Version 1 had the same fields, trusted as written; version 2 checks them and says so.
  1: (record) => ({ ...record, schema: 2 }),
  // Version 3 packs each reply's token steps; a list of them still reads as it did.
  2: (record) => ({ ...record, schema: 3 }),
};

/** Turns as a record keeps them: token steps packed, in every version of every reply. */
function turnsRecord(turns: readonly ChatTurn[]): Record<string, unknown>[] {
  return turns.map(({ steps, alternatives, ...turn }) => ({
    ...turn,
    ...(steps ? { steps: packSteps(steps) } : {}),
    ...(alternatives ? { alternatives: alternatives.map(turnsRecord) } : {}),
  }));
}

/** A conversation as the store keeps it, at the version this app writes (read back by readConversationRecord). */
export function conversationRecord(conversation: Conversation): Record<string, unknown> {
  return { ...conversation, turns: turnsRecord(conversation.turns), schema: CONVERSATION_RECORD_VERSION };
}

function migrated(record: Record<string, unknown>): Record<string, unknown> {
  let current = record;
  let version: unknown = current['schema'] ?? 1;
  while (version !== CONVERSATION_RECORD_VERSION) {
    const migrate = typeof version === 'number' ? MIGRATIONS[version] : undefined;
    if (!migrate)
      throw new Error(
        `it was saved as version ${JSON.stringify(version)}, which this version of Glassbox does not read (a newer version of the app may have written it)`,
      );
    current = migrate(current);
    version = current['schema'];
  }
  return current;
}

/** A record read back from the store, as a conversation or as a broken item with its problem. */
export function readConversationRecord(record: unknown, key: string, now = Date.now()): StoredConversation {
  const title =
    isRecord(record) && typeof record['title'] === 'string' && record['title'].trim()
      ? record['title']
      : 'Unreadable conversation';
  try {
    if (!isRecord(record)) throw new Error('it is not an object');
    const current = migrated(record);
    if (current['id'] !== key) throw new Error('its id does not match its key');
    const time = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : now);
    return {
      ok: true,
      conversation: {
        id: key,
        title,
        createdAt: time(current['createdAt']),
        updatedAt: time(current['updatedAt']),
        model: typeof current['model'] === 'string' ? current['model'] : null,
        systemPrompt: typeof current['systemPrompt'] === 'string' ? current['systemPrompt'] : '',
        settings: checkedSettings(current['settings']),
        turns: recordTurns(current['turns'], 'the conversation'),
      },
    };
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    return { ok: false, broken: { id: key, title, problem, record } };
  }
}
