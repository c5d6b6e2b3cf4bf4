import { describe, expect, it } from 'vitest';
import { formatDeepLink, panelFromHash, parseDeepLink } from './deepLink.ts';

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

describe('formatDeepLink', () => {
  it('writes a link parseDeepLink reads back, readable on a board', () => {
    const link = {
      host: 'http://192.168.1.20:8080',
      model: 'HuggingFaceTB/SmolLM2-135M-Instruct',
      dtype: 'q4',
      backend: 'wasm',
      view: 'student',
      panel: 'embeddings',
    } as const;
    const text = formatDeepLink('http://192.168.1.20:8080/app/?old=1#/chat', link);
    expect(text).toBe(
      'http://192.168.1.20:8080/app/?host=http://192.168.1.20:8080&model=HuggingFaceTB/SmolLM2-135M-Instruct&dtype=q4&backend=wasm&view=student#/embeddings',
    );
    const url = new URL(text);
    expect(parseDeepLink(url.search, url.hash)).toEqual({ link, problems: [] });
    expect(formatDeepLink('http://classroom.test:8080/', { panel: 'chat' })).toBe(
      'http://classroom.test:8080/#/chat',
    );
  });
});
