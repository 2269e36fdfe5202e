import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';

// The picture a link preview shows (WhatsApp, Facebook, X, Bluesky …): drawn here, never
// fetched from another site. An SVG built from the action's title, its organization and its
// count, rendered to a 1200×630 PNG by sharp (libvips and librsvg) with the system's DejaVu
// fonts. The count on it moves in visible steps (`visibleCount`), so a surge of signatures
// re-renders nothing: the picture is kept by what it shows, and its address carries a version
// of that, so a crawler that kept an old one sees a new address once the picture changes.

export const SHARE_IMAGE_WIDTH = 1200;
export const SHARE_IMAGE_HEIGHT = 630;

/** What the picture shows. Texts come translated; the count already in its visible step. */
export interface ShareCard {
  title: string;
  organization: string;
  /** The line under the title, like "1,200 signatures" or "$4,500 raised of $10,000". */
  headline: string;
  /** How far to the goal, 0 to 1; no bar without one. */
  progress?: number | null;
  /** A line like "Closed" or "Until 30 June". */
  note?: string | null;
  /** `#rrggbb`, checked for contrast by the organization's settings. */
  accent?: string | null;
}

const DEFAULT_ACCENT = '#00703c';

/**
 * The count a picture shows: exact below 100, then floored to a step a reader notices (tens
 * below 1,000, then two significant figures: 1,234 → 1,200; 56,789 → 56,000).
 */
export function visibleCount(n: number): number {
  if (n < 100) return Math.max(0, Math.floor(n));
  if (n < 1000) return Math.floor(n / 10) * 10;
  const scale = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.floor(n / scale) * scale;
}

/** A short version of what the picture shows: the picture's address changes when it does. */
export function shareImageVersion(card: ShareCard): string {
  return createHash('sha256').update(JSON.stringify([card.title, card.organization, card.headline, card.progress ?? null, card.note ?? null, card.accent ?? null])).digest('base64url').slice(0, 12);
}

/** The picture's address under an action's path, like `/petitions/x/share.png?lang=es&v=…`. */
export function shareImagePath(actionPath: string, lang: string, card: ShareCard): string {
  return `${actionPath}/share.png?lang=${lang}&v=${shareImageVersion(card)}`;
}

/** Text for an SVG text node or attribute. Characters XML 1.0 cannot carry are dropped. */
export function xmlText(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * Words into at most `maxLines` lines of about `perLine` characters (DejaVu Sans is about 0.6 em
 * a character in bold); a word longer than a line is cut, and text left over ends in "…".
 */
export function wrapWords(text: string, perLine: number, maxLines: number): string[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (let word of words) {
    while ([...word].length > perLine) {
      if (line) lines.push(line);
      line = '';
      lines.push([...word].slice(0, perLine).join(''));
      word = [...word].slice(perLine).join('');
    }
    if (!line) line = word;
    else if ([...line].length + 1 + [...word].length <= perLine) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = [...kept[maxLines - 1]!];
  kept[maxLines - 1] = `${last.slice(0, Math.max(1, perLine - 1)).join('').replace(/\s+$/, '')}…`;
  return kept;
}

/** The picture as SVG: a band of the accent colour, the title (up to four lines), the headline, a bar, the organization. */
export function shareCardSvg(card: ShareCard): string {
  const accent = /^#[0-9a-f]{6}$/i.test(card.accent ?? '') ? card.accent! : DEFAULT_ACCENT;
  const W = SHARE_IMAGE_WIDTH;
  const H = SHARE_IMAGE_HEIGHT;
  const long = [...card.title].length > 70;
  const size = long ? 52 : 64;
  const title = wrapWords(card.title, Math.floor(1040 / (size * 0.62)), 4);
  const lineHeight = Math.round(size * 1.2);
  let y = 110 + size;
  const titleLines = title.map((line, i) => `<tspan x="80" y="${y + i * lineHeight}">${xmlText(line)}</tspan>`).join('');
  y += (title.length - 1) * lineHeight + 80;
  const headline = wrapWords(card.headline, 34, 1)[0] ?? '';
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<rect width="${W}" height="24" fill="${accent}"/>`,
    `<text font-family="DejaVu Sans" font-weight="bold" font-size="${size}" fill="#0b0c0c">${titleLines}</text>`,
    `<text x="80" y="${y}" font-family="DejaVu Sans" font-weight="bold" font-size="44" fill="${accent}">${xmlText(headline)}</text>`,
  ];
  if (typeof card.progress === 'number' && Number.isFinite(card.progress)) {
    const p = Math.min(1, Math.max(0, card.progress));
    // At least a sliver: 5 of 500 must still show that the bar has begun.
    const fill = p > 0 ? Math.max(24, Math.round(1040 * p)) : 0;
    parts.push(`<rect x="80" y="${y + 30}" width="1040" height="28" rx="14" fill="#e8e8e8"/>`);
    if (fill) parts.push(`<rect x="80" y="${y + 30}" width="${fill}" height="28" rx="14" fill="${accent}"/>`);
  }
  const foot = [card.organization, card.note].filter(Boolean).join(' · ');
  parts.push(`<text x="80" y="${H - 60}" font-family="DejaVu Sans" font-size="34" fill="#505a5f">${xmlText(wrapWords(foot, 56, 1)[0] ?? '')}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

// Kept by what they show: at most 300 pictures (about 40 KB each) per process.
const rendered = new LRUCache<string, Buffer>({ max: 300 });
const inFlight = new Map<string, Promise<Buffer>>();
// Two renders at a time at most (each takes one core for about 80 ms); the others wait their turn.
let running = 0;
const waiting: (() => void)[] = [];

async function render(card: ShareCard): Promise<Buffer> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    // Loaded on the first picture: the image library costs a process about 20 MB.
    const sharp = (await import('sharp')).default;
    return await sharp(Buffer.from(shareCardSvg(card)), { density: 72 }).png({ compressionLevel: 9, palette: true }).toBuffer();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** The picture's PNG bytes, rendered once per version however many ask at once. */
export async function shareImage(card: ShareCard): Promise<{ png: Buffer; version: string }> {
  const version = shareImageVersion(card);
  const kept = rendered.get(version);
  if (kept) return { png: kept, version };
  let pending = inFlight.get(version);
  if (!pending) {
    pending = render(card).finally(() => inFlight.delete(version));
    inFlight.set(version, pending);
  }
  const png = await pending;
  rendered.set(version, png);
  return { png, version };
}

/**
 * Answers a `…/share.png` request. The address with the current `?v=` is kept for a year; any
 * other (an old version, none) for five minutes, so a preview refreshes once the count moves.
 */
export async function sendShareImage(request: FastifyRequest, reply: FastifyReply, card: ShareCard): Promise<FastifyReply> {
  const { png, version } = await shareImage(card);
  const etag = `"${version}"`;
  const asked = (request.query as { v?: unknown } | undefined)?.v;
  reply
    .header('etag', etag)
    .header('cache-control', asked === version ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
    .header('x-content-type-options', 'nosniff');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type('image/png').send(png);
}
