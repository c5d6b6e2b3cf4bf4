/**
 * Conversations in IndexedDB (through idb): one record per conversation, newest first.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Conversation } from './types.ts';

interface ChatDatabase extends DBSchema {
  conversations: { key: string; value: Conversation; indexes: { updatedAt: number } };
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

export async function listConversations(): Promise<Conversation[]> {
  return (await (await db()).getAllFromIndex('conversations', 'updatedAt')).reverse();
}

export async function saveConversation(conversation: Conversation): Promise<void> {
  await (await db()).put('conversations', conversation);
}

export async function deleteConversation(id: string): Promise<void> {
  await (await db()).delete('conversations', id);
}
