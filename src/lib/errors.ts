/**
 * Errors with a code from a closed set, the base of every area's error class, and the one way the UI
 * turns any error into a sentence: what happened and what to do, never a class name.
 *
 *   class HubError extends CodedError<HubErrorCode> { override readonly name = 'HubError'; }
 *   messageOf(new HubError('offline', 'The offline switch is on: …')) // → 'The offline switch is on: …'
 *   messageOf(new TypeError('Failed to fetch'))                        // → 'Could not reach the server. …'
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
 * The sentence to show for `error`. Our coded errors already say what happened and what to do; the
 * browser's own failures are explained here; anything else keeps its text and says what to try.
 */
export function messageOf(error: unknown): string {
  if (error instanceof CodedError) return error.message;
  const raw = rawMessage(error).trim();
  if (error instanceof DOMException || (error instanceof Error && error.name in DOM_FAILURES)) {
    const explained = DOM_FAILURES[(error as Error).name];
    if (explained) return `${explained} (${raw})`;
  }
  if (error instanceof TypeError && /failed to fetch|networkerror|load failed/i.test(raw)) {
    return `Could not reach the server. Check the connection (or the model host's URL) and try again. (${raw})`;
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
