/**
 * What `npm run classroom` (tools/classroom) tells the page it serves, in a
 * `<meta name="glassbox-classroom" content="{…}">` it adds to index.html: the addresses students reach
 * the teacher's laptop at, and the models it serves from its own `/models`. Those models then load from
 * the laptop, whatever their usual host, so a class downloads nothing from the internet.
 *
 *   classroomOf(document) // → { studentUrls: ['http://192.168.1.20:8080/'], models: ['glassbox/tiny-chat'] } or null
 */
import * as v from 'valibot';
import { isModelId } from '../core/hosts.ts';

export const CLASSROOM_META = 'glassbox-classroom';

export interface Classroom {
  /** The app's address on each network of the laptop, the one to hand out first. */
  studentUrls: string[];
  models: string[];
}

const ClassroomSchema = v.object({
  studentUrls: v.array(v.pipe(v.string(), v.url())),
  models: v.array(v.pipe(v.string(), v.check(isModelId))),
}) satisfies v.GenericSchema<unknown, Classroom>;

/** The classroom server's announcement in `page`, checked; null when the page was served otherwise. */
export function classroomOf(page: Pick<Document, 'querySelector'>): Classroom | null {
  const content = page.querySelector(`meta[name="${CLASSROOM_META}"]`)?.getAttribute('content');
  if (!content) return null;
  try {
    const checked = v.safeParse(ClassroomSchema, JSON.parse(content));
    return checked.success ? checked.output : null;
  } catch {
    return null;
  }
}

/** This page's classroom (workers have no page: none). */
export const classroom: Classroom | null = typeof document === 'undefined' ? null : classroomOf(document);
