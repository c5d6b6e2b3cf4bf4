// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { markdownBlocks, renderMarkdown } from './markdown.ts';

describe('renderMarkdown', () => {
  it('renders markdown and highlights code', () => {
    const html = renderMarkdown('**bold** and `code`\n\n```python\nprint(1)\n```');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('class="hljs-built_in"');
  });

  it('removes scripts, event handlers, javascript: links and anything that would load from a host', () => {
    const html = renderMarkdown(
      '<img src=x onerror="alert(1)"> <script>alert(2)</script> [click](javascript:alert(3)) <iframe src="https://e.com"></iframe> <b onclick="alert(4)">b</b>',
    );
    expect(html).not.toMatch(/<img|<script|javascript:|<iframe|onclick|onerror/i);
    expect(html).toContain('<b>b</b>');
  });

  it('drops event handlers from raw HTML and keeps its other attributes', () => {
    const html = renderMarkdown('<div onclick="x()" title="kept">a</div> <span onmouseover=\'y()\'>b</span>');
    expect(html).toContain('title="kept"');
    expect(html).not.toMatch(/onclick|onmouseover/);
  });

  it('opens links in a new tab without handing over the page', () => {
    expect(renderMarkdown('[docs](https://huggingface.co)')).toContain(
      'target="_blank" rel="noopener noreferrer"',
    );
  });
});

describe('markdownBlocks', () => {
  const reply = [
    '# Tokens',
    'A tokenizer splits *text* into pieces,\nthen maps each to an id.',
    '1. split\n2. map\n\n3. look up',
    '```python\nids = tok("hi")\n\nprint(ids)\n```',
    '| piece | id |\n| --- | --- |\n| hi | 42 |',
    'Setext heading\n---',
    '> quoted\nlazy line',
    '    indented code',
    '- [ ] a task with a https://example.org link',
  ].join('\n\n');

  it('splits a reply into blocks that render as the whole does, all through its streaming', () => {
    expect(markdownBlocks(reply).length).toBeGreaterThan(5);
    // Every fourth character (every one takes 20 s in jsdom), and the whole.
    for (const end of [...Array.from({ length: reply.length / 4 }, (_, index) => index * 4), reply.length]) {
      const text = reply.slice(0, end);
      expect(markdownBlocks(text).map(renderMarkdown).join(''), JSON.stringify(text)).toBe(
        renderMarkdown(text),
      );
    }
  });

  it('keeps text with raw HTML or reference links whole: they reach across blocks', () => {
    for (const text of ['<div>\n\ninside\n\n</div>', 'see [the docs][1]\n\n[1]: https://example.org'])
      expect(markdownBlocks(text)).toEqual([text]);
  });
});
