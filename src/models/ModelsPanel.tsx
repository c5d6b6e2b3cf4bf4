/** The Models page: the slots' load state, this device, the model host, any model by id or from disk, and the catalog. */
import { useMemo } from 'react';
import { CATALOG } from '../hub/catalog.ts';
import { readDecodeSpeeds } from '../session/measuredSpeeds.ts';
import { ModelGate } from '../session/ModelGate.tsx';
import { selectTeacherTools, useRoomStore } from '../session/room.ts';
import { CatalogEntry } from './CatalogEntry.tsx';
import { DeviceCard } from './DeviceCard.tsx';
import { HostSettings } from './HostSettings.tsx';
import { OpenFromDisk } from './OpenFromDisk.tsx';
import { RepositoryCheck } from './RepositoryCheck.tsx';
import { useFreeStorage } from './useFreeStorage.ts';

export function ModelsPanel() {
  const freeStorage = useFreeStorage();
  // Read when the page opens: replies are written in the Chat panel, never while this one is shown.
  const speeds = useMemo(() => readDecodeSpeeds(), []);
  const teacherTools = useRoomStore(selectTeacherTools);
  return (
    <section className="panel models-panel" aria-label="Models">
      <h2>Models</h2>
      <ModelGate slot="chat" />
      <ModelGate slot="embedding" />
      <h3>This device</h3>
      <DeviceCard />
      {teacherTools ? (
        <HostSettings />
      ) : (
        <p className="muted">Where models come from is set by the teacher (hidden in the student view).</p>
      )}
      <RepositoryCheck freeStorage={freeStorage} speeds={speeds} />
      <OpenFromDisk />
      <h3>Catalog</h3>
      <div className="catalog">
        {CATALOG.map((model) => (
          <CatalogEntry key={model.id} model={model} freeStorage={freeStorage} speeds={speeds} />
        ))}
      </div>
    </section>
  );
}
