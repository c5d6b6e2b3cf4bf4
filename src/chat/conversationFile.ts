/**
 * Conversations as files: JSON with OpenAI-style `messages` plus this app's settings and per-reply stats
 * (and token ids), Markdown for reading, and a checked import that rejects anything that is not ours.
 *
 *   parseConversationFile(JSON.stringify(toConversationFile(conversation))) // → the same conversation
 */
import type { ChatMessage, GenerationOptions, GenerationStats, TokenStep } from '../engine/protocol.ts';
import { isRecord } from '../lib/isRecord.ts';
import { newId } from '../lib/newId.ts';
import { checkedSettings, checkedVersion, replyDecorations } from './conversationSchema.ts';
import { ChatError } from './errors.ts';
import type { ChatTurn, Conversation } from './types.ts';

export const CONVERSATION_FORMAT = 'glassbox-conversation';

export interface ConversationFile {
  format: typeof CONVERSATION_FORMAT;
  version: 1;
  title: string;
  createdAt: number;
  model: string | null;
  settings: GenerationOptions;
  /** OpenAI-style: the system prompt first when set, then the turns. */
  messages: ChatMessage[];
  /** One entry per assistant message, in order: what produced it. */
  replies: ReplyRecord[];
  /** Earlier versions of messages that were edited and resent. */
  edits?: EditRecord[];
}

/** The turns from a reply (or an edited message) on, as `messages`, `replies` and `edits` like the file's own. */
interface TailRecord {
  messages: ChatMessage[];
  replies: ReplyRecord[];
  edits?: EditRecord[];
}

/** The other versions of an edited user message: each a tail from that message on. */
interface EditRecord {
  /** The message's index among the turns (`messages` without the system prompt). */
  turn: number;
  alternatives: TailRecord[];
  /** Which version the shown message is. */
  version: number;
}

interface ReplyRecord {
  tokenIds: number[];
  /** Per token: the candidates it was chosen from, when they were recorded. */
  steps?: TokenStep[];
  stats: GenerationStats | null;
  stopped: boolean;
  /** The other versions of the conversation from this reply on, and which one this is. */
  alternatives?: TailRecord[];
  version?: number;
}

function tailRecord(turns: readonly ChatTurn[]): TailRecord {
  const edits = turns.flatMap((turn, index): EditRecord[] =>
    turn.role === 'user' && turn.alternatives
      ? [{ turn: index, alternatives: turn.alternatives.map(tailRecord), version: turn.version ?? 0 }]
      : [],
  );
  return {
    messages: turns.map(({ role, content }) => ({ role, content })),
    replies: turns.filter((turn) => turn.role === 'assistant').map(replyRecord),
    ...(edits.length > 0 ? { edits } : {}),
  };
}

function replyRecord(turn: ChatTurn): ReplyRecord {
  return {
    tokenIds: turn.tokenIds ?? [],
    ...(turn.steps ? { steps: turn.steps } : {}),
    stats: turn.stats ?? null,
    stopped: turn.stopped ?? false,
    ...(turn.alternatives
      ? { alternatives: turn.alternatives.map(tailRecord), version: turn.version ?? 0 }
      : {}),
  };
}

export function toConversationFile(conversation: Conversation): ConversationFile {
  const system = conversation.systemPrompt.trim();
  const tail = tailRecord(conversation.turns);
  return {
    format: CONVERSATION_FORMAT,
    version: 1,
    title: conversation.title,
    createdAt: conversation.createdAt,
    model: conversation.model,
    settings: conversation.settings,
    messages: [...(system ? [{ role: 'system' as const, content: system }] : []), ...tail.messages],
    replies: tail.replies,
    ...(tail.edits ? { edits: tail.edits } : {}),
  };
}

/** A file that is not a conversation this app reads: the chat area's 'bad-file' error. */
export class ConversationFileError extends ChatError {
  constructor(message: string) {
    super('bad-file', message);
  }
}

function fail(problem: string): never {
  throw new ConversationFileError(`This is not a Glassbox conversation file: ${problem}.`);
}

function checkedMessages(messages: unknown, where: string): ChatMessage[] {
  if (!Array.isArray(messages)) fail(`${where} has no "messages" list`);
  return messages.map((message: unknown, index): ChatMessage => {
    if (!isRecord(message) || typeof message['content'] !== 'string')
      fail(`${where}: message ${index + 1} has no text content`);
    const role = message['role'];
    if (role !== 'system' && role !== 'user' && role !== 'assistant')
      fail(`${where}: message ${index + 1} has role ${JSON.stringify(role)}`);
    return { role, content: message['content'] };
  });
}

