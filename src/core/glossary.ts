/**
 * The words a class meets in Glassbox, each explained in one to three plain sentences (for a 14-year-old
 * as much as for the teacher). `ui/Term.tsx` shows an entry beside the word; `ui/Glossary.tsx` lists them
 * all. A view names a term by its id, so TypeScript refuses a word the glossary does not explain.
 *
 *   GLOSSARY.kvHeads.term          // → 'KV heads'
 *   filterGlossary('gqa')          // → ['kvHeads'] (aliases count)
 *   glossaryAnchor('topP')         // → 'glossary-top-p'
 *   termInSentence('ropeTheta')    // → 'rope theta'
 */

export interface GlossaryEntry {
  /** The word as the app writes it: "KV heads". */
  readonly term: string;
  /** Other names a reader may look for: "GQA", "fp16". */
  readonly aliases?: readonly string[];
  /** One to three plain sentences. */
  readonly definition: string;
  /** Why it matters in this app, when that helps: one sentence. */
  readonly why?: string;
}

const ENTRIES = {
  // The shape of a model (Inspector → Overview).
  layers: {
    term: 'Layers',
    aliases: ['blocks', 'transformer layers'],
    definition:
      'A model is a stack of layers, each the same recipe (attention, then a feed-forward network) applied to every token’s vector in turn. Each layer refines what the one before it found.',
    why: 'More layers can capture more complex patterns, but every token has to pass through all of them.',
  },
  hiddenSize: {
    term: 'Hidden size',
    aliases: ['d_model', 'n_embd', 'model width'],
    definition:
      'How many numbers describe each token inside the model: the length of the vector that flows from layer to layer.',
    why: 'Longer vectors can hold more detail but need more memory and more arithmetic.',
  },
  attentionHeads: {
    term: 'Attention heads',
    aliases: ['attention', 'query heads', 'self-attention'],
    definition:
      'Attention lets each token look back at earlier tokens and take in what matters to it. A layer does this several times side by side, and each head can learn to look for something different, such as the previous word or the subject of the sentence.',
  },
  kvHeads: {
    term: 'KV heads',
    aliases: ['key-value heads', 'grouped-query attention', 'GQA'],
    definition:
      'How many sets of keys and values (K and V) each attention layer keeps. When there are fewer KV heads than attention heads, several heads share one set (grouped-query attention).',
    why: 'Fewer KV heads make the KV cache smaller, so long chats need less memory.',
  },
  headDim: {
    term: 'Head dim',
    aliases: ['head dimension', 'head size'],
    definition:
      'How many numbers each attention head works with, usually the hidden size divided by the number of attention heads.',
  },
  ffnSize: {
    term: 'FFN size',
    aliases: ['feed-forward network', 'intermediate size', 'MLP'],
    definition:
      'After attention, each layer passes every token’s vector through a small feed-forward network (FFN): it widens the vector to this many numbers, then narrows it back.',
    why: 'Most of a model’s parameters sit in these networks.',
  },
  vocabulary: {
    term: 'Vocabulary',
    aliases: ['vocab size', 'token ids'],
    definition:
      'Every token the tokenizer and the model know, each with its own number (its id). To write, the model gives every token in the vocabulary a score and one is chosen.',
  },
  contextLength: {
    term: 'Context length',
    aliases: ['context window', 'max position embeddings'],
    definition:
      'The most tokens the model was built to read at once: the system prompt, the conversation and the reply together.',
    why: 'A longer chat must drop or shorten its oldest turns to fit.',
  },
  ropeTheta: {
    term: 'Rope theta',
    aliases: ['RoPE', 'rotary position embedding', 'positions'],
    definition:
      'RoPE (rotary position embedding) tells the model where each token stands by turning its query and key vectors by angles that grow with the position. Rope theta sets how fast those angles change; larger values suit longer texts.',
  },
  tiedEmbeddings: {
    term: 'Tied embeddings',
    aliases: ['weight tying', 'embedding table'],
    definition:
      'One table of numbers used twice: to turn each token into a vector at the start, and to score every token of the vocabulary at the end.',
    why: 'It saves millions of parameters in a small model.',
  },
  parameters: {
    term: 'Parameters',
    aliases: ['weights', 'model size'],
    definition:
      'The numbers a model learned in training, also called its weights. “135M parameters” means 135 million of them.',
    why: 'More parameters usually means a more capable model, and a bigger download that runs slower.',
  },

  // How weights are stored (Inspector → Weights, Models).
  dtype: {
    term: 'Dtype',
    aliases: ['data type', 'fp32', 'fp16', 'q8', 'q4', 'q4f16', 'int8', 'uint8', 'float'],
    definition:
      'How each number is stored. fp32 takes 32 bits (4 bytes) per number and fp16 takes 16; q8 and q4 store weights as 8-bit or 4-bit integers (quantization), and q4f16 is q4 with the rest in fp16.',
    why: 'Fewer bits mean a smaller download and less memory, at some loss of accuracy; which one runs fastest depends on the backend.',
  },
  quantization: {
    term: 'Quantization',
    aliases: ['quantized', 'scale', 'zero point', 'dequantization'],
    definition:
      'Storing weights as small integers and turning them back into real numbers when needed: value = (integer − zero point) × scale. A group of weights shares one scale and one zero point.',
    why: 'A 4-bit weight takes an eighth of the space of an fp32 one, and is slightly less precise.',
  },
  packed4Bit: {
    term: 'Packed 4-bit',
    aliases: ['4-bit', 'K×N', 'MatMulNBits', 'blocks', 'nibbles'],
    definition:
      'Two 4-bit weights share each byte. A matrix that turns K inputs into N outputs holds K×N weights, stored in blocks (often of 32) that each have their own scale.',
    why: 'The parameter count counts the K×N weights, not the bytes that hold them.',
  },
  tensor: {
    term: 'Tensor',
    aliases: ['shape', 'matrix', 'array'],
    definition:
      'A grid of numbers with any number of dimensions: a list, a table, or more. A model’s weights, and the values passed between its steps, are tensors; the shape says how long each dimension is.',
  },

  // Files and graphs (Inspector → Graph, headers).
  onnx: {
    term: 'ONNX',
    aliases: ['Open Neural Network Exchange', 'onnxruntime'],
    definition:
      'An open file format for models: a graph of operations together with the weights they use. Glassbox runs ONNX files in the browser with onnxruntime-web.',
  },
  graph: {
    term: 'Graph',
    aliases: ['nodes', 'computation graph'],
    definition:
      'A model written as a diagram of steps: each node is one operation that takes tensors in and gives tensors out, and the connections say which result feeds which step.',
  },
  operator: {
    term: 'Operator',
    aliases: ['operation', 'op', 'opset', 'MatMul'],
    definition:
      'One kind of step in a graph, such as MatMul (multiply two matrices), Add or Softmax. The ONNX standard defines them, and an opset is a numbered version of that list.',
  },
  initializers: {
    term: 'Initializers',
    aliases: ['constants', 'weight tensors'],
    definition:
      'The tensors stored inside an ONNX file with its graph: the learned weights and fixed constants.',
  },
  safetensors: {
    term: 'Safetensors',
    aliases: ['model.safetensors', 'header'],
    definition:
      'A simple file format for weights: a short header listing every tensor’s name, dtype and shape, then the raw numbers. Unlike some older formats, loading it cannot run hidden code.',
    why: 'Because the header comes first, Glassbox can list a model’s tensors and count its parameters before downloading it.',
  },

  // Text into tokens (Inspector → Tokenizer, Chat → What the model sees).
  token: {
    term: 'Token',
    aliases: ['tokens', 'token id'],
    definition:
      'A piece of text the model reads or writes as one unit: a word, part of a word, a space or a punctuation mark. The model never sees letters, only each token’s id.',
  },
  tokenizer: {
    term: 'Tokenizer',
    aliases: ['tokenization'],
    definition:
      'The part that cuts text into tokens and turns them into ids, and turns ids back into text. Each model comes with its own.',
  },
  bpe: {
    term: 'BPE',
    aliases: ['byte-pair encoding', 'merges'],
    definition:
      'Byte-pair encoding: a vocabulary built by starting from single bytes and repeatedly merging the most frequent neighbouring pair into a new token. Common words end up as one token; rare words are split into pieces.',
  },
  wordPiece: {
    term: 'WordPiece',
    aliases: ['##'],
    definition:
      'A way of splitting words into pieces from a fixed vocabulary, used by BERT-style models. A piece that continues a word is written with ## in front.',
  },
  normalizer: {
    term: 'Normalizer',
    aliases: ['normalization of text', 'lower case'],
    definition:
      'The tokenizer’s first step: it tidies the text before splitting it, for example by lower-casing it or removing accents.',
  },
  preTokenizer: {
    term: 'Pre-tokenizer',
    aliases: ['pre-tokenization'],
    definition:
      'The tokenizer’s second step: it cuts the text into rough pieces, such as words, spaces and digits, which the vocabulary then splits into tokens.',
  },
  specialTokens: {
    term: 'Special tokens',
    aliases: ['BOS', 'EOS', 'CLS', 'SEP', 'PAD', 'end of text'],
    definition:
      'Tokens with a job instead of text: they mark where a text or a message begins and ends, fill up space (padding) or stand for unknown text.',
    why: 'A chat model stops writing when it produces its end-of-message token.',
  },
  chatTemplate: {
    term: 'Chat template',
    aliases: ['prompt format', 'roles'],
    definition:
      'The recipe that turns a conversation into the single text the model actually reads, with special tokens marking who said what.',
    why: 'Chat → What the model sees shows its result.',
  },

  // Inside a reply (Chat → Look inside).
  attention: {
    term: 'Attention',
    aliases: ['attention head', 'heads', 'query', 'key'],
    definition:
      'How a layer lets each token gather information from the tokens before it. Each head scores every earlier token, turns the scores into shares that add up to 1, and takes that mix of their vectors.',
    why: 'Look inside shows these shares as a map: the darker a square, the more a token looked at another.',
  },
  residualStream: {
    term: 'Residual stream',
    aliases: ['hidden state', 'activations'],
    definition:
      'The vector each token carries from layer to layer. Every layer adds what it found to it instead of replacing it, so it holds the model’s running guess about the token.',
  },
  logitLens: {
    term: 'Logit lens',
    aliases: ['lens', 'early exit'],
    definition:
      'A way to read a layer’s residual stream: apply the model’s last steps (final norm and output head) to it early, as if the model stopped there, and see which token it would predict.',
    why: 'It shows the answer forming layer by layer: early layers often guess something else.',
  },

  // Writing a reply (Chat).
  logit: {
    term: 'Logit',
    aliases: ['logits', 'score', 'softmax'],
    definition:
      'The raw score the model gives each token of the vocabulary before the scores become probabilities (by softmax). A higher logit means a likelier token.',
  },
  probability: {
    term: 'Probability',
    aliases: ['chance', 'likelihood', 'candidates'],
    definition:
      'How likely the model thought a token was, from 0 to 100 %. The probabilities of all the tokens in the vocabulary add up to 100 %.',
  },
  entropy: {
    term: 'Entropy',
    aliases: ['bits', 'uncertainty'],
    definition:
      'How spread out the model’s choice was, in bits. 0 bits means it was sure of one token, 1 bit is like a coin toss between two, and 6 bits is like picking among 64 equally likely tokens.',
  },
  greedy: {
    term: 'Greedy',
    aliases: ['greedy decoding', 'argmax'],
    definition:
      'Always picking the single most likely next token, with no randomness. The same prompt then always gives the same reply.',
  },
  sampling: {
    term: 'Sampling',
    aliases: ['random', 'decoding strategy'],
    definition:
      'Picking the next token at random, weighted by the probabilities, instead of always the likeliest one. Temperature, top-k and top-p change the odds first.',
  },
  temperature: {
    term: 'Temperature',
    aliases: ['creativity'],
    definition:
      'The logits are divided by the temperature before they become probabilities. Below 1 the likely tokens get likelier (safer text); above 1 the odds even out (more surprising text).',
  },
  topK: {
    term: 'Top-k',
    aliases: ['top k'],
    definition:
      'Only the k most likely tokens can be picked; every other token gets no chance. 0 switches it off.',
  },
  topP: {
    term: 'Top-p',
    aliases: ['top p', 'nucleus sampling'],
    definition:
      'Only the smallest group of likeliest tokens whose probabilities add up to p (say 0.95) can be picked. Unlike top-k, the group is small when the model is sure and large when it is not.',
  },
  repetitionPenalty: {
    term: 'Repetition penalty',
    aliases: ['repeat penalty'],
    definition:
      'Tokens that are already in the conversation get their scores shrunk, so the model repeats itself less. 1 means no penalty.',
  },
  seed: {
    term: 'Seed',
    aliases: ['random seed', 'random number generator'],
    definition:
      'The starting number for the random choices. The same seed, settings and prompt give the same reply again, so a random reply can be repeated and compared.',
  },
  kvCache: {
    term: 'KV cache',
    aliases: ['cache', 'keys and values', 'reused prompt tokens'],
    definition:
      'While reading, each layer computes a key and a value (K and V) for every token. The KV cache keeps them, so each new token, and each new turn of a chat, only computes what is new.',
    why: '“Reused 203 of 247 prompt tokens” means 203 came from the cache and only 44 were computed.',
  },
  prefill: {
    term: 'Prefill',
    aliases: ['prompt processing', 'reading the prompt'],
    definition:
      'The first part of a reply: the model reads all the new prompt tokens at once and fills the KV cache. Its speed is counted in prompt tokens per second.',
  },
  decode: {
    term: 'Decoding',
    aliases: ['decode', 'generation'],
    definition:
      'The second part of a reply: the model writes one token at a time, each step reading the KV cache and adding to it. Its speed is the tok/s figure.',
  },
  tokensPerSecond: {
    term: 'tok/s',
    aliases: ['tokens per second', 'speed', 'throughput'],
    definition:
      'Tokens per second: how many tokens the model writes each second. It depends on the model’s size, its dtype, the backend and the computer.',
  },
  firstToken: {
    term: 'First token',
    aliases: ['time to first token', 'TTFT', 'latency'],
    definition:
      'How long after sending the first token of the reply appeared: mostly the time to read the prompt (prefill). It is the wait before any text shows.',
  },

  // Sentences as vectors (Embeddings).
  embedding: {
    term: 'Embedding',
    aliases: ['vector', 'vectors', 'dimensions', 'encoder'],
    definition:
      'A list of numbers (a vector) that stands for a piece of text, made so that texts with similar meanings get similar vectors. Each number is one dimension.',
    why: 'Search, neighbours, the map and the heatmap all compare these vectors.',
  },
  cosineSimilarity: {
    term: 'Cosine similarity',
    aliases: ['cosine', 'similarity'],
    definition:
      'How closely two vectors point the same way, from −1 (opposite) through 0 (unrelated) to 1 (the same direction). For embeddings, nearer 1 means nearer in meaning.',
  },
  pooling: {
    term: 'Pooling',
    aliases: ['mean pooling', 'CLS pooling', 'mean', 'CLS'],
    definition:
      'An encoder gives one vector per token; pooling turns them into one vector for the whole text. Mean pooling averages them; CLS pooling keeps the vector of the special first token, [CLS].',
  },
  normalization: {
    term: 'Normalization',
    aliases: ['normalize', 'normalized', 'unit length', 'L2'],
    definition:
      'Scaling a vector so that its length is 1 without changing its direction. Then the cosine similarity of two vectors is simply their dot product.',
  },
  pca: {
    term: 'PCA',
    aliases: ['principal component analysis', 'PC1', 'map', 'variance'],
    definition:
      'Principal component analysis finds the directions in which the vectors differ most, and the map shows the first two as its axes. “PC1 (26.6 %)” means that direction holds 26.6 % of all the variation.',
  },
  umap: {
    term: 'UMAP',
    aliases: ['map', 'projection', 'uniform manifold approximation'],
    definition:
      'A method that lays points out on a flat map so that close neighbours among the vectors stay close. Only nearness means something; the axes and the gaps between far groups do not.',
  },

  // Where it runs (Models, Storage, the header).
  backend: {
    term: 'Backend',
    aliases: ['runtime', 'auto'],
    definition:
      'What actually does a model’s arithmetic in the browser: WebGPU on the graphics card, or WASM on the processor. Auto lets Glassbox choose for this device.',
  },
  webgpu: {
    term: 'WebGPU',
    aliases: ['GPU', 'graphics card', 'adapter', 'shader-f16'],
    definition:
      'A browser feature that lets a web page compute on the graphics card (GPU), which can do thousands of multiplications at once. Without a real GPU the browser may offer a slow software one.',
  },
  wasm: {
    term: 'WASM',
    aliases: ['WebAssembly', 'CPU'],
    definition:
      'WebAssembly: fast compiled code that runs on the computer’s processor (CPU) inside the browser. It works everywhere, and with threads it uses several cores at once.',
  },
  threads: {
    term: 'Threads',
    aliases: ['cores', 'cross-origin isolated', 'SharedArrayBuffer'],
    definition:
      'Lines of work a processor runs side by side, one per core. WASM can share a model’s work among threads only when the page is cross-origin isolated: a secure address (https or localhost) served with the right headers.',
  },
  opfs: {
    term: 'OPFS',
    aliases: ['origin private file system', 'storage', 'private file system'],
    definition:
      'The origin private file system: a private folder the browser gives each website. Glassbox keeps downloaded models there, so they load without the network next time; other sites cannot see it.',
  },
} satisfies Record<string, GlossaryEntry>;

