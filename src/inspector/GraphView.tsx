/**
 * The ONNX graph as a reader can take it in: repeated layers folded into blocks that open on demand,
 * search by node, op or tensor name, an op histogram, and one node's details next to it: beside the
 * list (which scrolls in its own box) on a wide screen, right under the clicked node on a narrow one.
 */
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { OnnxNode } from '../lib/onnx/summary.ts';
import { Term, TermHelp } from '../ui/Term.tsx';
import { useMediaQuery } from '../ui/useMediaQuery.ts';
import type { OpenedModel } from './protocol.ts';
import './graph.css';

const MAX_RESULTS = 200;

/** Where the details sit beside the list; graph.css lays the columns out at the same width. */
const WIDE = '(min-width: 48rem)';

/** The picked node, how to pick one, and the details to show under it (null: they sit beside the list). */
const Picking = createContext<{
  picked: number | null;
  pick: (index: number) => void;
  inline: ((index: number) => ReactNode) | null;
}>({ picked: null, pick: () => {}, inline: null });

function NodeRow({ node, index }: { node: OnnxNode; index: number }) {
  const { picked, pick, inline } = useContext(Picking);
  const isPicked = picked === index;
  return (
    <li>
      <button
        type="button"
        className="link"
        aria-current={isPicked ? 'true' : undefined}
        onClick={() => pick(index)}
      >
        <code>{node.opType}</code> {node.name || `(unnamed #${index})`}
      </button>
      {isPicked && inline?.(index)}
    </li>
  );
}

function NodeDetails({ model, index }: { model: OpenedModel; index: number }) {
  const node = model.summary.nodes[index];
  const shapes = useMemo(() => {
    const known = new Map<string, string>();
    for (const tensor of model.summary.initializers)
      known.set(tensor.name, `${tensor.dtype} [${tensor.dims.join(', ')}] (weights)`);
    for (const value of [...model.summary.inputs, ...model.summary.outputs, ...model.summary.valueInfo]) {
      known.set(value.name, `${value.dtype} [${value.shape.join(', ')}]`);
    }
    return known;
  }, [model]);
  if (!node) return null;
  const describe = (name: string) => (
    <li key={name}>
      <code>{name || '(none)'}</code> <span className="muted">{shapes.get(name) ?? ''}</span>
    </li>
  );
  return (
    <section className="node-details" aria-label="Node details" data-testid="node-details">
      <h4>
        {node.opType} <span className="muted">{node.domain || 'ai.onnx'}</span> · {node.name}
      </h4>
      <p>Inputs</p>
      <ul>{node.inputs.map(describe)}</ul>
      <p>Outputs</p>
      <ul>{node.outputs.map(describe)}</ul>
      {Object.keys(node.attributes).length > 0 && (
        <dl className="kv-list">
          {Object.entries(node.attributes).map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

export function GraphView({ model }: { model: OpenedModel }) {
  const { summary, outline } = model;
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<number | null>(null);
  const wide = useMediaQuery(WIDE);
  const picking = useMemo(
    () => ({
      picked,
      pick: setPicked,
      inline: wide ? null : (index: number) => <NodeDetails model={model} index={index} />,
    }),
    [picked, wide, model],
  );
  const needle = query.trim().toLowerCase();
  const results = useMemo(() => {
    if (!needle) return [];
    return summary.nodes
      .map((node, index) => ({ node, index }))
      .filter(({ node }) =>
        [node.name, node.opType, ...node.inputs, ...node.outputs].some((name) =>
          name.toLowerCase().includes(needle),
        ),
      );
  }, [summary, needle]);
  const maxCount = outline.opCounts[0]?.[1] ?? 1;

  return (
    <Picking.Provider value={picking}>
      <div className="graph-columns">
        <div className="graph-main">
          <label className="inline-field">
            Search nodes, ops or tensors
            <input
              type="search"
              value={query}
              onChange={(event) => setQuery(event.target.value)}
              placeholder="e.g. q_proj, MatMulNBits"
            />
          </label>
          <TermHelp id="graph" />
          {needle ? (
            <>
              <p className="muted" role="status">
                {results.length} matching nodes
                {results.length > MAX_RESULTS ? `, the first ${MAX_RESULTS} shown` : ''}
              </p>
              <ul className="node-list graph-scroll" data-testid="graph-results">
                {results.slice(0, MAX_RESULTS).map(({ node, index }) => (
                  <NodeRow key={index} node={node} index={index} />
                ))}
              </ul>
            </>
          ) : (
            <ul className="node-list graph-scroll" aria-label="Graph outline">
              {outline.items.map((item) => {
                if (item.kind === 'node') {
                  const node = summary.nodes[item.node];
                  return node && <NodeRow key={`n${item.node}`} node={node} index={item.node} />;
                }
                const block = outline.blocks[item.block];
                if (!block) return null;
                return (
                  <li key={`b${item.block}`}>
                    <details data-testid="graph-block">
                      <summary>
                        <strong>{block.label}</strong> · {block.nodes.length} operations
                        {outline.uniform && item.block > 0 ? ' (same as the first layer)' : ''}
                      </summary>
                      <ul className="node-list">
                        {block.nodes.map((index) => {
                          const node = summary.nodes[index];
                          return node && <NodeRow key={index} node={node} index={index} />;
                        })}
                      </ul>
                    </details>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
        <div className="graph-side">
          {wide && picked !== null && <NodeDetails model={model} index={picked} />}
          <section className="op-histogram" aria-label="Operations by type">
            <h4>
              <Term id="operator">Operations by type</Term>
            </h4>
            <ul>
              {outline.opCounts.map(([op, count]) => (
                <li key={op}>
                  <button type="button" className="link" onClick={() => setQuery(op)}>
                    <code>{op}</code>
                  </button>
                  <span className="bar" style={{ width: `${(count / maxCount) * 8}rem` }} /> {count}
                </li>
              ))}
            </ul>
          </section>
        </div>
      </div>
    </Picking.Provider>
  );
}