/** The other versions of a tail's first turn, read like the file's own turns; each starts with `role`. */
function versionsFrom(tails: unknown, role: 'user' | 'assistant', where: string): ChatTurn[][] {
  if (!Array.isArray(tails)) return [];
  return tails.map((tail: unknown, index) => {
    if (!isRecord(tail)) fail(`version ${index + 1} of ${where} is not an object`);
    const tailMessages = checkedMessages(tail['messages'], `version ${index + 1} of ${where}`);
    if (tailMessages[0]?.role !== role)
      fail(`version ${index + 1} of ${where} starts with no ${role === 'user' ? 'message' : 'reply'}`);
    return turnsFrom(tailMessages, tail['replies'], tail['edits']);
  });
}

/** Turns from checked messages, their reply records and edits; versions are read the same way, recursively. */
function turnsFrom(messages: ChatMessage[], replies: unknown, edits: unknown): ChatTurn[] {
  const records = Array.isArray(replies) ? replies : [];
  const editRecords = Array.isArray(edits) ? edits.filter(isRecord) : [];
  let replyIndex = 0;
  return messages.map((message, index): ChatTurn => {
    if (message.role === 'user') {
      const edit = editRecords.find((record) => record['turn'] === index);
      const alternatives = edit ? versionsFrom(edit['alternatives'], 'user', 'an edited message') : [];
      return {
        role: 'user',
        content: message.content,
        ...(edit && alternatives.length > 0
          ? { alternatives, version: checkedVersion(edit['version'], alternatives.length) }
          : {}),
      };
    }
    if (message.role !== 'assistant') return { role: message.role, content: message.content };
    const reply: unknown = records[replyIndex++];
    if (!isRecord(reply)) return { role: 'assistant', content: message.content };
    const alternatives = versionsFrom(reply['alternatives'], 'assistant', 'a reply');
    return {
      role: 'assistant',
      content: message.content,
      ...replyDecorations(reply),
      ...(alternatives.length > 0
        ? { alternatives, version: checkedVersion(reply['version'], alternatives.length) }
        : {}),
    };
  });
}

/** Reads an exported conversation back, checking every field it trusts. */
export function parseConversationFile(text: string, now = Date.now()): Conversation {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    fail('it is not JSON');
  }
  if (!isRecord(data)) fail('it is not a JSON object');
  if (data['format'] !== CONVERSATION_FORMAT)
    fail(`its "format" is ${JSON.stringify(data['format'])}, not "${CONVERSATION_FORMAT}"`);
  if (data['version'] !== 1) fail(`version ${JSON.stringify(data['version'])} is not one this app reads`);
  const checked = checkedMessages(data['messages'], 'it');
  return {
    id: newId(),
    title:
      typeof data['title'] === 'string' && data['title'].trim() ? data['title'] : 'Imported conversation',
    createdAt: typeof data['createdAt'] === 'number' ? data['createdAt'] : now,
    updatedAt: now,
    model: typeof data['model'] === 'string' ? data['model'] : null,
    systemPrompt: checked.find((message) => message.role === 'system')?.content ?? '',
    settings: checkedSettings(data['settings']),
    turns: turnsFrom(
      checked.filter((message) => message.role !== 'system'),
      data['replies'],
      data['edits'],
    ),
  };
}

/** The conversation as Markdown, to read or share. */
export function toMarkdown(conversation: Conversation): string {
  const lines = [`# ${conversation.title}`, ''];
  if (conversation.model) lines.push(`Model: ${conversation.model}`, '');
  if (conversation.systemPrompt.trim()) lines.push('## System', '', conversation.systemPrompt.trim(), '');
  for (const turn of conversation.turns) {
    lines.push(turn.role === 'user' ? '## You' : '## Assistant', '', turn.content, '');
  }
  return lines.join('\n');
}

/** A title from the first user message: its first words, at most 48 characters. */
export function titleFrom(turns: readonly ChatTurn[]): string {
  const first =
    turns
      .find((turn) => turn.role === 'user')
      ?.content.replace(/\s+/g, ' ')
      .trim() ?? '';
  return first.length > 48 ? `${first.slice(0, 47)}…` : first || 'New chat';
}
