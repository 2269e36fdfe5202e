// An organization's logo for its pages' header: the upload's type told from its first bytes
// (never from its name or the browser's word), SVG refused (it can carry script), an image
// whose dimensions would take too much memory refused before it is decoded, and what is kept a
// fresh PNG of at most 600 × 200 pixels without metadata (shown 40 px high; 200 for sharp
// screens and the share picture), stored in `organization_logos` so every web process serves it.

export const ORG_LOGO_MAX_BYTES = 2 * 1024 * 1024;
const MAX_PIXELS = 24_000_000;

export type OrgLogoProblem = 'not_image' | 'svg' | 'too_large';

function sniff(bytes: Buffer): 'png' | 'jpeg' | 'gif' | 'webp' | 'svg' | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString('latin1'))) return 'gif';
  if (bytes.length >= 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  if (bytes.subarray(0, 1024).toString('utf8').toLowerCase().includes('<svg')) return 'svg';
  return null;
}

/** The upload as the PNG to keep, or what is wrong with it. */
export async function reencodeOrgLogo(bytes: Buffer): Promise<{ png: Buffer; width: number; height: number } | { problem: OrgLogoProblem }> {
  if (bytes.length > ORG_LOGO_MAX_BYTES) return { problem: 'too_large' };
  const format = sniff(bytes);
  if (format === 'svg') return { problem: 'svg' };
  if (!format) return { problem: 'not_image' };
  try {
    // Loaded on the first upload: the image library costs a process about 20 MB.
    const sharp = (await import('sharp')).default;
    const input = sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error', pages: 1, animated: false });
    const meta = await input.metadata();
    if (meta.format !== format || !meta.width || !meta.height) return { problem: 'not_image' };
    const { data, info } = await input
      .rotate()
      .resize(600, 200, { fit: 'inside', withoutEnlargement: true })
      .png({ compressionLevel: 9 })
      .toBuffer({ resolveWithObject: true });
    return { png: data, width: info.width, height: info.height };
  } catch {
    return { problem: 'not_image' };
  }
}
