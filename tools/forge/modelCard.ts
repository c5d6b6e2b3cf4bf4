/**
 * The model card (README.md) of a forged folder: what the model is, its files, and that its weights are
 * random.
 */
import { weightFile } from '../../src/core/weightFiles.ts';
import { parameterCount } from './buildModel.ts';
import { externalDataFileName } from './onnx/proto.ts';
import type { Preset } from './presets.ts';

export function modelCard(preset: Preset): string {
  const task = preset.kind === 'decoder' ? 'text-generation' : 'feature-extraction';
  const m = preset.model;
  const shape =
    preset.kind === 'decoder'
      ? `LLaMA-style decoder: ${m.numLayers} layers, hidden ${m.hiddenSize}, ${preset.model.numHeads} heads / ${preset.model.numKvHeads} KV heads, head dim ${preset.model.headDim}, FFN ${m.intermediateSize}, vocabulary ${m.vocabSize}, context ${m.maxPositionEmbeddings}, rope θ ${preset.model.ropeTheta}, ${preset.model.tieWordEmbeddings ? 'tied' : 'untied'} embeddings`
      : `BERT-style encoder: ${m.numLayers} layers, hidden ${m.hiddenSize}, ${m.numHeads} heads, FFN ${m.intermediateSize}, vocabulary ${m.vocabSize}, ${m.maxPositionEmbeddings} positions`;
  const files = preset.dtypes
    .map((d) => {
      const chunks = Array.from({ length: preset.externalData?.files[d] ?? 0 }, (_, i) =>
        externalDataFileName(`${weightFile(d)}_data`, i),
      );
      const data = chunks.length > 0 ? `, weights in ${chunks.map((c) => `\`${c}\``).join(' and ')}` : '';
      return `- \`${weightFile(d)}\` (${d}${data})`;
    })
    .join('\n');
  return `---
license: apache-2.0
library_name: transformers.js
pipeline_tag: ${task}
tags:
  - glassbox
  - forged
  - random-weights
---

# ${preset.repo}

**These are random weights.** This model was forged by Glassbox's \`tools/forge\` from seed ${preset.seed}; it was never trained. It shows the machinery (the same files, operators, shapes and code paths as a real model) and produces meaningless ${preset.kind === 'decoder' ? 'text' : 'vectors'}.

${preset.description}

- Architecture: ${shape}
- Parameters: ${parameterCount(preset).toLocaleString('en-US')}
- Tokenizer: ${preset.tokenizer.kind === 'byte-level-bpe' ? 'byte-level BPE' : 'WordPiece (uncased)'} trained on the project's own English text (\`tools/forge/corpus\`)
- Task: ${task}

## Files

- \`model.safetensors\`: the fp32 parameters in Hugging Face names and layouts
${files}

The other files follow Transformers.js conventions: \`_fp16\` is the fp32 graph converted to float16 (weights, inputs and outputs, the KV cache included), \`_quantized\` is onnxruntime dynamic int8 quantization (DynamicQuantizeLinear + MatMulInteger), \`_q4\` uses MatMulNBits (4-bit, blocks of 32), \`_q4f16\` the same MatMulNBits in the float16 graph. The embedding Gather stays unquantized.

Regenerate with \`npx tsx tools/forge/cli.ts\` (see \`tools/forge/README.md\`).
`;
}
