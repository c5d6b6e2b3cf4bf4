import { memo, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { copyText } from '../lib/copyText.ts';
import { formatMs, formatRate, plural } from '../lib/format.ts';
import { markdownBlocks, renderMarkdown } from '../lib/markdown.ts';
import { openLookInside } from '../session/lookInside.ts';
import { ModelGate } from '../session/ModelGate.tsx';
import { useAppStore } from '../session/store.ts';
import { ErrorBoundary } from '../ui/ErrorBoundary.tsx';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { SidePanel, SidePanelToggle, useSidePanel } from '../ui/SidePanel.tsx';
import { Term, TermHelp } from '../ui/Term.tsx';
import { useSessionText } from '../ui/useSessionText.ts';
import { Conversations, exportOpenConversation } from './Conversations.tsx';
import { LookInsideDialog } from './LookInside.tsx';
import { PromptView } from './PromptView.tsx';
import { GREEDY_EXPLANATION, SAMPLING_SETTINGS, type NumericSetting } from './sampling.ts';
import { selectGenerating } from './selectors.ts';
import { useChatStore } from './store.ts';
import { compareWithTeacher } from './teacherCheck.ts';
import { ProbabilitySettings, ReplyTokens } from './TokenView.tsx';
import type { ChatTurn } from './types.ts';
import { versionInfo } from './versions.ts';
import './chatLog.css';

function ReplyStats({ turn }: { turn: ChatTurn }) {
  const stats = turn.stats;
  if (!stats) return null;
  return (
    <details className="reply-stats" data-testid="reply-stats" data-reused={stats.reusedPromptTokens}>
      <summary>
        {plural(stats.generatedTokens, 'token')} · first token {formatMs(stats.timeToFirstTokenMs)} ·{' '}
        {formatRate(stats.decodeTokensPerSecond)} · {stats.backend.toUpperCase()} · {stats.dtype} · reused{' '}
        {stats.reusedPromptTokens} of {plural(stats.promptTokens, 'prompt token')}
        {turn.stopped ? ' · stopped' : ''}
      </summary>
      <dl className="kv-list">
        <dt>
          <Term id="prefill">Prompt</Term>
        </dt>
        <dd>
          {plural(stats.promptTokens, 'token')}: {stats.reusedPromptTokens} reused from the{' '}
          <Term id="kvCache" />, {stats.promptTokens - stats.reusedPromptTokens} computed at{' '}
          {formatRate(stats.prefillTokensPerSecond)}
        </dd>
        <dt>
          <Term id="firstToken" />
        </dt>
        <dd>{formatMs(stats.timeToFirstTokenMs)} after sending</dd>
        <dt>
          <Term id="decode" />
        </dt>
        <dd>
          {plural(stats.generatedTokens, 'token')} at {formatRate(stats.decodeTokensPerSecond)}
        </dd>
        <dt>Total</dt>
        <dd>{formatMs(stats.totalMs)}</dd>
      </dl>
    </details>
  );
}

// Turns are memoized: a new turn, or a reply starting or ending, draws only what changed, not every earlier
// reply token by token again.
const UserTurn = memo(function UserTurn({ turn, index }: { turn: ChatTurn; index: number }) {
  const [draft, setDraft] = useState<string | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const busy = useChatStore(selectGenerating);
  if (draft !== null) {
    return (
      <article className="turn turn-user" aria-label="user message">
        <label className="visually-hidden" htmlFor={`edit-${index}`}>
          Edit message
        </label>
        <textarea
          id={`edit-${index}`}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key !== 'Escape') return;
            // Gives up the edit (the message stays as it was) and returns to its Edit button.
            setDraft(null);
            requestAnimationFrame(() => editButton.current?.focus());
          }}
          autoFocus
          rows={2}
        />
        <div className="turn-actions">
          <button
            type="button"
            disabled={busy || !draft.trim()}
            onClick={() => {
              void useChatStore.getState().editAndResend(index, draft);
              setDraft(null);
            }}
          >
            Resend
          </button>
          <button type="button" onClick={() => setDraft(null)}>
            Cancel
          </button>
        </div>
      </article>
    );
  }
  return (
    <article className="turn turn-user" aria-label="user message">
      <div className="turn-text" data-testid="message-text">
        {turn.content}
      </div>
      <div className="turn-actions">
        <button type="button" ref={editButton} disabled={busy} onClick={() => setDraft(turn.content)}>
          Edit
        </button>
        <Versions turn={turn} index={index} />
      </div>
    </article>
  );
});

