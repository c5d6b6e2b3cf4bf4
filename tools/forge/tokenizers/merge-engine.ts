/**
 * The merge-learning core shared by the byte-level BPE and WordPiece trainers.
 *
 * Both trainers reduce to the same loop: words (unique pre-tokens with counts) are sequences of
 * symbol ids; repeatedly take the most frequent adjacent pair, append the concatenated symbol to
 * the vocabulary, and rewrite the words. Pair counts are maintained incrementally (only the words
 * that contain the merged pair are touched) and the best pair comes from a lazy max-heap, so the
 * cost per merge is proportional to the words it changes, not to the corpus.
 *
 * Example:
 *   const vocab = new Vocabulary(['a', 'b']);
 *   const merges = learnMerges({ words: [[0, 1]], wordCounts: [3], vocab, maxTokens: 3, minCount: 2,
 *     concat: (x, y) => x + y });   // merges = [[0, 1]], vocab.tokens = ['a', 'b', 'ab']
 */

import type { Rng } from '../random.ts';

/** Ids are packed into one number as a * KEY_BASE + b; 2^21 ids is far above any real vocabulary. */
const KEY_BASE = 2 ** 21;

/** Token strings and their ids, in id order. */
export class Vocabulary {
  readonly tokens: string[] = [];
  private readonly ids = new Map<string, number>();

  constructor(initial: readonly string[] = []) {
    for (const token of initial) this.add(token);
  }

  get size(): number {
    return this.tokens.length;
  }

  idOf(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** Adds a token (or returns the id it already has). */
  add(token: string): number {
    const existing = this.ids.get(token);
    if (existing !== undefined) return existing;
    const id = this.tokens.length;
    if (id >= KEY_BASE) throw new Error(`Vocabulary: more than ${KEY_BASE} tokens`);
    this.tokens.push(token);
    this.ids.set(token, id);
    return id;
  }

  tokenAt(id: number): string {
    const token = this.tokens[id];
    if (token === undefined) throw new Error(`Vocabulary: no token with id ${id}`);
    return token;
  }

  /** Object form for tokenizer.json; fromEntries defines own properties, so a token named "__proto__" stays a key. */
  toJson(): Record<string, number> {
    return Object.fromEntries(this.tokens.map((token, id) => [token, id]));
  }
}

interface HeapEntry {
  key: number;
  count: number;
}

/** Max-heap on count; ties go to the smaller key, i.e. the smaller (left id, right id): deterministic. */
class PairHeap {
  private readonly items: HeapEntry[] = [];

  get length(): number {
    return this.items.length;
  }

  private static before(x: HeapEntry, y: HeapEntry): boolean {
    return x.count > y.count || (x.count === y.count && x.key < y.key);
  }

