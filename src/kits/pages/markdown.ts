import MarkdownIt from 'markdown-it';
import { LRUCache } from 'lru-cache';

// Raw HTML is shown as text, bare addresses stay text, images are off (an image from another
// site would tell it who reads the petition), and links go only to web pages or email.
const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: true });
md.disable('image');
md.validateLink = (url: string) => /^(?:https?:\/\/|mailto:)/i.test(url);

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'nofollow noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

// The page's title is the h1 and the signing form an h2: headings in the text start one level down.
md.core.ruler.push('demote_headings', (state) => {
  for (const token of state.tokens) {
    if (token.type === 'heading_open' || token.type === 'heading_close') token.tag = `h${Math.min(Number(token.tag.slice(1)) + 1, 6)}`;
  }
});

// Line breaks as <br> without a newline after them: the petition text's style keeps newlines
// (`white-space: pre-line`, from when it was plain text), which would otherwise show twice.
md.renderer.rules.softbreak = () => '<br>';
md.renderer.rules.hardbreak = () => '<br>';

const rendered = new LRUCache<string, string>({ max: 1000 });

/**
 * The petition text, written in Markdown, as HTML that is safe to put in a page. The result is
 * kept by text, so a petition is rendered once per change of its text, not once per page render.
 */
export function petitionTextHtml(markdown: string): string {
  let html = rendered.get(markdown);
  if (html === undefined) {
    // Text is escaped, so every `>` followed by a newline and a `<` closes a block: drop that
    // newline for the same reason as above. Code blocks keep theirs (their text is escaped).
    html = md.render(markdown).replace(/>\n(?=<|$)/g, '>');
    rendered.set(markdown, html);
  }
  return html;
}
