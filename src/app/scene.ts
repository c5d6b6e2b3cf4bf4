/**
 * Scenes and tours: what a teacher wants the class to see, as data that travels in a link, a QR code or
 * a `.glassbox.json` file. A scene holds the panel, the backend, the chat (model, weights, system prompt,
 * sampling with its seed, the probabilities view, the turns before the message to send, the message, and
 * the teacher's reply to it as token ids), the embeddings (model, sentences with labels, set name, map
 * view) and the inspector (model, view, tensor). A tour is a titled list of scenes, each with a note.
 *
 * What arrives (a link, a file) was written by anyone: it is checked here, field by field, before use.
 *
 *   const text = await encodeForLink(scene);       // → 'eNq1U8Fu2zAM…' (deflated, base64url)
 *   await decodeFromLink(text);                    // → { ok: true, shared: { kind: 'scene', scene } }
 *   readSharedFile(await file.text());             // → the same, or { ok: false, problem: '…' }
 */
import * as v from 'valibot';
import { checkedSettings } from '../chat/conversationSchema.ts';
import { COLOURINGS } from '../chat/types.ts';
import { isModelId } from '../core/hosts.ts';
import { BACKEND_CHOICES, BACKENDS, DTYPES } from '../core/model.ts';
import { PROJECTIONS } from '../embeddings/analysisProtocol.ts';
import { INSPECTOR_TABS, type InspectorTab } from '../inspector/store.ts';
import { PANELS } from './deepLink.ts';

const SCENE_FORMAT = 'glassbox-scene';
const TOUR_FORMAT = 'glassbox-tour';

const ModelId = v.pipe(v.string(), v.check(isModelId, 'is not a model id of the form org/name'));
const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const TokenIds = v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(0))), v.maxLength(4096));

const SceneSchema = v.object({
  format: v.literal(SCENE_FORMAT),
  version: v.literal(1),
  title: Text(200),
  /** Shown to students with the scene (a tour's step): one paragraph. */
  note: Text(4000),
  panel: v.picklist(PANELS),
  backend: v.picklist(BACKEND_CHOICES),
  chat: v.nullable(
    v.object({
      model: ModelId,
      dtype: v.picklist(DTYPES),
      systemPrompt: Text(20_000),
      settings: v.pipe(v.unknown(), v.transform(checkedSettings)),
      showProbabilities: v.boolean(),
      colouring: v.picklist(COLOURINGS),
      /** The conversation before the message to send. */
      turns: v.pipe(
        v.array(
          v.object({
            role: v.picklist(['user', 'assistant']),
            content: Text(50_000),
            /** A reply's token ids as the model wrote them: the next prompt reads them, not a re-tokenization. */
            tokenIds: v.optional(TokenIds),
          }),
        ),
        v.maxLength(200),
      ),
      message: Text(20_000),
      /** The teacher's reply to `message`, for the same-output check. */
      teacher: v.nullable(
        v.object({
          tokenIds: TokenIds,
          dtype: v.picklist(DTYPES),
          backend: v.picklist(BACKENDS),
        }),
      ),
    }),
  ),
  embeddings: v.nullable(
    v.object({
      model: ModelId,
      dtype: v.picklist(DTYPES),
      /** One sentence a line, optionally a tab and its label (the editor's own format). */
      text: Text(200_000),
      setName: Text(200),
      view: v.picklist(PROJECTIONS),
    }),
  ),
  inspector: v.nullable(
    v.object({
      model: ModelId,
      dtype: v.picklist(DTYPES),
      tab: v.picklist(Object.keys(INSPECTOR_TABS) as [InspectorTab, ...InspectorTab[]]),
      tensor: v.nullable(Text(1000)),
    }),
  ),
});

const TourSchema = v.object({
  format: v.literal(TOUR_FORMAT),
  version: v.literal(1),
  title: Text(200),
  steps: v.pipe(v.array(SceneSchema), v.minLength(1), v.maxLength(50)),
});

export type Scene = v.InferOutput<typeof SceneSchema>;
export type Tour = v.InferOutput<typeof TourSchema>;
export type Shared = { kind: 'scene'; scene: Scene } | { kind: 'tour'; tour: Tour };

export function newScene(fields: Omit<Scene, 'format' | 'version'>): Scene {
  return { format: SCENE_FORMAT, version: 1, ...fields };
}

export function newTour(title: string, steps: Scene[]): Tour {
  return { format: TOUR_FORMAT, version: 1, title, steps };
}

export type ReadShared = { ok: true; shared: Shared } | { ok: false; problem: string };

/** A scene or a tour, checked; or what is wrong with it, in words. */
export function readShared(value: unknown): ReadShared {
  const format = typeof value === 'object' && value !== null && 'format' in value ? value.format : null;
  if (format !== SCENE_FORMAT && format !== TOUR_FORMAT) {
    return { ok: false, problem: `it is not a Glassbox scene or tour (no "format": "${SCENE_FORMAT}")` };
  }
  const checked = format === SCENE_FORMAT ? v.safeParse(SceneSchema, value) : v.safeParse(TourSchema, value);
  if (!checked.success) {
    const issue = checked.issues[0];
    const where = issue ? v.getDotPath(issue) : null;
    return { ok: false, problem: `${where ? `${where}: ` : ''}${issue?.message ?? 'it does not check'}` };
  }
  return {
    ok: true,
    shared:
      format === SCENE_FORMAT
        ? { kind: 'scene', scene: checked.output as Scene }
        : { kind: 'tour', tour: checked.output as Tour },
  };
}

export function readSharedFile(text: string): ReadShared {
  try {
    return readShared(JSON.parse(text));
  } catch {
    return { ok: false, problem: 'it is not JSON' };
  }
}

async function transformed(bytes: Uint8Array, stream: CompressionStream | DecompressionStream) {
  const output = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(output).arrayBuffer());
}

/** Deflated JSON in base64url: a scene of a few turns fits a link and a QR code. */
export async function encodeForLink(shared: Scene | Tour): Promise<string> {
  const deflated = await transformed(
    new TextEncoder().encode(JSON.stringify(shared)),
    new CompressionStream('deflate-raw'),
  );
  let binary = '';
  for (const byte of deflated) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function decodeFromLink(text: string): Promise<ReadShared> {
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const json = new TextDecoder().decode(await transformed(bytes, new DecompressionStream('deflate-raw')));
    return readSharedFile(json);
  } catch {
    return { ok: false, problem: 'the link was cut or changed on the way (it does not decode)' };
  }
}
