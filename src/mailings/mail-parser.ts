
// The one place turnout reads an incoming email: mailparser (well kept, by nodemailer's author).
// What a delivery report needs of it: its type, its parts' contents, its headers.

export interface ParsedMail {
  contentType: string;
  subject: string;
  /** Every part that is not the readable text, as text: delivery-status, feedback-report, the original headers. */
  parts: { contentType: string; content: string }[];
  text: string;
  headers: Map<string, unknown>;
}

export async function parseMail(raw: Buffer | string): Promise<ParsedMail> {
  // Loaded on the first report: the parser costs a process megabytes it rarely needs.
  const { simpleParser } = await import('mailparser');
  const mail = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, maxHtmlLengthToParse: 100_000 });
  const type = mail.headers.get('content-type') as { value?: string } | string | undefined;
  return {
    contentType: (typeof type === 'string' ? type : type?.value ?? '').toLowerCase(),
    subject: mail.subject ?? '',
    parts: mail.attachments.map((a) => ({ contentType: a.contentType.toLowerCase(), content: a.content.toString('utf8') })),
    text: mail.text ?? '',
    headers: mail.headers as Map<string, unknown>,
  };
}