/** A reply rendered as sanitized markdown, or as the exact text the model produced. */
function ReplyText({ content, showSource }: { content: string; showSource: boolean }) {
  const html = useMemo(() => renderMarkdown(content), [content]);
  if (showSource) {
    return (
      <pre className="turn-source" data-testid="message-source">
        {content}
      </pre>
    );
  }
  if (!content) return <em className="muted">(only special tokens)</em>;
  return (
    <div
      className="turn-text markdown"
      data-testid="message-text"
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

/** "‹ 2 of 3 ›": the versions of a reply (regenerated, branched) or of a message (edited and resent). */
function Versions({ turn, index }: { turn: ChatTurn; index: number }) {
  const busy = useChatStore(selectGenerating);
  const { version, count } = versionInfo(turn);
  if (count < 2) return null;
  const show = (next: number) => useChatStore.getState().showVersion(index, next);
  return (
    <span
      className="versions"
      role="group"
      aria-label={turn.role === 'user' ? 'Versions of this message' : 'Versions of this reply'}
    >
      <button
        type="button"
        aria-label="Previous version"
        disabled={busy || version === 0}
        onClick={() => show(version - 1)}
      >
        ‹
      </button>
      <span data-testid="version">
        Version {version + 1} of {count}
      </span>
      <button
        type="button"
        aria-label="Next version"
        disabled={busy || version === count - 1}
        onClick={() => show(version + 1)}
      >
        ›
      </button>
    </span>
  );
}

/** Under a reply to a scene's message: whether it is the teacher's reply, token for token, and if not why. */
function TeacherCheck({ turn, index }: { turn: ChatTurn; index: number }) {
  const teacher = useChatStore((state) => state.teacherReply);
  const asked = useChatStore((state) => state.turns[index - 1]);
  const model = useAppStore((state) => state.slots.chat.loaded?.spec.id ?? null);
  if (!teacher || asked?.role !== 'user' || asked.content !== teacher.message) return null;
  if (!turn.tokenIds || !turn.stats || !model) return null;
  const comparison = compareWithTeacher(
    { tokenIds: turn.tokenIds, model, dtype: turn.stats.dtype, backend: turn.stats.backend },
    teacher,
  );
  if (comparison.same) {
    return (
      <p className="teacher-check same" role="status" data-testid="teacher-check" data-same="true">
        Same as the teacher&apos;s reply: all {plural(comparison.tokens, 'token')} match.
      </p>
    );
  }
  const token = (id: number | null) => (id === null ? 'the end of the reply' : `token id ${id}`);
  return (
    <p className="teacher-check differs" role="status" data-testid="teacher-check" data-same="false">
      Differs from the teacher&apos;s reply from token {comparison.position + 1} on: the teacher&apos;s has{' '}
      {token(comparison.teacherId)}, yours {token(comparison.studentId)}. Likely reason:{' '}
      {comparison.reasons.join('; ')}.
    </p>
  );
}

const AssistantTurn = memo(function AssistantTurn({
  turn,
  index,
  isLast,
}: {
  turn: ChatTurn;
  index: number;
  isLast: boolean;
}) {
  const busy = useChatStore(selectGenerating);
  const showProbabilities = useChatStore((state) => state.showProbabilities);
  const [copied, setCopied] = useState(false);
  const [showSource, setShowSource] = useState(false);
  const showTokens = showProbabilities && !showSource && (turn.steps?.length ?? 0) > 0;
  return (
    <article
      className="turn turn-assistant"
      data-testid="assistant-message"
      data-token-ids={(turn.tokenIds ?? []).join(',')}
      aria-label="Assistant message"
    >
      {showTokens ? (
        // Another version of the reply starts afresh: its own first token, no candidates open.
        <ReplyTokens key={versionInfo(turn).version} turn={turn} index={index} />
      ) : (
        <ReplyText content={turn.content} showSource={showSource} />
      )}
      <ReplyStats turn={turn} />
      <TeacherCheck turn={turn} index={index} />
      <div className="turn-actions">
        <Versions turn={turn} index={index} />
        <button type="button" onClick={() => void copyText(turn.content).then(setCopied)}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" aria-pressed={showSource} onClick={() => setShowSource(!showSource)}>
          Source
        </button>
        {isLast && (
          <button type="button" disabled={busy} onClick={() => void useChatStore.getState().regenerate()}>
            Regenerate
          </button>
        )}
        {(turn.tokenIds?.length ?? 0) > 0 && (
          <button
            type="button"
            disabled={busy}
            onClick={() => openLookInside(index)}
            title="Run the prompt and this reply through the model again, showing its layers at work"
          >
            Look inside
          </button>
        )}
      </div>
    </article>
  );
});

/** One block of a streaming reply's markdown: drawn again only when its own text changes. */
const MarkdownBlock = memo(function MarkdownBlock({ source }: { source: string }) {
  return <div dangerouslySetInnerHTML={{ __html: renderMarkdown(source) }} />;
});

/**
 * The reply as it streams, block by block: a frame renders and lays out the block that grew, not the
 * whole reply again (which made every frame slower as the reply grew).
 */
function StreamingText({ content }: { content: string }) {
  const blocks = useMemo(() => markdownBlocks(content), [content]);
  return (
    <div className="turn-text markdown" data-testid="message-text">
      {blocks.map((source, index) => (
        <MarkdownBlock key={index} source={source} />
      ))}
    </div>
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
      {streaming ? <StreamingText content={streaming} /> : <span className="muted">thinking…</span>}
      <p className="reply-stats">{plural(tokens, 'token')} so far</p>
    </article>
  );
}

function SystemPrompt() {
  const systemPrompt = useChatStore((state) => state.systemPrompt);
  return (
    <details className="system-prompt">
      <summary>System prompt{systemPrompt.trim() ? ': your own' : ': the model’s default'}</summary>
      <label className="field">
        System prompt (instructions the model reads before the conversation; empty uses its template’s
        default)
        <textarea
          value={systemPrompt}
          onChange={(event) => useChatStore.getState().setSystemPrompt(event.target.value)}
          rows={2}
        />
      </label>
    </details>
  );
}

/** One numeric sampling setting; its explanation shows as the input's tooltip (and accessible description). */
function SettingInput({ name }: { name: NumericSetting }) {
  const value = useChatStore((state) => state.settings[name]);
  const spec = SAMPLING_SETTINGS[name];
  return (
    <label className="inline-field" title={spec.explanation}>
      {spec.label}
      <input
        type="number"
        min={spec.min}
        max={spec.max}
        step={spec.step}
        value={value}
        onChange={(event) => useChatStore.getState().setSetting(name, Number(event.target.value))}
      />
    </label>
  );
}

function SamplingSettings() {
  const greedy = useChatStore((state) => state.settings.greedy);
  const sampled: NumericSetting[] = ['temperature', 'topK', 'topP', 'repetitionPenalty', 'seed'];
  return (
    <details className="sampling">
      <summary>Sampling: {greedy ? 'greedy (always the most likely token)' : 'random, seeded'}</summary>
      <label className="inline-field">
        <input
          type="checkbox"
          checked={greedy}
          onChange={(event) => useChatStore.getState().setGreedy(event.target.checked)}
        />
        Greedy
      </label>
      <TermHelp id="greedy" />
      <p className="muted">{GREEDY_EXPLANATION}</p>
      <ul className="settings-list">
        {sampled.map((name) => (
          <li key={name}>
            <SettingInput name={name} />
            {SAMPLING_SETTINGS[name].term && <TermHelp id={SAMPLING_SETTINGS[name].term} />}
            <span className="muted">{SAMPLING_SETTINGS[name].explanation}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The composer's id: the page's skip link leads to it. */
export const MESSAGE_BOX_ID = 'chat-input';
/** Where the composer keeps its draft (sessionStorage): scenes read it, the reset clears it. */
export const CHAT_DRAFT_KEY = 'glassbox-chat-draft';

export function ChatPanel() {
  const turns = useChatStore((state) => state.turns);
  const generating = useChatStore(selectGenerating);
  const error = useChatStore((state) => state.error);
  const conversationId = useChatStore((state) => state.conversationId);
  const notice = useChatStore((state) => state.notice);
  const { send, stop, newChat } = useChatStore.getState();
  const ready = useAppStore((state) => state.slots.chat.loaded !== null);
  // Kept across a reload of the tab (the first visit's, once the app works offline).
  const [draft, setDraft] = useSessionText(CHAT_DRAFT_KEY);
  const log = useRef<HTMLDivElement>(null);
  const conversationsPanel = useSidePanel('glassbox-chat-conversations-open');
  const settingsPanel = useSidePanel('glassbox-chat-settings-open');
  const draftFromScene = useChatStore((state) => state.draftFromScene);
  useEffect(() => {
    if (draftFromScene === null) return;
    setDraft(draftFromScene);
    useChatStore.getState().setDraftFromScene(null);
  }, [draftFromScene, setDraft]);

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
    else if (event.key === 'Escape' && generating) stop();
  };

  return (
    <section className="panel chat-panel" aria-label="Chat">
      <SidePanel panel={conversationsPanel} id="chat-conversations" label="Conversations" side="start">
        <Conversations />
      </SidePanel>
      <div className="chat-main">
        <div className="chat-toolbar">
          <SidePanelToggle panel={conversationsPanel} id="chat-conversations">
            Conversations
          </SidePanelToggle>
          <SidePanelToggle panel={settingsPanel} id="chat-settings">
            Settings
          </SidePanelToggle>
        </div>
        <ModelGate slot="chat" />
        <div className="chat-log" role="log" aria-label="Conversation" ref={log}>
          {/* A conversation that cannot be drawn fails here alone: the list, the composer and New chat stay. */}
          <ErrorBoundary
            key={conversationId}
            title="This conversation cannot be shown"
            actions={
              <>
                <button type="button" onClick={exportOpenConversation}>
                  Export it as JSON
                </button>
                <button type="button" onClick={newChat}>
                  Start a new chat
                </button>
              </>
            }
          >
            {turns.length === 0 && !generating && (
              <p className="muted empty">
                Say something. Everything runs in this tab: nothing you type leaves the device.
              </p>
            )}
            {turns.map((turn, index) =>
              turn.role === 'assistant' ? (
                <AssistantTurn key={index} turn={turn} index={index} isLast={index === turns.length - 1} />
              ) : (
                <UserTurn key={index} turn={turn} index={index} />
              ),
            )}
            <StreamingReply />
          </ErrorBoundary>
        </div>
        <ErrorMessage message={error} />
        {notice && (
          <p className="warning" role="status" data-testid="chat-notice">
            {notice}
          </p>
        )}
        <form className="composer" onSubmit={submit}>
          <label className="visually-hidden" htmlFor={MESSAGE_BOX_ID}>
            Message
          </label>
          <textarea
            id={MESSAGE_BOX_ID}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onKeyDown}
            placeholder={
              ready
                ? 'Type a message (Enter sends, Shift+Enter for a new line, Esc stops a reply)'
                : 'Load a chat model first'
            }
            rows={2}
          />
          <div className="composer-actions">
            {generating ? (
              <button type="button" onClick={stop} className="danger">
                Stop
              </button>
            ) : (
              <button type="submit" className="primary" disabled={!ready || !draft.trim()}>
                Send
              </button>
            )}
            <button type="button" onClick={newChat} disabled={turns.length === 0 && !generating}>
              New chat
            </button>
            <SettingInput name="maxNewTokens" />
          </div>
        </form>
      </div>
      <SidePanel panel={settingsPanel} id="chat-settings" label="Reply settings" side="end">
        <SystemPrompt />
        <SamplingSettings />
        <ProbabilitySettings />
        <PromptView draft={draft} />
      </SidePanel>
      <LookInsideDialog />
    </section>
  );
}
