/**
 * `send`, at most once per `intervalMs`: progress that never floods the receiver. A value held back is sent
 * when the interval ends (unless a newer one replaced it), so the receiver never stays on an old value
 * while the sender waits (a stalled download); `force` sends at once (the final value).
 *
 *   const report = throttled((done: number) => post(done), 100);
 *   report(1); report(2);  // 1 is sent now, 2 when 100 ms have passed
 *   report(3, true);       // sent now (2 is then dropped)
 */
export function throttled<T>(
  send: (value: T) => void,
  intervalMs: number,
): (value: T, force?: boolean) => void {
  let last = -Infinity;
  let held: { value: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const sendNow = (value: T) => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    held = null;
    last = performance.now();
    send(value);
  };
  return (value, force = false) => {
    const wait = intervalMs - (performance.now() - last);
    if (force || wait <= 0) return sendNow(value);
    held = { value };
    timer ??= setTimeout(() => {
      timer = null;
      if (held) sendNow(held.value);
    }, wait);
  };
}
