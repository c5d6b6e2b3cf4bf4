import { describe, expect, it } from 'vitest';
import { classroomOf } from './classroom.ts';

/** A page whose only element is the meta the classroom server adds (or none). */
const page = (content: string | null) => ({
  querySelector: () => (content === null ? null : { getAttribute: () => content }),
});

describe("the classroom server's announcement", () => {
  it('reads the student addresses and served models', () => {
    const content = JSON.stringify({
      studentUrls: ['http://192.168.1.20:8080/'],
      models: ['glassbox/tiny-chat'],
    });
    expect(classroomOf(page(content) as never)).toEqual({
      studentUrls: ['http://192.168.1.20:8080/'],
      models: ['glassbox/tiny-chat'],
    });
  });

  it.each([
    ['no meta', null],
    ['not JSON', '{'],
    ['a model id that climbs out', JSON.stringify({ studentUrls: [], models: ['../etc'] })],
    ['an address that is not a URL', JSON.stringify({ studentUrls: ['laptop'], models: [] })],
  ])('ignores %s', (_, content) => {
    expect(classroomOf(page(content) as never)).toBeNull();
  });
});
