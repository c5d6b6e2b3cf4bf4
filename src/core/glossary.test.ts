/**
 * Views name a term by its id (`<Term id="kvHeads" />`), typed `TermId`: the typecheck refuses an id the
 * glossary lacks, so these tests check the entries themselves.
 */
import { describe, expect, it } from 'vitest';
import {
  ALPHABETICAL_TERMS,
  filterGlossary,
  GLOSSARY,
  glossaryAnchor,
  TERM_IDS,
  termInSentence,
} from './glossary.ts';

/** Sentences end with . ! or ? before a capital, an opening quote or the end: "0.95" and "26.6 %" do not end one. */
const sentences = (text: string) => text.split(/[.!?](?=\s+[A-Z“"]|$)/).filter((part) => part.trim()).length;

describe('the glossary', () => {
  it.each(TERM_IDS)('%s has a word and a definition of one to three full sentences', (id) => {
    const entry = GLOSSARY[id];
    expect(entry.term.trim()).toBe(entry.term);
    expect(entry.term).not.toBe('');
    expect(entry.definition).toMatch(/[.!?]$/);
    expect(sentences(entry.definition)).toBeGreaterThanOrEqual(1);
    expect(sentences(entry.definition)).toBeLessThanOrEqual(3);
    expect(entry.definition.length).toBeLessThanOrEqual(320);
    if (entry.why !== undefined) expect(sentences(entry.why)).toBe(1);
    for (const alias of entry.aliases ?? []) expect(alias.trim()).not.toBe('');
  });

  it('names every term once, and gives each entry its own anchor', () => {
    const words = TERM_IDS.map((id) => GLOSSARY[id].term.toLowerCase());
    expect(new Set(words).size).toBe(words.length);
    const anchors = TERM_IDS.map(glossaryAnchor);
    expect(new Set(anchors).size).toBe(anchors.length);
    expect(glossaryAnchor('kvHeads')).toBe('glossary-kv-heads');
    expect(glossaryAnchor('tokensPerSecond')).toBe('glossary-tok-s');
  });

  it('writes a term inside a sentence with a lower-case first word, unless it is a name', () => {
    expect(termInSentence('ropeTheta')).toBe('rope theta');
    expect(termInSentence('topK')).toBe('top-k');
    expect(termInSentence('preTokenizer')).toBe('pre-tokenizer');
    expect(termInSentence('kvHeads')).toBe('KV heads');
    expect(termInSentence('webgpu')).toBe('WebGPU');
    expect(termInSentence('wordPiece')).toBe('WordPiece');
    expect(termInSentence('tokensPerSecond')).toBe('tok/s');
  });

  it('lists every term once, alphabetically whatever the case', () => {
    expect([...ALPHABETICAL_TERMS].sort()).toEqual([...TERM_IDS].sort());
    const words = ALPHABETICAL_TERMS.map((id) => GLOSSARY[id].term.toLowerCase());
    expect(words).toEqual([...words].sort((a, b) => a.localeCompare(b, 'en')));
  });

  it('finds terms by their word or an alias, in any case; a blank query finds all', () => {
    expect(filterGlossary('rope')).toEqual(['ropeTheta']);
    expect(filterGlossary('  GQA ')).toEqual(['kvHeads']);
    expect(filterGlossary('q4f16')).toEqual(['dtype']);
    expect(filterGlossary('')).toEqual(ALPHABETICAL_TERMS);
    expect(filterGlossary('no such word')).toEqual([]);
  });
});
