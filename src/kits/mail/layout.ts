import { escapeHtml } from '@kitajs/html';
import { emailHtml, emailText, type LinkRewrite } from './markdown.ts';

// One layout for every email turnout sends: HTML in the organization's name (and its accent
// colour when it has one) with a plain-text part made from the same Markdown, readable in dark
// mode and on a phone. It names no capability: each passes its own words and footer.

export interface EmailFrame {
  /** The organization the email comes from, shown at the top. */
  organization: string;
  /** `#rrggbb`, checked here: anything else falls back to the default. */
  accent?: string | null;
  lang: string;
  /** The hidden line mail apps show after the subject. */
  preheader?: string;
  /** Lines of the footer, each plain text (the postal address, why they get this email). */
  footer: string[];
  /** A link in the footer (unsubscribe), shown in both parts. */
  footerLink?: { label: string; href: string };
}

export interface RenderedEmail {
  html: string;
  text: string;
}

const DEFAULT_ACCENT = '#1d4ed8';

/** A safe accent: `#rrggbb` only (it goes into CSS). */
export function accentOf(accent: string | null | undefined): string {
  return accent && /^#[0-9a-f]{6}$/i.test(accent) ? accent.toLowerCase() : DEFAULT_ACCENT;
}

/** An email from a Markdown body: the HTML and the text part from the same source. */
export function renderEmail(frame: EmailFrame, markdown: string, rewrite?: LinkRewrite): RenderedEmail {
  return { html: htmlEmail(frame, emailHtml(markdown, rewrite)), text: textEmail(frame, emailText(markdown, rewrite)) };
}

/** The text part: the body, then the footer under a rule. */
export function textEmail(frame: EmailFrame, body: string): string {
  const footer = [...frame.footer];
  if (frame.footerLink) footer.push(`${frame.footerLink.label}: ${frame.footerLink.href}`);
  return `${body}\n\n-- \n${[frame.organization, ...footer].join('\n')}\n`;
}

/** The HTML part around an already safe body: tables and inline styles, as mail apps need. */
export function htmlEmail(frame: EmailFrame, safeBody: string): string {
  const accent = accentOf(frame.accent);
  const e = escapeHtml;
  const footer = frame.footer.map((line) => `<p style="margin:0 0 8px">${e(line).replace(/\n/g, '<br>')}</p>`).join('');
  const link = frame.footerLink
    ? `<p style="margin:0 0 8px"><a href="${e(frame.footerLink.href)}" style="color:${accent}">${e(frame.footerLink.label)}</a></p>`
    : '';
  const preheader = frame.preheader
    ? `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all" aria-hidden="true">${e(frame.preheader)}</div>`
    : '';
  return `<!doctype html>
<html lang="${e(frame.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${e(frame.organization)}</title>
<style>
body{margin:0;padding:0;background:#f4f4f5;color:#18181b}
.card{background:#ffffff;color:#18181b}
a{color:${accent}}
@media (prefers-color-scheme: dark){body,.outer{background:#18181b !important;color:#f4f4f5 !important}.card{background:#27272a !important;color:#f4f4f5 !important}.muted{color:#d4d4d8 !important}a{color:#93c5fd !important}}
@media (max-width:620px){.card{padding:16px !important}}
</style>
</head>
<body>
${preheader}
<table role="presentation" class="outer" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f5">
<tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px">
<tr><td style="border-top:4px solid ${accent};padding:16px 24px;font:bold 18px/1.3 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif">${e(frame.organization)}</td></tr>
<tr><td class="card" style="background:#ffffff;padding:24px;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;word-wrap:break-word">
${safeBody}
</td></tr>
<tr><td class="muted" style="padding:16px 24px;font:13px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#52525b">
${footer}${link}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}
