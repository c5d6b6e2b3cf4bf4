import { splitDetail } from '../lib/errors.ts';
import { Disclosure } from './Disclosure.tsx';
import './errors.css';

/** A problem the user should read now, announced to screen readers; renders nothing without one. */
export function ErrorMessage({ message, testId }: { message: string | null | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <div className="error" role="alert" data-testid={testId}>
      <ErrorText message={message} />
    </div>
  );
}

/**
 * A message's sentence, and the technical words behind it (the browser's or the runtime's, see
 * `withDetail`) folded into Details: there for whoever reports the problem, never the headline.
 * `inline` puts the sentence in a span, for a list item or a line that has its own spacing.
 */
export function ErrorText({ message, inline = false }: { message: string; inline?: boolean }) {
  const { sentence, details } = splitDetail(message);
  const Sentence = inline ? 'span' : 'p';
  return (
    <>
      <Sentence>{sentence}</Sentence>
      {details.length > 0 && (
        <Disclosure summary="Details" className="error-details">
          <ul>
            {details.map((detail) => (
              <li key={detail}>
                <code>{detail}</code>
              </li>
            ))}
          </ul>
        </Disclosure>
      )}
    </>
  );
}
