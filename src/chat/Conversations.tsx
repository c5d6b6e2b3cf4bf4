import { useEffect, useMemo, useState, type ChangeEvent } from 'react';
import { downloadJson, downloadText } from '../lib/download.ts';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { toConversationFile, toMarkdown } from './conversationFile.ts';
import { conversationOf } from './selectors.ts';
import { useChatStore } from './store.ts';
import type { BrokenConversation } from './types.ts';

function fileName(title: string, extension: string): string {
  return `${
    title
      .replace(/[^\w-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'conversation'
  }.${extension}`;
}

export function exportOpenConversation(): void {
  const conversation = conversationOf(useChatStore.getState());
  downloadJson(fileName(conversation.title, 'json'), toConversationFile(conversation));
}

/** A saved record that cannot be opened: why, and its export as it is stored, or its deletion. */
function BrokenItem({ broken }: { broken: BrokenConversation }) {
  const chat = useChatStore.getState();
  return (
    <li data-testid="broken-conversation" className="broken-item">
      <span>
        <strong>{broken.title}</strong> cannot be opened: {broken.problem}.
      </span>
      <button
        type="button"
        aria-label={`Export ${broken.title} as stored`}
        onClick={() =>
          void chat
            .brokenRecord(broken.id)
            .then((record) => downloadJson(fileName(`${broken.title}-as-stored`, 'json'), record))
        }
      >
        Export as stored
      </button>
      <button
        type="button"
        aria-label={`Delete ${broken.title}`}
        onClick={() => void chat.deleteConversation(broken.id)}
      >
        Delete
      </button>
    </li>
  );
}

/** Saved conversations: open, search by title, rename, delete, export (JSON, Markdown) and import. */
export function Conversations() {
  const conversations = useChatStore((state) => state.conversations);
  const broken = useChatStore((state) => state.brokenConversations);
  const openId = useChatStore((state) => state.conversationId);
  const fileError = useChatStore((state) => state.fileError);
  const lastDeleted = useChatStore((state) => state.lastDeleted);
  const [query, setQuery] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; title: string } | null>(null);
  const chat = useChatStore.getState();

  useEffect(() => {
    void useChatStore.getState().loadConversations(true);
    return useChatStore.getState().followOtherTabs();
  }, []);

  const shown = useMemo(
    () =>
      conversations.filter((conversation) =>
        conversation.title.toLowerCase().includes(query.trim().toLowerCase()),
      ),
    [conversations, query],
  );

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) await chat.importConversation(await file.text());
  };

  return (
    <div className="conversations">
      <div className="toolbar advanced">
        <button type="button" onClick={exportOpenConversation}>
          Export JSON
        </button>
        <button
          type="button"
          onClick={() => {
            const conversation = conversationOf(useChatStore.getState());
            downloadText(fileName(conversation.title, 'md'), toMarkdown(conversation), 'text/markdown');
          }}
        >
          Export Markdown
        </button>
        <label className="inline-field">
          Import JSON
          <input type="file" accept="application/json,.json" onChange={(event) => void importFile(event)} />
        </label>
      </div>
      <ErrorMessage message={fileError} />
      {lastDeleted && (
        <p role="status" className="toolbar">
          Deleted “{lastDeleted.title}”.
          <button type="button" onClick={() => void chat.undoDelete()}>
            Undo
          </button>
        </p>
      )}
      <label className="inline-field advanced">
        Search conversations
        <input type="search" value={query} onChange={(event) => setQuery(event.target.value)} />
      </label>
      <ul className="conversation-list">
        {shown.map((conversation) => (
          <li key={conversation.id} data-testid="conversation">
            {renaming?.id === conversation.id ? (
              <form
                className="inline-field"
                onSubmit={(event) => {
                  event.preventDefault();
                  void chat.renameConversation(conversation.id, renaming.title);
                  setRenaming(null);
                }}
              >
                <label className="visually-hidden" htmlFor={`rename-${conversation.id}`}>
                  New title
                </label>
                <input
                  id={`rename-${conversation.id}`}
                  value={renaming.title}
                  autoFocus
                  // Esc gives up the new title and returns to the conversation's Rename button.
                  onKeyDown={(event) => {
                    if (event.key !== 'Escape') return;
                    event.preventDefault();
                    setRenaming(null);
                    requestAnimationFrame(() =>
                      document.getElementById(`rename-button-${conversation.id}`)?.focus(),
                    );
                  }}
                  onChange={(event) => setRenaming({ id: conversation.id, title: event.target.value })}
                />
                <button type="submit">Save</button>
              </form>
            ) : (
              <button
                type="button"
                className="link-button"
                aria-current={conversation.id === openId ? 'true' : undefined}
                onClick={() => void chat.openConversation(conversation.id)}
              >
                {conversation.title}
              </button>
            )}
            <button
              type="button"
              id={`rename-button-${conversation.id}`}
              aria-label={`Rename ${conversation.title}`}
              onClick={() => setRenaming({ id: conversation.id, title: conversation.title })}
            >
              Rename
            </button>
            <button
              type="button"
              aria-label={`Delete ${conversation.title}`}
              onClick={() => void chat.deleteConversation(conversation.id)}
            >
              Delete
            </button>
          </li>
        ))}
        {broken.map((item) => (
          <BrokenItem key={item.id} broken={item} />
        ))}
        {shown.length === 0 && (
          <li className="muted">
            {conversations.length ? 'No title matches.' : 'No saved conversation yet.'}
          </li>
        )}
      </ul>
    </div>
  );
}
