import { describe, expect, it } from 'vitest';
import { panelFromHash, parseDeepLink } from './deepLink.ts';

describe('parseDeepLink', () => {
  it('reads every parameter of a classroom link', () => {
    const { link, problems } = parseDeepLink(
      '?host=http://10.0.0.2:8080/&model=glassbox/tiny-chat&dtype=q4&backend=webgpu',
      '#/inspector',
    );
    expect(problems).toEqual([]);
    expect(link).toEqual({
      host: 'http://10.0.0.2:8080',
      model: 'glassbox/tiny-chat',
      dtype: 'q4',
      backend: 'webgpu',
      panel: 'inspector',
    });
  });

  it('defaults to the chat panel with nothing selected', () => {
    expect(parseDeepLink('', '')).toEqual({ link: { panel: 'chat' }, problems: [] });
  });

  it('reports each bad value, quoting it, and ignores it', () => {
    const { link, problems } = parseDeepLink('?host=ftp://x&model=nope&dtype=q9&backend=gpu', '#/nowhere');
    expect(link).toEqual({ panel: 'chat' });
    expect(problems).toHaveLength(4);
    expect(problems.join(' ')).toContain('"q9"');
    expect(problems.join(' ')).toContain('"ftp://x"');
  });
});

describe('panelFromHash', () => {
  it('accepts both #/name and #name', () => {
    expect(panelFromHash('#/embeddings')).toBe('embeddings');
    expect(panelFromHash('#chat')).toBe('chat');
    expect(panelFromHash('#/settings')).toBeUndefined();
  });
});
