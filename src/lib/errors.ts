/**
 * Errors with a code from a closed set, the base of every area's error class, and the one way the UI
 * turns any error into a sentence: what happened and what to do, never a class name.
 *
 *   class HubError extends CodedError<HubErrorCode> { override readonly name = 'HubError'; }
 *   messageOf(new HubError('offline', 'The offline switch is on: …')) // → 'The offline switch is on: …'
 *   messageOf(new TypeError('Failed to fetch'))                        // → 'Could not reach the server: … ⁣(Failed to fetch)⁣'
 *   splitDetail(messageOf(new TypeError('Failed to fetch')))          // → { sentence: 'Could not reach …', details: ['Failed to fetch'] }
 */

/** An error as it crosses a worker boundary or is stored: its code and its sentence. */
export interface ErrorData<Code extends string = string> {
  code: Code;
  message: string;
  /** The worker that raised it cannot work any more and must be replaced. */
  fatal?: boolean;
}

export class CodedError<Code extends string> extends Error {
  /** The worker that raised it cannot work any more (its runtime fails every later call): replace it. */
  readonly fatal: boolean;

  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown; fatal?: boolean },
  ) {
    super(message, options);
    this.fatal = options?.fatal ?? false;
  }

  toData(): ErrorData<Code> {
    return { code: this.code, message: this.message, ...(this.fatal ? { fatal: true } : {}) };
  }
}

/** Whether `error` is an abort (a cancelled fetch, an aborted signal), whatever its class. */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** The raw text of a failure that is not ours, for the end of a sentence that explains it. */
export function rawMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Marks where the raw failure behind a sentence starts and ends (U+2063, an invisible separator), so the
 * UI can fold it into Details. Shown as plain text, it reads as the sentence followed by "(raw text)".
 */
const DETAIL_MARK = '\u2063';
const DETAIL = / ?\u2063\((.*?)\)\u2063/gs;

/** `sentence`, followed by the technical `detail` behind it (the runtime's or the browser's own words). */
export function withDetail(sentence: string, detail: string): string {
  const raw = detail.replaceAll(DETAIL_MARK, '').trim();
  return raw ? `${sentence} ${DETAIL_MARK}(${raw})${DETAIL_MARK}` : sentence;
}

/** A message's sentence for a person, and the technical details `withDetail` put in it. */
export function splitDetail(message: string): { sentence: string; details: string[] } {
  const details: string[] = [];
  const sentence = message
    .replace(DETAIL, (_, detail: string) => {
      details.push(detail);
      return '';
    })
    .trim();
  return { sentence, details };
}

/** The browsers' words for a request that got no answer at all (Chromium, Firefox, Safari). */
const NO_ANSWER = /failed to fetch|networkerror when attempting to fetch|^load failed$/i;

/** Whether `error` is a request that got no answer (the host is down or unreachable, or refused by CORS). */
export function isNoAnswer(error: unknown): boolean {
  return error instanceof Error && NO_ANSWER.test(error.message.trim());
}

/**
 * The sentence to show for `error`. Our coded errors already say what happened and what to do; the
 * browser's own failures are explained here; anything else keeps its text and says what to try.
 */
export function messageOf(error: unknown): string {
  if (error instanceof CodedError) return error.message;
  const raw = rawMessage(error).trim();
  if (error instanceof DOMException || (error instanceof Error && error.name in DOM_FAILURES)) {
    const explained = DOM_FAILURES[(error as Error).name];
    if (explained) return withDetail(explained, raw);
  }
  if (isNoAnswer(error)) {
    return withDetail(
      'Could not reach the server: the network or the server is down, or it does not let this page read it (CORS). Check the connection and the address, then try again.',
      raw,
    );
  }
  const what = raw ? `Something went wrong: ${raw.replace(/[.!]?$/, '.')}` : 'Something went wrong.';
  return `${what} Try again; if it keeps happening, reload the page.`;
}

/** The browser's storage and abort failures, by their DOMException name. */
const DOM_FAILURES: Readonly<Record<string, string>> = Object.freeze({
  QuotaExceededError:
    'This site has used all the storage the browser grants it. Delete stored models on the Storage page, then try again.',
  NotAllowedError: 'The browser refused access. Allow it in the site settings, then try again.',
  SecurityError:
    'The browser does not allow this here (a private window or blocked site data?). Try a normal window.',
  InvalidStateError:
    'The browser closed the storage this needed (another tab may have deleted it). Reload the page.',
  AbortError: 'It was cancelled.',
  TimeoutError: 'It took too long and was stopped. Try again.',
});
