import MarkdownIt from 'markdown-it';
import { LRUCache } from 'lru-cache';

// The plain text a link preview and a search engine read (`og:description`, `<meta
// name="description">`): the action's Markdown read by markdown-it, its words only.

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
const summaries = new LRUCache<string, string>({ max: 1000 });

/** What a preview says of an action, for the page's `<head>` (Layout's `share`). */
export interface ShareMeta {
  /** The action's path on this site, like `/petitions/save-the-library`. */
  path: string;
  title: string;
  /** Plain text (see `summaryOf`). */
  description: string;
  /** The share picture's path, with its version (share-image.ts `shareImagePath`). */
  image: string;
  /** The picture's text for those who cannot see it. */
  imageAlt: string;
}

/** Markdown as one line of plain text, cut at a word to at most `max` characters with "…". */
export function summaryOf(markdown: string, max = 200): string {
  const key = `${max}\u0000${markdown}`;
  const kept = summaries.get(key);
  if (kept !== undefined) return kept;
  const words: string[] = [];
  for (const block of md.parse(markdown, {})) {
    if (block.type !== 'inline' || !block.children) continue;
    for (const token of block.children) {
      if (token.type === 'text' || token.type === 'code_inline') words.push(token.content);
      else if (token.type === 'softbreak' || token.type === 'hardbreak') words.push(' ');
    }
    words.push(' ');
  }
  const text = words.join('').replace(/\s+/g, ' ').trim();
  const summary = cut(text, max);
  summaries.set(key, summary);
  return summary;
}

function cut(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join('');
  const atWord = head.replace(/\s+\S*$/, '');
  return `${(atWord.length > max / 2 ? atWord : head).replace(/[\s,;:.]+$/, '')}…`;
}

/**
 * An action's preview tags from its path, title, Markdown text and share picture (whose path
 * carries the picture's version, `shareImagePath`); the picture's alt text says what it shows.
 */
export function actionShareMeta(o: { path: string; title: string; markdown: string; image: string; card: { organization: string; headline: string } }): ShareMeta {
  return {
    path: o.path,
    title: o.title,
    description: summaryOf(o.markdown),
    image: o.image,
    imageAlt: [o.title, o.card.organization, o.card.headline].filter(Boolean).join(' · '),
  };
}
