import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useAppStore } from '../app/store.ts';
import { ModelGate } from '../app/ModelGate.tsx';
import { formatMs } from '../lib/format.ts';
import { MAX_NEW_TOKENS_LIMIT, useChatStore, type ChatTurn } from './store.ts';

function ReplyStats({ turn }: { turn: ChatTurn }) {
  const stats = turn.stats;
  if (!stats) return null;
  return (
    <p className="reply-stats">
      {stats.generatedTokens} tokens · first token {formatMs(stats.timeToFirstTokenMs)} ·{' '}
      {stats.decodeTokensPerSecond.toFixed(1)} tok/s · {stats.backend.toUpperCase()} · {stats.dtype}
      {turn.stopped ? ' · stopped' : ''}
    </p>
  );
}

function Turn({ turn }: { turn: ChatTurn }) {
  if (turn.role === 'assistant') {
    return (
      <article
        className="turn turn-assistant"
        data-testid="assistant-message"
        data-token-ids={(turn.tokenIds ?? []).join(',')}
        aria-label="Assistant message"
      >
        <div className="turn-text">{turn.content || <em className="muted">(only special tokens)</em>}</div>
        <ReplyStats turn={turn} />
      </article>
    );
  }
  return (
    <article className={`turn turn-${turn.role}`} aria-label={`${turn.role} message`}>
      <div className="turn-text">{turn.content}</div>
    </article>
  );
}

function StreamingReply() {
  const streaming = useChatStore((state) => state.streaming);
  const tokens = useChatStore((state) => state.streamingTokens);
  if (streaming === null) return null;
  return (
    <article
      className="turn turn-assistant streaming"
      data-testid="assistant-streaming"
      aria-live="polite"
      aria-busy
    >
      <div className="turn-text">{streaming || <span className="muted">thinking…</span>}</div>
      <p className="reply-stats">{tokens} tokens so far</p>
    </article>
  );
}

export function ChatPanel() {
  const turns = useChatStore((state) => state.turns);
  const generating = useChatStore((state) => state.streaming !== null);
  const error = useChatStore((state) => state.error);
  const maxNewTokens = useChatStore((state) => state.maxNewTokens);
  const { send, stop, newChat, setMaxNewTokens } = useChatStore.getState();
  const ready = useAppStore((state) => state.slots.chat.loaded !== null);
  const [draft, setDraft] = useState('');
  const log = useRef<HTMLDivElement>(null);

  // Follow the conversation as it grows, unless the reader scrolled up to read something.
  useEffect(
    () =>
      useChatStore.subscribe(() => {
        const element = log.current;
        if (!element || element.scrollHeight - element.scrollTop - element.clientHeight > 80) return;
        requestAnimationFrame(() => (element.scrollTop = element.scrollHeight));
      }),
    [],
  );

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!draft.trim() || generating || !ready) return;
    void send(draft);
    setDraft('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey) submit(event);
  };

  return (
    <section className="panel chat-panel" aria-label="Chat">
      <ModelGate slot="chat" />
      <div className="chat-log" role="log" aria-label="Conversation" ref={log}>
        {turns.length === 0 && !generating && (
          <p className="muted empty">
            Say something. Everything runs in this tab: nothing you type leaves the device.
          </p>
        )}
        {turns.map((turn, index) => (
          <Turn key={index} turn={turn} />
        ))}
        <StreamingReply />
      </div>
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      <form className="composer" onSubmit={submit}>
        <label className="visually-hidden" htmlFor="chat-input">
          Message
        </label>
        <textarea
          id="chat-input"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder={
            ready ? 'Type a message (Enter sends, Shift+Enter for a new line)' : 'Load a chat model first'
          }
          rows={2}
        />
        <div className="composer-actions">
          {generating ? (
            <button type="button" onClick={stop} className="danger">
              Stop
            </button>
          ) : (
            <button type="submit" disabled={!ready || !draft.trim()}>
              Send
            </button>
          )}
          <button type="button" onClick={newChat} disabled={turns.length === 0 && !generating}>
            New chat
          </button>
          <label className="inline-field">
            Max new tokens
            <input
              type="number"
              min={1}
              max={MAX_NEW_TOKENS_LIMIT}
              value={maxNewTokens}
              onChange={(event) => setMaxNewTokens(Number(event.target.value))}
            />
          </label>
        </div>
      </form>
    </section>
  );
}
