import { registerMessages, type Keys } from '../i18n/index.ts';

/** The petitions' texts: the public page and its form, the thank-you and confirmation pages, the emails to signers. Site-wide texts are in src/i18n/en.ts. */
export const en = {
  'petition.to': 'To:',
  'petition.signatures': '{count, plural, one {# signature} other {# signatures}}',
  'petition.progress': '{count} of {goal} signatures',
  'petition.goal': 'Help us reach {goal}',
  'petition.closed': 'This petition is closed and no longer takes signatures.',
  'petition.sign_heading': 'Sign the petition',
  'form.email_hint': 'We will send you a receipt of your signature.',
  'form.country': 'Country',
  'form.comments': 'Comment (optional)',
  'form.comments_hint': 'Why are you signing? Up to 1,000 characters.',
  'form.submit': 'Sign',
  'thanks.title': 'Thank you for signing',
  'thanks.body': 'Your signature on “{title}” has been counted.',
  'thanks.confirm': 'One more step: we have sent you an email. Open the link in it to confirm your signature. It only counts once you confirm.',
  'thanks.share': 'Share the petition',
  'thanks.share_hint': 'Petitions win when people ask their friends. Share it:',
  'thanks.back': 'Back to the petition',
  'share.subject': 'Sign this petition: {title}',
  'share.text': 'I just signed “{title}”. Will you sign too?',
  'confirm.title': 'Confirm your signature',
  'confirm.body': 'Press the button to confirm your signature on “{title}”.',
  'confirm.button': 'Confirm my signature',
  'confirm.done_title': 'Your signature is confirmed',
  'confirm.done_body': 'Thank you. Your signature on “{title}” now counts.',
  'confirm.invalid_title': 'This confirmation link does not work',
  'confirm.invalid_body': 'It may have been used already or copied incompletely. Sign the petition again to get a new link.',
  'mail.autoresponse.subject': 'Thank you for signing: {title}',
  'mail.autoresponse.body': 'Thank you for signing “{title}”.\n\nPetitions win when people ask their friends. Share this link:\n{url}\n\n{org}',
  'mail.confirm.subject': 'Confirm your signature: {title}',
  'mail.confirm.body': 'Please confirm your signature on “{title}” by opening this link and pressing the button:\n{url}\n\nIf you did not sign, ignore this email and nothing will be counted.\n\n{org}',
};

export const es: Record<keyof typeof en, string> = {
  'petition.to': 'Para:',
  'petition.signatures': '{count, plural, one {# firma} other {# firmas}}',
  'petition.progress': '{count} de {goal} firmas',
  'petition.goal': 'Ayúdanos a llegar a {goal}',
  'petition.closed': 'Esta petición está cerrada y ya no recibe firmas.',
  'petition.sign_heading': 'Firma la petición',
  'form.email_hint': 'Te enviaremos un comprobante de tu firma.',
  'form.country': 'País',
  'form.comments': 'Comentario (opcional)',
  'form.comments_hint': '¿Por qué firmas? Hasta 1.000 caracteres.',
  'form.submit': 'Firmar',
  'thanks.title': 'Gracias por firmar',
  'thanks.body': 'Contamos tu firma en «{title}».',
  'thanks.confirm': 'Falta un paso: te enviamos un correo. Abre el enlace que contiene para confirmar tu firma. Solo cuenta cuando la confirmes.',
  'thanks.share': 'Comparte la petición',
  'thanks.share_hint': 'Las peticiones ganan cuando la gente invita a sus amistades. Compártela:',
  'thanks.back': 'Volver a la petición',
  'share.subject': 'Firma esta petición: {title}',
  'share.text': 'Acabo de firmar «{title}». ¿Firmas tú también?',
  'confirm.title': 'Confirma tu firma',
  'confirm.body': 'Pulsa el botón para confirmar tu firma en «{title}».',
  'confirm.button': 'Confirmar mi firma',
  'confirm.done_title': 'Tu firma está confirmada',
  'confirm.done_body': 'Gracias. Tu firma en «{title}» ya cuenta.',
  'confirm.invalid_title': 'Este enlace de confirmación no funciona',
  'confirm.invalid_body': 'Puede que ya se haya usado o que se haya copiado incompleto. Vuelve a firmar la petición para recibir un enlace nuevo.',
  'mail.autoresponse.subject': 'Gracias por firmar: {title}',
  'mail.autoresponse.body': 'Gracias por firmar «{title}».\n\nLas peticiones ganan cuando la gente invita a sus amistades. Comparte este enlace:\n{url}\n\n{org}',
  'mail.confirm.subject': 'Confirma tu firma: {title}',
  'mail.confirm.body': 'Confirma tu firma en «{title}» abriendo este enlace y pulsando el botón:\n{url}\n\nSi no firmaste, ignora este correo y no se contará nada.\n\n{org}',
};

declare module '../i18n/index.ts' {
  interface CapabilityMessages extends Keys<typeof en> {}
}

registerMessages({ en, es });
