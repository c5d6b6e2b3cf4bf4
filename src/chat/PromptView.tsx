import { useEffect, useState } from 'react';
import type { PromptView as View } from '../engine/protocol.ts';
import { messageOf } from '../lib/errors.ts';
import { plural } from '../lib/format.ts';
import { engine } from '../session/engine.ts';
import { useAppStore } from '../session/store.ts';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { Term } from '../ui/Term.tsx';
import { requestMessages } from './selectors.ts';
import { useChatStore } from './store.ts';

const RENDER_DELAY_MS = 250;

/** "What the model sees": the chat template's text, its tokens with ids, and the context meter. */
export function PromptView({ draft }: { draft: string }) {
  const [open, setOpen] = useState(false);
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState<string | null>(null);
  const turns = useChatStore((state) => state.turns);
  const systemPrompt = useChatStore((state) => state.systemPrompt);
  const maxNewTokens = useChatStore((state) => state.settings.maxNewTokens);
  const model = useAppStore((state) => state.slots.chat.loaded);

  useEffect(() => {
    if (!open || !model) return;
    let current = true;
    const timer = setTimeout(() => {
      const next = draft.trim() ? [...turns, { role: 'user' as const, content: draft.trim() }] : turns;
      engine.renderPrompt(requestMessages(systemPrompt, next), maxNewTokens).then(
        (rendered) => {
          if (!current) return;
          setView(rendered);
          setError(null);
        },
        (caught: unknown) => {
          if (current) setError(messageOf(caught));
        },
      );
    }, RENDER_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [open, model, turns, systemPrompt, maxNewTokens, draft]);

  return (
    <details className="prompt-view" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>What the model sees</summary>
      <ErrorMessage message={error} />
      {view && (
        <>
          <label className="field">
            Context: {view.tokens.length} of {view.contextLength} tokens used, {view.reserved} kept for the
            reply
            <meter
              min={0}
              max={view.contextLength}
              value={view.tokens.length + view.reserved}
              high={view.contextLength * 0.9}
              data-testid="context-meter"
            />
          </label>
          {view.droppedMessages > 0 && (
            <p className="warning" role="status">
              The conversation no longer fits: the oldest {view.droppedMessages} messages are left out of what
              the model reads. The system prompt is always kept.
            </p>
          )}
          {view.overflows && (
            <p className="error" role="alert">
              Even the system prompt and the newest message do not fit: shorten them or lower max new tokens.
            </p>
          )}
          <h4>
            The prompt after the model’s <Term id="chatTemplate">chat template</Term>
          </h4>
          <pre className="prompt-text" data-testid="prompt-text">
            {view.text}
          </pre>
          <h4>
            Its <Term id="token">{plural(view.tokens.length, 'token')}</Term>
          </h4>
          {turns.some((turn) => turn.tokenIds?.length) && (
            <p className="muted">
              Earlier replies keep the tokens the model wrote them in, where the tokenizer would split their
              text differently: the model reads back exactly what it wrote, and the next reply reuses the
              cached work.
            </p>
          )}
          <p className="prompt-tokens" aria-label="Prompt tokens">
            {view.tokens.map((token, index) => (
              <span
                key={index}
                className={`token token-${index % 4}`}
                title={`id ${token.id}`}
                data-testid="prompt-token"
                data-token-id={token.id}
              >
                {token.text.replace(/\n/g, '↵')}
                <sub>{token.id}</sub>
              </span>
            ))}
          </p>
        </>
      )}
    </details>
  );
}
