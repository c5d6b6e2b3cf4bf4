/**
 * The shape of a graph a reader can take in: repeated layers found by their names (`/model/layers.3/…`,
 * `/encoder/layer.3/…`, `/transformer/h.3/…`) and folded into one block each, the op histogram, and the
 * parts of one layer in order (the layer diagram).
 *
 *   const outline = outlineGraph(summary);
 *   outline.blocks.length // → 30 for SmolLM2-135M
 *   outline.items[0]      // → { kind: 'node', node: 0 } (before the first layer)
 */
import type { OnnxNode, OnnxSummary } from './summary.ts';

export interface GraphBlock {
  /** `layers.3` */
  label: string;
  index: number;
  /** Indices into `summary.nodes`, in graph order. */
  nodes: number[];
  /** The ops in order, to compare blocks. */
  signature: string;
}

export type OutlineItem = { kind: 'node'; node: number } | { kind: 'block'; block: number };

export interface LayerPart {
  /** `self_attn`, `mlp`, `input_layernorm`, or `residual` for nodes directly in the layer. */
  name: string;
  ops: string[];
}

export interface GraphOutline {
  items: OutlineItem[];
  blocks: GraphBlock[];
  /** Every block has the same ops in the same order. */
  uniform: boolean;
  /** Op types by how often they occur, most first. */
  opCounts: [string, number][];
  /** The first layer's parts in order of appearance. */
  layerParts: LayerPart[];
}

const LAYER_PATTERN = /(?:^|[/.])((?:[A-Za-z_]*layers?|h|blocks?)[._](\d+))(?=[/._]|$)/;

/**
 * The layer a node belongs to, from its name or, for an unnamed node, the names of what it produces
 * and reads (a named node reading a layer's output, like the final norm, is not in that layer).
 */
function layerOf(node: OnnxNode): { label: string; index: number; rest: string } | null {
  for (const name of node.name ? [node.name] : [...node.outputs, ...node.inputs]) {
    const match = LAYER_PATTERN.exec(name);
    if (match?.[1] && match[2] !== undefined) {
      return {
        label: match[1],
        index: Number(match[2]),
        rest: name.slice((match.index ?? 0) + match[0].length),
      };
    }
  }
  return null;
}

export function outlineGraph(summary: OnnxSummary): GraphOutline {
  const blocks = new Map<string, GraphBlock>();
  const items: OutlineItem[] = [];
  const parts = new Map<string, string[]>();
  let firstLabel: string | null = null;
  summary.nodes.forEach((node, index) => {
    const layer = layerOf(node);
    if (!layer) {
      items.push({ kind: 'node', node: index });
      return;
    }
    let block = blocks.get(layer.label);
    if (!block) {
      block = { label: layer.label, index: layer.index, nodes: [], signature: '' };
      blocks.set(layer.label, block);
      items.push({ kind: 'block', block: blocks.size - 1 });
    }
    block.nodes.push(index);
    firstLabel ??= layer.label;
    if (layer.label === firstLabel) {
      // `/self_attn/q_proj/MatMul` → self_attn; `/Add_1` (directly in the layer) → residual
      const segments = layer.rest.split('/').filter(Boolean);
      const part = segments.length > 1 ? (segments[0] ?? 'residual') : 'residual';
      parts.set(part, [...(parts.get(part) ?? []), node.opType]);
    }
  });
  const list = [...blocks.values()];
  for (const block of list)
    block.signature = block.nodes.map((index) => summary.nodes[index]?.opType).join(',');
  const counts = new Map<string, number>();
  for (const node of summary.nodes) counts.set(node.opType, (counts.get(node.opType) ?? 0) + 1);
  return {
    items,
    blocks: list,
    uniform: list.every((block) => block.signature === list[0]?.signature),
    opCounts: [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    layerParts: [...parts.entries()].map(([name, ops]) => ({ name, ops })),
  };
}
