import { useEffect, useState } from 'react';
import { modelStoreKind, type ModelStoreKind } from '../hub/modelStore.ts';
import { useSessionText } from '../ui/useSessionText.ts';

/** What this browser withholds from the page, found by asking for each feature rather than assuming. */
function limitsHere(storeKind: ModelStoreKind | null): string[] {
  const limits: string[] = [];
  if (!('gpu' in navigator)) limits.push('no WebGPU, so models run on WebAssembly');
  if (!self.crossOriginIsolated) limits.push('WebAssembly runs on one core, so replies come more slowly');
  if (!('serviceWorker' in navigator)) limits.push('no offline install');
  if (storeKind === 'indexeddb') limits.push("models are kept in this browser's IndexedDB");
  if (storeKind === 'memory') {
    limits.push("models are kept in this tab's memory only, and download again after a reload");
  }
  return limits;
}

/**
 * On an address that is not a secure context (a teacher's laptop over plain http), the browser
 * withholds WebGPU, threads, the service worker and the file system. This says so, what still works, and
 * how to get the whole app; it can be hidden for the rest of the visit.
 */
export function AddressLimits() {
  const [hidden, setHidden] = useSessionText('glassbox-address-limits-hidden');
  const [storeKind, setStoreKind] = useState<ModelStoreKind | null>(null);
  useEffect(() => {
    void modelStoreKind().then(setStoreKind);
  }, []);
  if (window.isSecureContext || hidden) return null;
  return (
    <div className="warning" role="status" data-testid="address-limits">
      <p>
        <strong>
          {window.location.host} is a plain-http address, so this browser limits what Glassbox can use:
        </strong>{' '}
        {limitsHere(storeKind).join('; ')}. Chat, embeddings and the inspector all work.
      </p>
      <p>
        For the whole app, open it at an https:// address (on the teacher&apos;s laptop:{' '}
        <code>npm run classroom -- --https</code>) or at http://localhost on the computer that serves it.
      </p>
      <button type="button" onClick={() => setHidden('yes')}>
        Hide
      </button>
    </div>
  );
}