  push(entry: HeapEntry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as HeapEntry;
      if (!PairHeap.before(entry, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = entry;
  }

  pop(): HeapEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      let child = left;
      if (right < items.length && PairHeap.before(items[right] as HeapEntry, items[left] as HeapEntry))
        child = right;
      const c = items[child] as HeapEntry;
      if (!PairHeap.before(c, last)) break;
      items[i] = c;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

export interface LearnMergesOptions {
  /** Unique pre-tokenized words as symbol ids (they are rewritten in place). */
  words: number[][];
  /** How often each word occurs in the corpus. */
  wordCounts: readonly number[];
  /** Grows with each new merged symbol. */
  vocab: Vocabulary;
  /** Stop once the vocabulary holds this many tokens. */
  maxTokens: number;
  /** Stop once the best pair occurs fewer times than this. */
  minCount: number;
  /** The string of the symbol made by merging left and right. */
  concat: (left: string, right: string) => string;
}

/**
 * Greedy frequency-ordered merges. Returns the merges as [leftId, rightId] in priority order.
 * A merge whose result already exists (e.g. "ab"+"c" after "a"+"bc") reuses that id, as the
 * Hugging Face trainer does: the merge is still needed to reach the token, but the vocabulary
 * does not grow.
 */
export function learnMerges(options: LearnMergesOptions): Array<[number, number]> {
  const { words, wordCounts, vocab, maxTokens, minCount, concat } = options;
  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();

  words.forEach((word, w) => {
    const count = wordCounts[w] ?? 0;
    for (let i = 0; i + 1 < word.length; i++) {
      const key = (word[i] as number) * KEY_BASE + (word[i + 1] as number);
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
      let set = pairWords.get(key);
      if (!set) pairWords.set(key, (set = new Set()));
      set.add(w);
    }
  });

  const heap = new PairHeap();
  for (const [key, count] of pairCounts) heap.push({ key, count });

  const merges: Array<[number, number]> = [];
  const delta = new Map<number, number>();

  while (vocab.size < maxTokens && heap.length > 0) {
    const top = heap.pop() as HeapEntry;
    const current = pairCounts.get(top.key) ?? 0;
    // Lazy heap: counts only go down without a fresh push, so a stale entry overstates its pair.
    if (current !== top.count) {
      if (current > 0 && current < top.count) heap.push({ key: top.key, count: current });
      continue;
    }
    if (current < minCount) break;

    const left = Math.floor(top.key / KEY_BASE);
    const right = top.key % KEY_BASE;
    const merged = vocab.add(concat(vocab.tokenAt(left), vocab.tokenAt(right)));
    merges.push([left, right]);

    delta.clear();
    const affected = pairWords.get(top.key) ?? new Set<number>();
    for (const w of affected) {
      const word = words[w] as number[];
      const count = wordCounts[w] ?? 0;
      const rewritten: number[] = [];
      for (let i = 0; i < word.length; i++) {
        if (word[i] === left && word[i + 1] === right) {
          rewritten.push(merged);
          i++;
        } else {
          rewritten.push(word[i] as number);
        }
      }
      if (rewritten.length === word.length) continue; // stale membership: pair no longer in this word
      // Words are short, so "remove all old pairs, add all new pairs" is simpler than patching neighbours.
      for (let i = 0; i + 1 < word.length; i++) {
        const key = (word[i] as number) * KEY_BASE + (word[i + 1] as number);
        delta.set(key, (delta.get(key) ?? 0) - count);
      }
      for (let i = 0; i + 1 < rewritten.length; i++) {
        const key = (rewritten[i] as number) * KEY_BASE + (rewritten[i + 1] as number);
        delta.set(key, (delta.get(key) ?? 0) + count);
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(w);
      }
      words[w] = rewritten;
    }

    for (const [key, change] of delta) {
      if (change === 0) continue;
      const next = (pairCounts.get(key) ?? 0) + change;
      if (next <= 0) {
        pairCounts.delete(key);
        pairWords.delete(key);
      } else {
        pairCounts.set(key, next);
        if (change > 0) heap.push({ key, count: next });
      }
    }
  }
  return merges;
}

export interface SyntheticMergesOptions {
  vocab: Vocabulary;
  /** Grow the vocabulary to exactly this many tokens. */
  targetSize: number;
  rng: Rng;
  /** Ids that may stand on the left of a synthetic merge (fixed; new tokens are also eligible). */
  leftPool: readonly number[];
  /** Ids that may stand on the right. */
  rightPool: readonly number[];
  concat: (left: string, right: string) => string;
  /** Longest synthetic token, in UTF-16 units, to keep tokenizer.json small. */
  maxLength: number;
}

/**
 * Pads a vocabulary the corpus cannot fill (a 30 KB text yields a few thousand pairs seen twice,
 * a real model wants ~50k tokens). Each synthetic token is a new concatenation of a random left
 * token (from the pool or an earlier synthetic token) and a random right token, recorded as a
 * genuine merge after all learned ones, so it has the lowest priority and every id stays reachable
 * and decodable. Only the seeded rng chooses, so the result is deterministic.
 */
export function addSyntheticMerges(options: SyntheticMergesOptions): Array<[number, number]> {
  const { vocab, targetSize, rng, rightPool, concat, maxLength } = options;
  const leftPool = [...options.leftPool];
  const merges: Array<[number, number]> = [];
  if (leftPool.length === 0 || rightPool.length === 0) throw new Error('addSyntheticMerges: empty pool');
  let misses = 0;
  while (vocab.size < targetSize) {
    const left = leftPool[rng.int(leftPool.length)] as number;
    const right = rightPool[rng.int(rightPool.length)] as number;
    const token = concat(vocab.tokenAt(left), vocab.tokenAt(right));
    if (token.length > maxLength || vocab.idOf(token) !== undefined) {
      // The candidate space is astronomically larger than any vocabulary, so this only guards bugs.
      if (++misses > 1_000_000) throw new Error('addSyntheticMerges: cannot find new tokens');
      continue;
    }
    misses = 0;
    const id = vocab.add(token);
    merges.push([left, right]);
    leftPool.push(id);
  }
  return merges;
}

/** `added_tokens` entries of a tokenizer.json for special tokens that take ids 0..n-1. */
export function specialAddedTokens(tokens: readonly string[]): Record<string, unknown>[] {
  return tokens.map((content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
}
