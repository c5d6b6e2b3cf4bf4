/**
 * Conversations in IndexedDB (through idb): one record per conversation, newest first, each checked as it
 * is read back (conversationSchema.ts).
 *
 * Several tabs share the store. Every record carries a revision; a save checks, in the same transaction,
 * that the record is still the revision this tab opened, so a tab never writes over turns another tab
 * added: it saves its own turns as a new conversation instead. Every change is announced on a
 * BroadcastChannel so the other tabs refresh their list and the conversation they show. (IndexedDB
 * transactions and BroadcastChannel work on plain-http classroom addresses; Web Locks do not.)
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { CONVERSATION_RECORD_VERSION, readConversationRecord } from './conversationSchema.ts';
import type { BrokenConversation, Conversation } from './types.ts';

/** A conversation as the store holds it. */
interface ConversationRecord extends Conversation {
  schema: typeof CONVERSATION_RECORD_VERSION;
  /** Counts the saves: a tab may only write over the revision it read. */
  revision: number;
}

interface ChatDatabase extends DBSchema {
  // Values are typed as unknown: what is read back may have been written by anyone and is checked.
  conversations: { key: string; value: unknown; indexes: { updatedAt: number } };
}

let database: Promise<IDBPDatabase<ChatDatabase>> | null = null;

function db(): Promise<IDBPDatabase<ChatDatabase>> {
  database ??= openDB<ChatDatabase>('glassbox-chat', 1, {
    upgrade(upgrade) {
      upgrade.createObjectStore('conversations', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
    },
  });
  return database;
}

/** A conversation read back, with the revision a later save must find. */
export interface SavedConversation {
  conversation: Conversation;
  revision: number;
}

export interface ConversationList {
  /** Newest first. */
  saved: SavedConversation[];
  /** Records that could not be read: shown so they can be exported or deleted. */
  broken: BrokenConversation[];
}

function revisionOf(record: unknown): number {
  const revision = (record as { revision?: unknown } | undefined)?.revision;
  return typeof revision === 'number' && Number.isInteger(revision) ? revision : 0;
}

export async function listConversations(): Promise<ConversationList> {
  // The whole store, not the updatedAt index: a record without a valid updatedAt is missing from the index.
  const transaction = (await db()).transaction('conversations');
  const [keys, records] = await Promise.all([transaction.store.getAllKeys(), transaction.store.getAll()]);
  const list: ConversationList = { saved: [], broken: [] };
  keys.forEach((key, index) => {
    const record = records[index];
    const read = readConversationRecord(record, key);
    if (read.ok) list.saved.push({ conversation: read.conversation, revision: revisionOf(record) });
    else list.broken.push(read.broken);
  });
  list.saved.sort((a, b) => b.conversation.updatedAt - a.conversation.updatedAt);
  return list;
}

export async function readConversation(id: string): Promise<SavedConversation | null> {
  const record = await (await db()).get('conversations', id);
  if (record === undefined) return null;
  const read = readConversationRecord(record, id);
  return read.ok ? { conversation: read.conversation, revision: revisionOf(record) } : null;
}

export type SaveOutcome =
  | { saved: true; revision: number }
  /** Another tab saved the conversation since this tab read it: nothing was written. */
  | { saved: false };

/** Writes `conversation` if the store still holds `expectedRevision` of it (0: not saved yet). */
export async function saveConversation(
  conversation: Conversation,
  expectedRevision: number,
): Promise<SaveOutcome> {
  const transaction = (await db()).transaction('conversations', 'readwrite');
  const current = await transaction.store.get(conversation.id);
  const currentRevision = current === undefined ? 0 : revisionOf(current);
  if (currentRevision !== expectedRevision) {
    transaction.abort();
    await transaction.done.catch(() => undefined);
    return { saved: false };
  }
  const record: ConversationRecord = {
    ...conversation,
    schema: CONVERSATION_RECORD_VERSION,
    revision: currentRevision + 1,
  };
  await Promise.all([transaction.store.put(record), transaction.done]);
  announce({ type: 'changed', id: conversation.id });
  return { saved: true, revision: record.revision };
}

export async function deleteConversation(id: string): Promise<void> {
  await (await db()).delete('conversations', id);
  announce({ type: 'deleted', id });
}

/** Deletes every conversation, readable or broken; other tabs are told of each. */
export async function deleteAllConversations(): Promise<void> {
  const transaction = (await db()).transaction('conversations', 'readwrite');
  const ids = await transaction.store.getAllKeys();
  await Promise.all([transaction.store.clear(), transaction.done]);
  for (const id of ids) announce({ type: 'deleted', id });
}

/** A stored record exactly as it is, to export a broken one. */
export async function rawConversationRecord(id: string): Promise<unknown> {
  return (await db()).get('conversations', id);
}

export interface ConversationChange {
  type: 'changed' | 'deleted';
  id: string;
}

const CHANNEL = 'glassbox-conversations';
let channel: BroadcastChannel | null = null;

function announce(change: ConversationChange): void {
  if (typeof BroadcastChannel === 'undefined') return;
  channel ??= new BroadcastChannel(CHANNEL);
  channel.postMessage(change);
}

/** Calls `listener` with every change another tab makes; returns the unsubscribe. */
export function onOtherTabChange(listener: (change: ConversationChange) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const receiver = new BroadcastChannel(CHANNEL);
  receiver.onmessage = (event: MessageEvent<unknown>) => {
    const change = event.data as Partial<ConversationChange> | null;
    if ((change?.type === 'changed' || change?.type === 'deleted') && typeof change.id === 'string')
      listener({ type: change.type, id: change.id });
  };
  return () => receiver.close();
}
