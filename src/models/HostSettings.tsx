/** Where models come from: the defaults, or a mirror every model loads from (kept across reloads). */
import { useState, type FormEvent } from 'react';
import { HUB_HOST, parseHostUrl } from '../core/hosts.ts';
import { useAppStore } from '../session/store.ts';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';

export function HostSettings() {
  const mirror = useAppStore((state) => state.mirror);
  const setMirror = useAppStore((state) => state.setMirror);
  const [draft, setDraft] = useState(mirror ?? '');
  const [error, setError] = useState<string | null>(null);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const host = parseHostUrl(draft);
    if (host) {
      setMirror(host);
      setError(null);
    } else {
      setError(`"${draft}" is not an http(s) URL.`);
    }
  };
  return (
    <section aria-label="Host">
      <h3>Where models come from</h3>
      <p>
        {mirror
          ? `Every model loads from the mirror ${mirror}.`
          : `Catalog models load from ${HUB_HOST}; the forged demo models from this app.`}
      </p>
      <form className="toolbar" onSubmit={apply}>
        <label className="inline-field">
          Mirror URL
          <input
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            placeholder="http://192.168.1.20:8080"
          />
        </label>
        <button type="submit">Use mirror</button>
        {mirror && (
          <button
            type="button"
            onClick={() => {
              setMirror(null);
              setDraft('');
            }}
          >
            Stop using the mirror
          </button>
        )}
      </form>
      <ErrorMessage message={error} />
    </section>
  );
}
