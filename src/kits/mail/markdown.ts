import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';

// Markdown for email: raw HTML is shown as text (a `<script>` stays visible letters), images are
// off (an image from another site is a tracking pixel), and links go only to web pages or email.
const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: true });
md.disable('image');
md.validateLink = (url: string) => /^(?:https?:\/\/|mailto:)/i.test(url);

/** Turns each link's address into what `rewrite` returns (a click counter), leaving the rest as it is. */
export type LinkRewrite = (url: string, index: number) => string;

/** The body's HTML, safe to put in an email: its text escaped, its links checked. */
export function emailHtml(markdown: string, rewrite?: LinkRewrite): string {
  const tokens = md.parse(markdown, {});
  if (rewrite) {
    let n = 0;
    for (const t of tokens) for (const c of t.children ?? []) if (c.type === 'link_open') c.attrSet('href', rewrite(c.attrGet('href') ?? '', n++));
  }
  return md.renderer.render(tokens, md.options, {});
}

/** The addresses of the body's links, in order (the ones `emailHtml` keeps). */
export function emailLinks(markdown: string): string[] {
  const out: string[] = [];
  for (const t of md.parse(markdown, {})) for (const c of t.children ?? []) if (c.type === 'link_open') out.push(c.attrGet('href') ?? '');
  return out;
}

/**
 * The same body as plain text: paragraphs apart, headings in their own line, list items with a
 * dash, a link as its text and its address in brackets, and nothing escaped (it is not HTML).
 */
export function emailText(markdown: string, rewrite?: LinkRewrite): string {
  const tokens = md.parse(markdown, {});
  const out: string[] = [];
  let line = '';
  let n = 0;
  const lists: { ordered: boolean; n: number }[] = [];
  const flush = () => {
    if (line !== '') out.push(line);
    line = '';
  };
  const inline = (children: Token[]) => {
    let text = '';
    let href: string | null = null;
    for (const c of children) {
      if (c.type === 'text' || c.type === 'code_inline') text += c.content;
      else if (c.type === 'softbreak' || c.type === 'hardbreak') text += '\n';
      else if (c.type === 'link_open') {
        const url = c.attrGet('href') ?? '';
        href = rewrite ? rewrite(url, n++) : url;
      } else if (c.type === 'link_close' && href !== null) {
        text += ` (${href})`;
        href = null;
      }
    }
    return text;
  };
  for (const t of tokens) {
    switch (t.type) {
      case 'bullet_list_open':
        lists.push({ ordered: false, n: 0 });
        break;
      case 'ordered_list_open':
        lists.push({ ordered: true, n: Number(t.attrGet('start') ?? 1) - 1 });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        if (lists.length === 0) out.push('');
        break;
      case 'list_item_open': {
        const l = lists[lists.length - 1]!;
        l.n++;
        line = `${'  '.repeat(lists.length - 1)}${l.ordered ? `${l.n}.` : '-'} `;
        break;
      }
      case 'inline':
        line += inline(t.children ?? []);
        break;
      case 'paragraph_close':
        flush();
        if (lists.length === 0) out.push('');
        break;
      case 'heading_close':
        flush();
        out.push('');
        break;
      case 'fence':
      case 'code_block':
        out.push(t.content.replace(/\n$/, ''), '');
        break;
      case 'hr':
        out.push('----', '');
        break;
      case 'blockquote_open':
        line = '> ';
        break;
    }
  }
  flush();
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}
