import { registerMessages, type Keys } from '../i18n/index.ts';

// What a supporter reads of mailings: the footer of each email and the unsubscribe pages.

export const en = {
  'mailing.footer.why': 'You get this email because you signed up to hear from {org}.',
  'mailing.footer.unsubscribe': 'Unsubscribe',
  'mailing.unsubscribe.title': 'Unsubscribe from {org}',
  'mailing.unsubscribe.body': 'Choose the button to stop getting emails from {org} at this address.',
  'mailing.unsubscribe.button': 'Unsubscribe',
  'mailing.unsubscribe.done_title': 'You are unsubscribed',
  'mailing.unsubscribe.done_body': '{org} will not email you again at this address. If you sign up for something again, you can choose to hear from them then.',
  'mailing.unsubscribe.invalid_title': 'This link does not work',
  'mailing.unsubscribe.invalid_body': 'The unsubscribe link is not complete or was changed. Copy the whole link from the email, or reply to the email and ask to be taken off the list.',
};

export const es: Record<keyof typeof en, string> = {
  'mailing.footer.why': 'Recibes este correo porque pediste recibir noticias de {org}.',
  'mailing.footer.unsubscribe': 'Cancelar la suscripción',
  'mailing.unsubscribe.title': 'Dejar de recibir correos de {org}',
  'mailing.unsubscribe.body': 'Elige el botón para dejar de recibir correos de {org} en esta dirección.',
  'mailing.unsubscribe.button': 'Cancelar la suscripción',
  'mailing.unsubscribe.done_title': 'Ya no recibirás correos',
  'mailing.unsubscribe.done_body': '{org} no volverá a escribirte a esta dirección. Si vuelves a inscribirte en algo, podrás elegir recibir sus noticias entonces.',
  'mailing.unsubscribe.invalid_title': 'Este enlace no funciona',
  'mailing.unsubscribe.invalid_body': 'El enlace para cancelar la suscripción está incompleto o fue cambiado. Copia el enlace entero del correo, o responde al correo y pide que te quiten de la lista.',
};

declare module '../i18n/index.ts' {
  interface CapabilityMessages extends Keys<typeof en> {}
}

registerMessages({ en, es });
