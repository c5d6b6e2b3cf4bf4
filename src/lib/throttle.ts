/**
 * `send`, at most once per `intervalMs` unless forced: progress that never floods the receiver, with the
 * final value always sent (`force`).
 *
 *   const report = throttled((done: number) => post(done), 100);
 *   report(1); report(2);  // only 1 is sent
 *   report(3, true);       // sent
 */
export function throttled<T>(
  send: (value: T) => void,
  intervalMs: number,
): (value: T, force?: boolean) => void {
  let last = -Infinity;
  return (value, force = false) => {
    if (!force && performance.now() - last < intervalMs) return;
    last = performance.now();
    send(value);
  };
}
