import { usePwaStore } from '../pwa/register.ts';

/** "A new version is ready": the update waits until the reader accepts it (conversations are kept). */
export function UpdateBanner() {
  const updateReady = usePwaStore((state) => state.updateReady);
  const applyUpdate = usePwaStore((state) => state.applyUpdate);
  if (!updateReady) return null;
  return (
    <div className="update-banner" role="status">
      A new version of Glassbox is ready.{' '}
      <button type="button" onClick={applyUpdate}>
        Reload to update
      </button>{' '}
      <span className="muted">Conversations, sets and models stay on this device.</span>
    </div>
  );
}

export function InstallButton() {
  const installPrompt = usePwaStore((state) => state.installPrompt);
  const install = usePwaStore((state) => state.install);
  if (!installPrompt) return null;
  return (
    <button
      type="button"
      onClick={() => void install()}
      title="Install Glassbox as an app that works offline"
    >
      Install
    </button>
  );
}
