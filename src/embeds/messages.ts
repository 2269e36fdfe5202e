import { registerMessages, type Keys } from '../i18n/index.ts';

// What a supporter reads in an embedded form that is the embed's own (the form's labels, its
// errors and thank-you texts are the actions' and the site's keys).
export const en = {
  'embed.sending': 'Sending…',
  'embed.network': 'We could not reach the server. Check your connection and try again.',
  'embed.unavailable': 'We cannot save anything right now, so nothing was saved. Please try again in a few minutes.',
  'embed.open_page': 'Open the page to take part',
  'embed.challenge': 'This form needs an extra check right now, which only its own page can do. Open the page to finish: nothing was recorded yet.',
  'embed.origin_refused': 'This site is not allowed to embed this form. Nothing was recorded. Open the page to take part.',
  'embed.origin_missing': 'This address takes requests only from an embedded form on a site the organizers listed. Nothing was recorded.',
  'embed.bad_request': 'Something was wrong with what was sent. Nothing was recorded. Check the form and try again.',
  'embed.powered': 'Form by {org}',
};

export const es: Record<keyof typeof en, string> = {
  'embed.sending': 'Enviando…',
  'embed.network': 'No pudimos conectar con el servidor. Revisa tu conexión e inténtalo de nuevo.',
  'embed.unavailable': 'Ahora mismo no podemos guardar nada, así que no se guardó nada. Inténtalo de nuevo en unos minutos.',
  'embed.open_page': 'Abre la página para participar',
  'embed.challenge': 'Ahora este formulario necesita una comprobación extra que solo su propia página puede hacer. Abre la página para terminar: todavía no se registró nada.',
  'embed.origin_refused': 'Este sitio no tiene permiso para mostrar este formulario. No se registró nada. Abre la página para participar.',
  'embed.origin_missing': 'Esta dirección solo acepta envíos desde un formulario insertado en un sitio que la organización autorizó. No se registró nada.',
  'embed.bad_request': 'Algo no estaba bien en lo que se envió. No se registró nada. Revisa el formulario e inténtalo de nuevo.',
  'embed.powered': 'Formulario de {org}',
};

declare module '../i18n/index.ts' {
  interface CapabilityMessages extends Keys<typeof en> {}
}

registerMessages({ en, es });
