/**
 * Colours of the embeddings views: one per label or cluster (Tableau 10, then hues by golden angle).
 */
const CATEGORY_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export function categoryColour(index: number): string {
  return CATEGORY_COLOURS[index] ?? `hsl(${Math.round((index * 137.508) % 360)}, 60%, 50%)`;
}

/** The categories of a run, in first-seen order, and each row's category index. */
export function categoriesOf(groups: readonly (string | number)[]): { names: string[]; index: Int32Array } {
  const positions = new Map<string, number>();
  const index = Int32Array.from(groups, (group) => {
    const key = String(group);
    if (!positions.has(key)) positions.set(key, positions.size);
    return positions.get(key) ?? 0;
  });
  return { names: [...positions.keys()], index };
}
