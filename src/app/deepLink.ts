/**
 * Deep links, kept stable for classrooms and automated checks:
 *
 *   ?host=<base URL>&model=<org/name>&dtype=<fp32|q8|q4>&backend=<auto|wasm|webgpu>&view=student#/chat
 *
 *   parseDeepLink('?model=glassbox/tiny-chat&dtype=q8', '#/inspector')
 *   // → { link: { model: 'glassbox/tiny-chat', dtype: 'q8', panel: 'inspector' }, problems: [] }
 */
import { isModelId, parseHostUrl, readableQueryValue } from '../core/hosts.ts';
import { BACKEND_CHOICES, DTYPES, type BackendChoice, type Dtype } from '../core/model.ts';
import { isOneOf } from '../lib/oneOf.ts';

export const PANELS = Object.freeze([
  'chat',
  'embeddings',
  'inspector',
  'models',
  'storage',
  'network',
] as const);
export type Panel = (typeof PANELS)[number];

export interface DeepLink {
  host?: string;
  model?: string;
  dtype?: Dtype;
  backend?: BackendChoice;
  /** `student`: this laptop shows the student view (teacher tools hidden) from now on. */
  view?: 'student';
  panel: Panel;
}

export function panelFromHash(hash: string): Panel | undefined {
  const name = hash.replace(/^#\/?/, '');
  return isOneOf(name, PANELS) ? name : undefined;
}

/** Parses a deep link; each bad parameter is ignored and reported, so the app still starts. */
export function parseDeepLink(search: string, hash: string): { link: DeepLink; problems: string[] } {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const link: DeepLink = { panel: panelFromHash(hash) ?? 'chat' };

  const host = params.get('host');
  if (host !== null) {
    const parsed = parseHostUrl(host);
    if (parsed) link.host = parsed;
    else problems.push(`host "${host}" is not an http(s) URL; using the default host.`);
  }
  const model = params.get('model');
  if (model !== null) {
    if (isModelId(model)) link.model = model;
    else problems.push(`model "${model}" is not of the form org/name.`);
  }
  const dtype = params.get('dtype');
  if (dtype !== null) {
    if (isOneOf(dtype, DTYPES)) link.dtype = dtype;
    else problems.push(`dtype "${dtype}" is not one of ${DTYPES.join(', ')}.`);
  }
  const backend = params.get('backend');
  if (backend !== null) {
    if (isOneOf(backend, BACKEND_CHOICES)) link.backend = backend;
    else problems.push(`backend "${backend}" is not one of ${BACKEND_CHOICES.join(', ')}.`);
  }
  const view = params.get('view');
  if (view !== null) {
    if (view === 'student') link.view = view;
    else problems.push(`view "${view}" is not "student".`);
  }
  return { link, problems };
}

/**
 * The link `base` + `link`, readable on a board; parseDeepLink reads it back to `link`.
 *
 *   formatDeepLink('http://192.168.1.20:8080/', { model: 'glassbox/tiny-chat', panel: 'chat' })
 *   // → 'http://192.168.1.20:8080/?model=glassbox/tiny-chat#/chat'
 */
export function formatDeepLink(base: string, link: DeepLink): string {
  const url = new URL(base);
  const params = (['host', 'model', 'dtype', 'backend', 'view'] as const)
    .map((key) => [key, link[key]] as const)
    .filter((entry): entry is readonly [(typeof entry)[0], string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${readableQueryValue(value)}`);
  return `${url.origin}${url.pathname}${params.length > 0 ? `?${params.join('&')}` : ''}#/${link.panel}`;
}
