/**
 * Markdown to safe HTML for model replies and imported conversations: marked renders, highlight.js colours
 * code blocks, DOMPurify removes anything that could run or phone home (scripts, event handlers,
 * `javascript:` links, and images, styles and frames that would load from a remote host).
 *
 *   renderMarkdown('**hi** <img src=x onerror=alert(1)>') // → '<p><strong>hi</strong> </p>\n'
 *   markdownBlocks('# A\n\ntext') // → ['# A\n\n', 'text']: each renders alone as it does in the whole
 */
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import { Marked } from 'marked';
import { markedHighlight } from 'marked-highlight';

const LANGUAGES = { bash, css, javascript, json, python, typescript, xml } as const;
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

const marked = new Marked(
  markedHighlight({
    emptyLangClass: 'hljs',
    langPrefix: 'hljs language-',
    highlight(code, lang) {
      return hljs.getLanguage(lang)
        ? hljs.highlight(code, { language: lang }).value
        : hljs.highlightAuto(code).value;
    },
  }),
  { gfm: true, breaks: true },
);

// Nothing rendered from a model or an imported file may load anything: the tab makes no requests.
const FORBID_TAGS = [
  'img',
  'picture',
  'source',
  'video',
  'audio',
  'iframe',
  'object',
  'embed',
  'style',
  'link',
  'form',
  'input',
  'svg',
  'math',
];

/**
 * Event-handler attributes in raw HTML (`onerror=…`), removed before DOMPurify parses the HTML: DOMPurify
 * removes them too, but its parse makes the browser report each one as a CSP violation (never run).
 */
const EVENT_HANDLER_ATTRIBUTE = /\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi;
marked.use({ renderer: { html: ({ text }) => text.replace(EVENT_HANDLER_ATTRIBUTE, '') } });

let hooked = false;
function purifier(): typeof DOMPurify {
  if (!hooked) {
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
    hooked = true;
  }
  return DOMPurify;
}

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false });
  return purifier().sanitize(html, { FORBID_TAGS, FORBID_ATTR: ['style', 'srcset'] });
}

/**
 * The sources of `text`'s top-level blocks (paragraphs, lists, code blocks, tables…), each of which renders
 * alone as it does within the whole text, so a reply that grows renders only its last block again. Text with
 * raw HTML or reference links (`[a][1]` … `[1]: url`), which can reach across blocks, is one block.
 */
export function markdownBlocks(text: string): string[] {
  const tokens = marked.lexer(text);
  let whole = Object.keys(tokens.links).length > 0;
  marked.walkTokens(tokens, (token) => {
    if (token.type === 'html') whole = true;
  });
  return whole ? [text] : tokens.filter((token) => token.type !== 'space').map((token) => token.raw);
}
