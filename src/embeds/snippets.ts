import { escapeHtml } from '@kitajs/html';

// The snippets an organizer pastes into their own site, per action. Each works without
// JavaScript: the script's div holds a plain link to the action page, which the script replaces.

export type SnippetType = 'petition' | 'event' | 'form' | 'fundraising';

export interface Snippet {
  label: string;
  hint: string;
  code: string;
}

const SEGMENT = { petition: 'petitions', event: 'events', form: 'forms', fundraising: 'fundraising' } as const;
const LINK_TEXT = { petition: 'Sign the petition', event: 'RSVP', form: 'Fill in the form', fundraising: 'Donate' } as const;

/** Every snippet of one action, for its embed page in the console. */
export function snippetsFor(baseUrl: string, type: SnippetType, slug: string, title: string): Snippet[] {
  const segment = SEGMENT[type];
  const page = `${baseUrl}/${segment}/${encodeURIComponent(slug)}`;
  const text = escapeHtml(`${LINK_TEXT[type]}: ${title}`);
  const name = escapeHtml(title);
  const link = `<a href="${page}">${text}</a>`;
  if (type === 'fundraising') {
    return [
      {
        label: 'Link',
        hint: 'Donations are always made on the fundraising page itself, where the payment provider takes the card: embed it as a link or a button.',
        code: link,
      },
    ];
  }
  const frame = `${baseUrl}/embed/${segment}/${encodeURIComponent(slug)}`;
  return [
    {
      label: 'Form (script)',
      hint: 'The form drawn in your page, posting to turnout. Without JavaScript, or before the script loads, it is the link inside the div. Add data-lang="es" to the div for Spanish (otherwise the page’s lang attribute, then the reader’s browser, decides) and data-source="code" to count a source code.',
      code: `<div data-turnout-${type}="${escapeHtml(slug)}">\n  ${link}\n</div>\n<script src="${baseUrl}/embed.js" async></script>`,
    },
    {
      label: 'Form (iframe)',
      hint: 'For a site that allows no scripts: the form in a frame served by turnout. Only the origins listed above may frame it. Add ?lang=es to the address for Spanish.',
      code: `<iframe src="${frame}" title="${name}" width="100%" height="1100" loading="lazy" style="border:0;max-width:40rem"></iframe>`,
    },
    {
      label: 'Count (script)',
      hint: 'Only the count, in your own text; the script fills it in. Load embed.js once per page.',
      code: `<span data-turnout-${type}-count="${escapeHtml(slug)}"><a href="${page}">${name}</a></span>\n<script src="${baseUrl}/embed.js" async></script>`,
    },
    {
      label: 'Count (iframe)',
      hint: 'The count in a small frame, for sites without scripts.',
      code: `<iframe src="${frame}/count" title="${name}" width="320" height="60" loading="lazy" style="border:0"></iframe>`,
    },
    { label: 'Link', hint: 'A plain link to the action’s own page.', code: link },
  ];
}
