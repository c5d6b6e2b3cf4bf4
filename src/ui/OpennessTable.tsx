import { OPENNESS_ASPECTS, type OpennessAspect, type OpennessCard } from '../core/openness.ts';

/** The openness card's facts: what is published about a model, each with its source. */
export function OpennessTable({ label, openness }: { label: string; openness: OpennessCard }) {
  return (
    <table className="kv" aria-label={`Openness of ${label}`}>
      <tbody>
        {(Object.keys(OPENNESS_ASPECTS) as OpennessAspect[]).map((aspect) => {
          const fact = openness[aspect];
          return (
            <tr key={aspect}>
              <th scope="row">{OPENNESS_ASPECTS[aspect]}</th>
              <td>{fact.status}</td>
              <td>
                {fact.note}{' '}
                {fact.source?.startsWith('https://') ? (
                  <a href={fact.source} target="_blank" rel="noreferrer">
                    source
                  </a>
                ) : (
                  fact.source
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
