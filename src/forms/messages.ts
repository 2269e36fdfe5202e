import { registerMessages, type Keys } from '../i18n/index.ts';

/** The forms' texts: the public page, its answers' errors, the thank-you page and the autoresponse. Site-wide texts are in src/i18n/en.ts. */
export const en = {
  'forms.heading': 'Your details',
  'forms.questions_heading': 'Questions',
  'forms.email_hint': 'We will send you a copy of your answers.',
  'forms.optional': '(optional)',
  'forms.submit': 'Send',
  'forms.closed': 'This form is closed and no longer takes answers.',
  'forms.closed_title': 'This form is closed',
  'forms.count': '{count, plural, one {# person has answered} other {# people have answered}}',
  'forms.thanks.title': 'Thank you',
  'forms.thanks.body': 'Your answers to “{title}” have been received.',
  'forms.thanks.share': 'Share the form',
  'forms.thanks.share_hint': 'Ask your friends to take part too:',
  'forms.thanks.back': 'Back to the form',
  'forms.share.subject': 'Take part: {title}',
  'forms.share.text': 'I just filled in “{title}”. Will you too?',
  'forms.home': 'Forms',
  'forms.error.required': 'Answer “{label}”',
  'forms.error.choose': 'Choose an answer to “{label}”',
  'forms.error.tick': 'Tick “{label}” to continue',
  'forms.error.not_offered': 'Choose one of the answers offered for “{label}”',
  'forms.error.invalid': 'The answer to “{label}” cannot be used: answer it again',
  'forms.error.invalid_text': 'The answer to “{label}” contains characters we cannot read',
  'forms.error.too_long': 'The answer to “{label}” must be {max, number} characters or fewer',
  'forms.mail.subject': 'Thank you: {title}',
  'forms.mail.body': 'Thank you for filling in “{title}”. Here is what you sent:',
  'forms.mail.footer': 'You get this email because you filled in a form of {org}.',
  'forms.mail.yes': 'yes',
} as const;

export const es: Record<keyof typeof en, string> = {
  'forms.heading': 'Tus datos',
  'forms.questions_heading': 'Preguntas',
  'forms.email_hint': 'Te enviaremos una copia de tus respuestas.',
  'forms.optional': '(opcional)',
  'forms.submit': 'Enviar',
  'forms.closed': 'Este formulario está cerrado y ya no recibe respuestas.',
  'forms.closed_title': 'Este formulario está cerrado',
  'forms.count': '{count, plural, one {# persona ha respondido} other {# personas han respondido}}',
  'forms.thanks.title': 'Gracias',
  'forms.thanks.body': 'Hemos recibido tus respuestas a «{title}».',
  'forms.thanks.share': 'Comparte el formulario',
  'forms.thanks.share_hint': 'Pide a tus amistades que participen también:',
  'forms.thanks.back': 'Volver al formulario',
  'forms.share.subject': 'Participa: {title}',
  'forms.share.text': 'Acabo de completar «{title}». ¿Lo completas tú también?',
  'forms.home': 'Formularios',
  'forms.error.required': 'Responde «{label}»',
  'forms.error.choose': 'Elige una respuesta para «{label}»',
  'forms.error.tick': 'Marca «{label}» para continuar',
  'forms.error.not_offered': 'Elige una de las respuestas ofrecidas para «{label}»',
  'forms.error.invalid': 'La respuesta a «{label}» no se puede usar: respóndela de nuevo',
  'forms.error.invalid_text': 'La respuesta a «{label}» contiene caracteres que no podemos leer',
  'forms.error.too_long': 'La respuesta a «{label}» debe tener {max, number} caracteres como máximo',
  'forms.mail.subject': 'Gracias: {title}',
  'forms.mail.body': 'Gracias por completar «{title}». Esto es lo que enviaste:',
  'forms.mail.footer': 'Recibes este correo porque completaste un formulario de {org}.',
  'forms.mail.yes': 'sí',
};

declare module '../i18n/index.ts' {
  interface CapabilityMessages extends Keys<typeof en> {}
}

registerMessages({ en, es });
