/**
 * What wllama needs of the forged tokenizer: the text of the app's token ids (wllama 3.8.1 takes prompts as
 * text only, and its llama.cpp tokenizes them back to the same ids: the run checks the count) and the tokens
 * it must not write. wllama serializes every reply as JSON and fails on text that is not UTF-8; a random
 * model picks tokens holding part of a character (a third of the forged vocabulary), so those are banned,
 * which changes which tokens come out but not what each costs.
 *
 *   const vocabulary = peerVocabulary(tokenizerJson);
 *   vocabulary.text([1, 9125, 198]); // → '<|im_start|>system\n'
 */
import { BYTE_TO_UNICODE } from '../../tools/forge/tokenizers/bpe.ts';

export interface PeerVocabulary {
  /** The text the ids stand for. */
  text(ids: readonly number[]): string;
  /** Ids whose bytes are not UTF-8 on their own. */
  notUtf8: number[];
}

export function peerVocabulary(tokenizerJson: { model: { vocab: Record<string, number> } }): PeerVocabulary {
  const byteOf = new Map(BYTE_TO_UNICODE.map((symbol, byte) => [symbol, byte]));
  const bytesById: Uint8Array[] = [];
  for (const [token, id] of Object.entries(tokenizerJson.model.vocab))
    // Special tokens are printable ASCII, which byte-level BPE maps to itself.
    bytesById[id] = Uint8Array.from(token, (symbol) => byteOf.get(symbol) ?? 0);
  const strict = new TextDecoder('utf-8', { fatal: true });
  const notUtf8 = bytesById.flatMap((bytes, id) => {
    try {
      strict.decode(bytes);
      return [];
    } catch {
      return [id];
    }
  });
  return {
    text(ids) {
      const bytes = ids.flatMap((id) => [...(bytesById[id] ?? [])]);
      return new TextDecoder().decode(Uint8Array.from(bytes));
    },
    notUtf8,
  };
}