/** A word the glossary explains. */
export type TermId = keyof typeof ENTRIES;

export const GLOSSARY: Readonly<Record<TermId, GlossaryEntry>> = Object.freeze(ENTRIES);

export const TERM_IDS = Object.keys(GLOSSARY) as TermId[];

const byTerm = (a: TermId, b: TermId) =>
  GLOSSARY[a].term.localeCompare(GLOSSARY[b].term, 'en', { sensitivity: 'base' });

/** Every term, in alphabetical order of the word. */
export const ALPHABETICAL_TERMS: readonly TermId[] = Object.freeze([...TERM_IDS].sort(byTerm));

/**
 * The term as it reads inside a sentence: a capitalised first word is lowered, names are kept.
 * 'Rope theta' → 'rope theta', 'Top-k' → 'top-k'; 'KV heads', 'WebGPU', 'tok/s' stay as they are.
 */
export function termInSentence(id: TermId): string {
  const term = GLOSSARY[id].term;
  return /^[A-Z][a-z]*(?=[\s-]|$)/.test(term) ? term.charAt(0).toLowerCase() + term.slice(1) : term;
}

/** The element id of a term's entry in the glossary list: 'glossary-kv-heads'. */
export function glossaryAnchor(id: TermId): string {
  const slug = GLOSSARY[id].term
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `glossary-${slug}`;
}

/** Terms whose word or one of its aliases contains the query (any case), alphabetically; all for a blank query. */
export function filterGlossary(query: string): TermId[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [...ALPHABETICAL_TERMS];
  return ALPHABETICAL_TERMS.filter((id) =>
    [GLOSSARY[id].term, ...(GLOSSARY[id].aliases ?? [])].some((name) => name.toLowerCase().includes(needle)),
  );
}
