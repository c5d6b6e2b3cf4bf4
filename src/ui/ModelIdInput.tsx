/**
 * The field where a person types a repository id (`org/name`), the same on every panel; and what to tell
 * them when what they typed is not one.
 */
import { isModelId } from '../core/hosts.ts';

/** Why `id` is not a model id, or null when it is one. */
export function modelIdProblem(id: string): string | null {
  return isModelId(id)
    ? null
    : `"${id}" is not a model id: write it as org/name, e.g. HuggingFaceTB/SmolLM2-135M-Instruct.`;
}

export function ModelIdInput({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <label className="inline-field">
      Model id
      <input
        value={value}
        onChange={(event) => onChange(event.target.value)}
        placeholder="org/name"
        spellCheck={false}
        autoComplete="off"
      />
    </label>
  );
}
