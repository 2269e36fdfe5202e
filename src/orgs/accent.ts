// An organization's accent colour colours buttons (white text on it) and links (it on white),
// so it is kept only when it reads at WCAG 2.x's AA level for normal text, 4.5:1, against white.
// Relative luminance and contrast ratio as WCAG 2.2 defines them (§ 1.4.3, "relative luminance").

export const MIN_CONTRAST = 4.5;

const HEX = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i;

/** `#rrggbb` in lower case from `#rgb`, `#rrggbb` or without `#`; null for anything else. */
export function parseHexColor(raw: string): string | null {
  const m = HEX.exec(raw.trim());
  if (!m) return null;
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return `#${hex.toLowerCase()}`;
}

function channel(v: number): number {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of `#rrggbb`. */
export function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** The contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The colour a button's bottom edge takes: the accent darkened by half. */
export function darker(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const d = (v: number) => Math.round(v / 2).toString(16).padStart(2, '0');
  return `#${d((n >> 16) & 255)}${d((n >> 8) & 255)}${d(n & 255)}`;
}
