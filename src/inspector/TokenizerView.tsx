/** The tokenizer: its kind, vocabulary and special tokens, live tokenization, and a vocabulary browser. */
import { useEffect, useState } from 'react';
import type { TermId } from '../core/glossary.ts';
import { plural } from '../lib/format.ts';
import { Term } from '../ui/Term.tsx';
import type { OpenedModel } from './protocol.ts';
import { useInspectorStore } from './store.ts';

/** Tokenizer kinds the glossary explains, by the name tokenizer.json gives them. */
const KIND_TERMS: Partial<Record<string, TermId>> = { BPE: 'bpe', WordPiece: 'wordPiece' };

const visible = (text: string) => text.replace(/ /g, '␣').replace(/\n/g, '↵');

export function TokenizerView({ model }: { model: OpenedModel }) {
  const info = model.tokenizer;
  const tokenized = useInspectorStore((state) => state.tokenized);
  const vocab = useInspectorStore((state) => state.vocab);
  const { tokenize, searchVocab } = useInspectorStore.getState();
  const [text, setText] = useState('Tokenizers split text into pieces.');
  const [query, setQuery] = useState('');

  useEffect(() => {
    const timer = setTimeout(() => void tokenize(text), 150);
    return () => clearTimeout(timer);
  }, [text, tokenize]);
  useEffect(() => {
    const timer = setTimeout(() => void searchVocab(query), 150);
    return () => clearTimeout(timer);
  }, [query, searchVocab]);

  if (!info) return <p className="muted">This repository has no tokenizer.json.</p>;
  const kindTerm = KIND_TERMS[info.type];
  return (
    <div className="tokenizer-view">
      <dl className="kv-list" data-testid="tokenizer-info">
        <div>
          <dt>
            <Term id="tokenizer">Kind</Term>
          </dt>
          <dd>{kindTerm ? <Term id={kindTerm}>{info.type}</Term> : info.type}</dd>
        </div>
        <div>
          <dt>
            <Term id="vocabulary" />
          </dt>
          <dd>{info.vocabSize.toLocaleString('en-US')} tokens</dd>
        </div>
        <div>
          <dt>
            <Term id="normalizer" />
          </dt>
          <dd>{info.normalizer ?? 'none'}</dd>
        </div>
        <div>
          <dt>
            <Term id="preTokenizer" />
          </dt>
          <dd>{info.preTokenizer ?? 'none'}</dd>
        </div>
        <div>
          <dt>
            <Term id="specialTokens" />
          </dt>
          <dd>
            {info.specialTokens.map((token) => (
              <code key={token.id}>
                {token.content} ({token.id}){' '}
              </code>
            ))}
          </dd>
        </div>
        <div>
          <dt>
            <Term id="chatTemplate" />
          </dt>
          <dd>{info.chatTemplate ? 'yes (see Chat → What the model sees)' : 'none'}</dd>
        </div>
      </dl>
      <label className="field">
        Text to tokenize
        <textarea value={text} onChange={(event) => setText(event.target.value)} rows={2} />
      </label>
      {tokenized?.text === text && (
        <p className="prompt-tokens" aria-label="Tokens of the text">
          {tokenized.tokens.map((token, index) => (
            <span
              key={index}
              className={`token token-${index % 4}`}
              data-testid="tokenizer-token"
              data-token-id={token.id}
              title={`id ${token.id}`}
            >
              {visible(token.text)}
              <sub>{token.id}</sub>
            </span>
          ))}
        </p>
      )}
      {tokenized?.text === text && (
        <p className="muted">
          {plural(tokenized.tokens.length, 'token')} for {plural(text.length, 'character')}.
        </p>
      )}
      <label className="inline-field">
        Search the vocabulary (text or id)
        <input type="search" value={query} onChange={(event) => setQuery(event.target.value)} />
      </label>
      {vocab && (
        <>
          <p className="muted">
            {vocab.matches.toLocaleString('en-US')} tokens
            {vocab.matches > vocab.entries.length ? `, the first ${vocab.entries.length} shown` : ''}
          </p>
          <ul className="vocab" data-testid="vocab">
            {vocab.entries.map((entry) => (
              <li key={entry.id}>
                <code>{visible(entry.token)}</code> <span className="muted">{entry.id}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
