import { PreTrainedTokenizer } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainByteLevelBpe } from '../../../tools/forge/tokenizers/bpe.ts';
import {
  CHAT_SPECIAL_TOKENS,
  chatTokenizerConfig,
  loadCorpus,
} from '../../../tools/forge/tokenizers/configs.ts';
import type { ChatMessage } from '../protocol.ts';
import { promptIds, templateIds } from './prompt.ts';

/** The demo chat model's kind of tokenizer: byte-level BPE with the ChatML template. */
let tokenizer: PreTrainedTokenizer;
let imEnd: number;

beforeAll(() => {
  const bpe = trainByteLevelBpe({
    corpus: loadCorpus(),
    vocabSize: 512,
    specialTokens: [...CHAT_SPECIAL_TOKENS],
    seed: 1,
  });
  tokenizer = new PreTrainedTokenizer(bpe.tokenizerJson, chatTokenizerConfig(bpe, { modelMaxLength: 2048 }));
  imEnd = tokenizer.convert_tokens_to_ids('<|im_end|>') as number;
});

const encode = (text: string) => tokenizer.encode(text, { add_special_tokens: false });
/** `text` one character at a time: a split the tokenizer itself would never make of it. */
const characterByCharacter = (text: string) => [...text].flatMap((character) => encode(character));

const question: ChatMessage = { role: 'user', content: 'What is a token?' };
const followUp: ChatMessage = { role: 'user', content: 'And a weight?' };
const replyText = 'A piece of text the model reads.';

describe('promptIds', () => {
  it('is the template tokenized when no reply carries its ids', () => {
    const messages: ChatMessage[] = [question, { role: 'assistant', content: replyText }, followUp];
    expect(promptIds(tokenizer, messages)).toEqual(templateIds(tokenizer, messages));
  });

  it('keeps a reply as written, so the next prompt starts with the whole previous turn', () => {
    const written = [...characterByCharacter(replyText), imEnd];
    expect(written.slice(0, -1)).not.toEqual(encode(replyText)); // re-tokenizing would split it differently
    const messages: ChatMessage[] = [
      question,
      { role: 'assistant', content: replyText, tokenIds: written },
      followUp,
    ];
    const ids = promptIds(tokenizer, messages);
    const turnOne = [...promptIds(tokenizer, [question]), ...written];
    expect(ids.slice(0, turnOne.length)).toEqual(turnOne);
    // The same text as the template's: only the split of the reply differs.
    const decode = (tokens: number[]) => tokenizer.decode(tokens, { skip_special_tokens: false });
    expect(decode(ids)).toBe(decode(templateIds(tokenizer, messages)));
    expect(ids).not.toEqual(templateIds(tokenizer, messages));
  });

  it('keeps every reply of a longer conversation, each prompt extending the one before', () => {
    const first = characterByCharacter(replyText);
    const second = characterByCharacter('Numbers the model learned.');
    const turnOne: ChatMessage[] = [question, { role: 'assistant', content: replyText, tokenIds: first }];
    const turnTwo: ChatMessage[] = [
      ...turnOne,
      followUp,
      { role: 'assistant', content: 'Numbers the model learned.', tokenIds: second },
    ];
    const prefix = [...promptIds(tokenizer, [...turnOne, followUp]), ...second];
    expect(promptIds(tokenizer, [...turnTwo, question]).slice(0, prefix.length)).toEqual(prefix);
  });

  it('re-tokenizes a reply whose ids do not spell its text (edited, or written by another model)', () => {
    const messages: ChatMessage[] = [
      question,
      { role: 'assistant', content: 'Edited afterwards.', tokenIds: characterByCharacter(replyText) },
      followUp,
    ];
    expect(promptIds(tokenizer, messages)).toEqual(templateIds(tokenizer, messages));
    const foreign: ChatMessage[] = [
      question,
      { role: 'assistant', content: replyText, tokenIds: [1e9, -3] },
      followUp,
    ];
    expect(promptIds(tokenizer, foreign)).toEqual(templateIds(tokenizer, foreign));
  });

  it('re-tokenizes a reply where the template refuses the conversation before it', () => {
    const strict = Object.create(tokenizer) as PreTrainedTokenizer;
    strict.apply_chat_template = ((conversation: ChatMessage[], options: object) => {
      if (conversation.at(-1)?.role !== 'user') throw new Error('Conversation roles must alternate');
      return tokenizer.apply_chat_template(conversation, options);
    }) as PreTrainedTokenizer['apply_chat_template'];
    const messages: ChatMessage[] = [
      { role: 'assistant', content: replyText, tokenIds: characterByCharacter(replyText) },
      followUp,
    ];
    expect(promptIds(strict, messages)).toEqual(templateIds(tokenizer, messages));
  });
});
