import { registerMessages, type Keys } from '../../i18n/index.ts';

// The texts of the kit's abuse protection (the challenge, block lists), in English and Spanish.
export const en = {
  'challenge.working': 'Checking that this is a person, not a program. This takes a few seconds…',
  'challenge.noscript': 'Without JavaScript this form takes fewer signatures from one connection for now. It still works.',
  'challenge.limited.title': 'Too many tries from your connection',
  'challenge.limited.body':
    'This form is getting a lot of automated traffic, so it takes only a few submissions from one connection without JavaScript. Turn on JavaScript and reload the page, or wait 10 minutes and try again.',
  'blocked.title': 'We could not take this',
  'blocked.body': 'Nothing was recorded. If you think this is a mistake, contact the organizers of this campaign.',
};

export const es: Record<keyof typeof en, string> = {
  'challenge.working': 'Comprobando que eres una persona y no un programa. Esto tarda unos segundos…',
  'challenge.noscript': 'Sin JavaScript, este formulario acepta por ahora menos firmas desde una misma conexión. Sigue funcionando.',
  'challenge.limited.title': 'Demasiados intentos desde tu conexión',
  'challenge.limited.body':
    'Este formulario está recibiendo mucho tráfico automático, así que sin JavaScript acepta solo unos pocos envíos desde una misma conexión. Activa JavaScript y vuelve a cargar la página, o espera 10 minutos e inténtalo de nuevo.',
  'blocked.title': 'No pudimos aceptar esto',
  'blocked.body': 'No se registró nada. Si crees que es un error, escribe a quienes organizan esta campaña.',
};

declare module '../../i18n/index.ts' {
  interface CapabilityMessages extends Keys<typeof en> {}
}

registerMessages({ en, es });
