// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

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
