
// An organization's logo as uploaded becomes pixels only: its type is told from its first bytes
// (never from the name or the browser's word), SVG is refused (it can carry script), an image
// whose dimensions would take too much memory is refused before it is decoded (an image bomb),
// and what is kept is a fresh PNG of at most LOGO_SIZE pixels a side, without metadata.

export const LOGO_MAX_BYTES = 2 * 1024 * 1024;
/** The kept logo's longest side, in pixels. */
export const LOGO_SIZE = 400;
/** Images with more pixels than this are refused before decoding (about 6,000 × 4,000). */
export const LOGO_MAX_PIXELS = 24_000_000;

export type LogoProblem = 'not_image' | 'svg' | 'too_large' | 'too_many_pixels';

export interface Logo {
  png: Buffer;
  width: number;
  height: number;
}

/** The formats a logo may come in, by their first bytes. */
function sniff(bytes: Buffer): 'png' | 'jpeg' | 'gif' | 'webp' | 'svg' | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString('latin1'))) return 'gif';
  if (bytes.length >= 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  const head = bytes.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg')) || head.includes('<svg')) return 'svg';
  return null;
}

/** The uploaded bytes as a logo to keep, or what is wrong with them. */
export async function reencodeLogo(bytes: Buffer): Promise<Logo | { problem: LogoProblem }> {
  if (bytes.length > LOGO_MAX_BYTES) return { problem: 'too_large' };
  const format = sniff(bytes);
  if (format === 'svg') return { problem: 'svg' };
  if (!format) return { problem: 'not_image' };
  try {
    // Loaded on the first upload: the image library costs a process about 20 MB.
    const sharp = (await import('sharp')).default;
    const input = sharp(bytes, { limitInputPixels: LOGO_MAX_PIXELS, failOn: 'error', pages: 1, animated: false });
    const meta = await input.metadata();
    if (meta.format !== format && !(format === 'jpeg' && meta.format === 'jpeg')) return { problem: 'not_image' };
    if (!meta.width || !meta.height) return { problem: 'not_image' };
    if (meta.width * meta.height > LOGO_MAX_PIXELS) return { problem: 'too_many_pixels' };
    const { data, info } = await input
      .rotate()
      .resize(LOGO_SIZE, LOGO_SIZE, { fit: 'inside', withoutEnlargement: true })
      .png({ compressionLevel: 9 })
      .toBuffer({ resolveWithObject: true });
    return { png: data, width: info.width, height: info.height };
  } catch (error) {
    if (error instanceof Error && /pixel limit/i.test(error.message)) return { problem: 'too_many_pixels' };
    return { problem: 'not_image' };
  }
}
