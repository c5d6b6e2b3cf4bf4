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
import { conversationRecord, readConversationRecord } from './conversationSchema.ts';
import type { BrokenConversation, Conversation } from './types.ts';

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

/** One stored record, read as a conversation or, when it does not check, as a broken item. */
export type ConversationEntry = { saved: SavedConversation } | { broken: BrokenConversation };

function entryOf(record: unknown, key: string): ConversationEntry {
  const read = readConversationRecord(record, key);
  return read.ok
    ? { saved: { conversation: read.conversation, revision: revisionOf(record) } }
    : { broken: read.broken };
}

export async function listConversations(): Promise<ConversationList> {
  // The whole store, not the updatedAt index: a record without a valid updatedAt is missing from the index.
  const transaction = (await db()).transaction('conversations');
  const [keys, records] = await Promise.all([transaction.store.getAllKeys(), transaction.store.getAll()]);
  const list: ConversationList = { saved: [], broken: [] };
  keys.forEach((key, index) => {
    const entry = entryOf(records[index], key);
    if ('saved' in entry) list.saved.push(entry.saved);
    else list.broken.push(entry.broken);
  });
  list.saved.sort((a, b) => b.conversation.updatedAt - a.conversation.updatedAt);
  return list;
}

/** The record under `id` as the list shows it, or null when there is none. */
export async function readConversationEntry(id: string): Promise<ConversationEntry | null> {
  const record = await (await db()).get('conversations', id);
  return record === undefined ? null : entryOf(record, id);
}

export async function readConversation(id: string): Promise<SavedConversation | null> {
  const entry = await readConversationEntry(id);
  return entry && 'saved' in entry ? entry.saved : null;
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
  // The revision counts the saves: a tab may only write over the revision it read.
  const revision = currentRevision + 1;
  await Promise.all([
    transaction.store.put({ ...conversationRecord(conversation), revision }),
    transaction.done,
  ]);
  announce({ type: 'changed', id: conversation.id });
  return { saved: true, revision };
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
