/**
 * A choice among 0 … count − 1 (a layer, a head), as a labelled select.
 *
 *   <IndexSelect label="Layer" value={layer} count={30} onChange={setLayer} />
 */
export function IndexSelect({
  label,
  value,
  count,
  onChange,
}: {
  label: string;
  value: number;
  count: number;
  onChange: (value: number) => void;
}) {
  return (
    <label className="inline-field">
      {label}
      <select value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {Array.from({ length: count }, (_, index) => (
          <option key={index} value={index}>
            {index}
          </option>
        ))}
      </select>
    </label>
  );
}
