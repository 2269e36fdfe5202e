import type { Writable } from 'node:stream';
import MarkdownIt from 'markdown-it';
import { once } from 'node:events';

// Drawing a delivery PDF (a petition's or an open letter's, for handing to its target) with
// pdfkit's built-in Helvetica: no font files to ship, and the text stays selectable and
// searchable. Those fonts cover Windows-1252 (English, Spanish and most Western European
// names); any other character is drawn as "?" rather than as garbage.

// As the pages read Markdown: raw HTML is text, images are off.
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
md.disable('image');

const CP1252_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

/** Text as the built-in fonts can draw it: line breaks kept, other characters outside Windows-1252 as "?". */
export function pdfText(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if (ch === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRA.includes(ch)) out += ch;
    else if (ch === '\t') out += ' ';
    else if (code >= 0x20) out += '?';
  }
  return out;
}

/**
 * Markdown as paragraphs of plain text, read with markdown-it (raw HTML kept as text, as on the
 * page): marks dropped, links as "text (address)", list items with a bullet.
 */
export function markdownParagraphs(markdown: string): string[] {
  const paragraphs: string[] = [];
  let bullet = false;
  for (const token of md.parse(markdown, {})) {
    if (token.type === 'list_item_open') bullet = true;
    if (token.type !== 'inline' && token.type !== 'code_block' && token.type !== 'fence') continue;
    let text = '';
    if (token.type !== 'inline') text = token.content.replace(/\n$/, '');
    else {
      let href: string | null = null;
      for (const child of token.children ?? []) {
        if (child.type === 'text' || child.type === 'code_inline' || child.type === 'html_inline') text += child.content;
        else if (child.type === 'softbreak' || child.type === 'hardbreak') text += '\n';
        else if (child.type === 'link_open') href = child.attrGet('href');
        else if (child.type === 'link_close' && href) {
          text += ` (${href})`;
          href = null;
        }
      }
    }
    text = text.trim();
    if (!text) continue;
    paragraphs.push(bullet ? `• ${text}` : text);
    bullet = false;
  }
  return paragraphs;
}

export interface PdfWriter {
  title(text: string): void;
  /** A line of small grey text under the title: the date, the sponsor. */
  byline(text: string): void;
  heading(text: string): void;
  paragraph(text: string): void;
  /** One entry of a list: a name in bold and what follows it in the regular face. */
  entry(name: string, detail?: string): void;
  /** Lines `label: value`, for counts. */
  facts(rows: [string, string][]): void;
  /** Waits until `out` has taken what was drawn so far: call it between chunks of a long list, so memory stays flat. */
  flush(): Promise<void>;
  /** Ends the document; resolves when `out` has been given it all (`out` itself is not ended). */
  end(): Promise<void>;
}

/** Starts a Letter-sized PDF written to `out` as it is drawn (pages are not kept in memory). */
export async function startPdf(out: Writable, info: { title: string; author: string }): Promise<PdfWriter> {
  // Loaded on the first delivery: the PDF library costs a process about 20 MB.
  const PDFDocument = (await import('pdfkit')).default;
  const doc = new PDFDocument({ size: 'LETTER', margin: 60, info: { Title: pdfText(info.title), Author: pdfText(info.author), Creator: 'turnout' } });
  // The output is not ended here: a file is ended by its owner, standard output never.
  const ended = new Promise<void>((resolve, reject) => {
    doc.once('end', resolve);
    doc.once('error', reject);
    out.once('error', reject);
  });
  doc.pipe(out, { end: false });
  const drained = async () => {
    if (out.writableNeedDrain) await once(out, 'drain');
  };
  const width = doc.page.width - 120;
  return {
    title(text) {
      doc.font('Helvetica-Bold').fontSize(20).fillColor('black').text(pdfText(text), { width });
      doc.moveDown(0.3);
    },
    byline(text) {
      doc.font('Helvetica').fontSize(10).fillColor('#444444').text(pdfText(text), { width });
      doc.fillColor('black').moveDown(0.8);
    },
    heading(text) {
      doc.moveDown(0.6);
      doc.font('Helvetica-Bold').fontSize(14).text(pdfText(text), { width });
      doc.moveDown(0.3);
    },
    paragraph(text) {
      doc.font('Helvetica').fontSize(11).text(pdfText(text), { width, align: 'left' });
      doc.moveDown(0.6);
    },
    entry(name, detail) {
      doc.font('Helvetica-Bold').fontSize(10).text(pdfText(name), { width, continued: Boolean(detail) });
      if (detail) doc.font('Helvetica').text(pdfText(` ${detail}`), { width });
      doc.moveDown(0.15);
    },
    facts(rows) {
      doc.font('Helvetica').fontSize(11);
      for (const [label, value] of rows) {
        doc.font('Helvetica-Bold').text(pdfText(`${label}: `), { width, continued: true });
        doc.font('Helvetica').text(pdfText(value), { width });
      }
      doc.moveDown(0.6);
    },
    flush: drained,
    async end() {
      doc.end();
      await ended;
      await drained();
    },
  };
}
