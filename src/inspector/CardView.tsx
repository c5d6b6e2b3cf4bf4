/** Openness: the license, the model card (README.md, sanitized) and the catalog's openness card. */
import { useMemo } from 'react';
import { OPENNESS_LEVELS } from '../core/openness.ts';
import { findModel } from '../hub/catalog.ts';
import { renderMarkdown } from '../lib/markdown.ts';
import { OpennessTable } from '../ui/OpennessTable.tsx';
import type { OpenedModel } from './protocol.ts';

/** The card's YAML front matter (between `---` lines) and the text after it. */
export function splitFrontMatter(readme: string): { meta: Record<string, string>; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(readme);
  if (!match) return { meta: {}, body: readme };
  const meta: Record<string, string> = {};
  for (const line of (match[1] ?? '').split(/\r?\n/)) {
    const pair = /^([A-Za-z_][\w-]*):\s*(.+)$/.exec(line);
    if (pair?.[1] && pair[2]) meta[pair[1]] = pair[2].trim();
  }
  return { meta, body: readme.slice(match[0].length) };
}

export function CardView({ model }: { model: OpenedModel }) {
  const entry = findModel(model.target.modelId);
  const card = useMemo(() => (model.readme ? splitFrontMatter(model.readme) : null), [model.readme]);
  const html = useMemo(() => (card ? renderMarkdown(card.body) : ''), [card]);
  const license = entry?.license;
  return (
    <div className="card-view">
      <p data-testid="license">
        License:{' '}
        {license ? (
          <a href={license.url} target="_blank" rel="noreferrer">
            {license.name}
          </a>
        ) : (
          (card?.meta['license'] ?? 'not stated by the repository')
        )}
      </p>
      {entry && (
        <details>
          <summary>Openness card: {OPENNESS_LEVELS[entry.opennessLevel]}</summary>
          <OpennessTable label={entry.label} openness={entry.openness} />
        </details>
      )}
      {card ? (
        <article
          className="markdown model-card"
          data-testid="model-card"
          dangerouslySetInnerHTML={{ __html: html }}
        />
      ) : (
        <p className="muted">This repository has no model card (README.md).</p>
      )}
    </div>
  );
}
