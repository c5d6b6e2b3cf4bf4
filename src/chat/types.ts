/**
 * The chat panel's vocabulary and state, slice by slice (store.ts combines them): the turns and the reply
 * being streamed, the saved conversations, and the settings a student chose.
 */
import type { ChatMessage, GenerationOptions, GenerationStats, TokenStep } from '../engine/protocol.ts';
import type { NumericSetting } from './sampling.ts';
import type { TeacherReply } from './teacherCheck.ts';

export interface ChatTurn extends ChatMessage {
  /** Per token of `tokenIds`: the candidates it was chosen from (recorded when token probabilities are on). */
  steps?: TokenStep[];
  stats?: GenerationStats;
  stopped?: boolean;
  /** Other versions of the conversation from this reply on (regenerated or branched), see versions.ts. */
  alternatives?: ChatTurn[][];
  /** Where this reply's version sits among all versions of its position. */
  version?: number;
}

/** A conversation as it is saved on the device and exported. */
export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** The model that wrote the replies, `org/name` (dtype in the stats). */
  model: string | null;
  systemPrompt: string;
  settings: GenerationOptions;
  turns: ChatTurn[];
}

/** A saved record that cannot be opened: listed with why, so it can be exported as it is or deleted. */
export interface BrokenConversation {
  /** The record's key in the store. */
  id: string;
  title: string;
  problem: string;
  record: unknown;
}

export const COLOURINGS = Object.freeze(['none', 'probability', 'entropy'] as const);
export type TokenColouring = (typeof COLOURINGS)[number];

/** The turns, the reply being streamed, and what a person does with them. */
export interface ReplySlice {
  turns: ChatTurn[];
  /** Text of the reply being streamed, or null when the model is idle. */
  streaming: string | null;
  streamingTokens: number;
  /** Why the last reply failed, as a sentence (what happened, what to do). */
  error: string | null;
  send(text: string): Promise<void>;
  /** Drops the last reply and generates it again. */
  regenerate(): Promise<void>;
  /**
   * Replaces user turn `index` and generates a new reply; the message as it was, with everything after
   * it, stays as the earlier version of that position.
   */
  editAndResend(index: number, text: string): Promise<void>;
  /** Continues the reply at `index` from its token `position`, replaced by `tokenId`; the original stays as a version. */
  branchFrom(index: number, position: number, tokenId: number): Promise<void>;
  /** Shows another version of the reply at `index`. */
  showVersion(index: number, version: number): void;
  stop(): void;
}

/** The open conversation's identity and the ones saved on the device. */
export interface ConversationsSlice {
  /** The open conversation: saved to IndexedDB after every reply. */
  conversationId: string;
  title: string;
  /** The model that wrote the replies (the last one that replied), `org/name`. */
  model: string | null;
  createdAt: number;
  /** The stored revision the open conversation was read as or last saved as (0: never saved). */
  revision: number;
  /** Saved conversations, newest first. */
  conversations: Conversation[];
  /** Saved records that cannot be read, listed so they can be exported or deleted. */
  brokenConversations: BrokenConversation[];
  /** A problem with the conversation list or a file (a failed import), as a sentence. */
  fileError: string | null;
  /** Something that changed what this tab shows without being asked (another tab, a new model), as a sentence. */
  notice: string | null;
  newChat(): void;
  loadConversations(openLatest: boolean): Promise<void>;
  /** Keeps the list and the open conversation up to date with other tabs; returns the unsubscribe. */
  followOtherTabs(): () => void;
  openConversation(id: string): Promise<void>;
  renameConversation(id: string, title: string): Promise<void>;
  deleteConversation(id: string): Promise<void>;
  /** Stops any reply, deletes every conversation and opens a new chat (a new class starts clean). */
  deleteAllConversations(): Promise<void>;
  /** The conversation deleted last, until it is restored or another is deleted. */
  lastDeleted: Conversation | null;
  /** Saves the conversation deleted last again. */
  undoDelete(): Promise<void>;
  /** The stored record of a broken conversation, exactly as it is. */
  brokenRecord(id: string): Promise<unknown>;
  importConversation(text: string): Promise<void>;
  /** Writes the open conversation and refreshes the list (saves of one tab run one after another). */
  save(): Promise<void>;
  /** Shows `conversation` at its stored `revision`, or a new empty one; a reply being streamed stops. */
  show(conversation: Conversation | null, revision?: number): void;
}

/** What a student chose: sampling, the system prompt, and how token probabilities show (kept across reloads). */
export interface SettingsSlice {
  settings: GenerationOptions;
  /** Replaces the model template's default system prompt when not empty. */
  systemPrompt: string;
  /** Record and show the candidates of every generated token (costs a little time per token). */
  showProbabilities: boolean;
  colouring: TokenColouring;
  /** The teacher's reply a scene carried: replies to its message are compared with it (teacherCheck.ts). */
  teacherReply: TeacherReply | null;
  setTeacherReply(reply: TeacherReply | null): void;
  /** A message a scene put in the box: the composer takes it once, and it is then the draft. */
  draftFromScene: string | null;
  setDraftFromScene(message: string | null): void;
  setSetting(name: NumericSetting, value: number): void;
  setGreedy(greedy: boolean): void;
  setSystemPrompt(systemPrompt: string): void;
  setShowProbabilities(show: boolean): void;
  setColouring(colouring: TokenColouring): void;
}

export type ChatState = ReplySlice & ConversationsSlice & SettingsSlice;
