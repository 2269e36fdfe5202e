import { registerMessages, type Keys } from '../i18n/index.ts';

/**
 * The emails with one-time links to organizers' accounts (src/accounts/jobs.ts), in the language
 * the account chose on its account page (`users.language`); an invitation to someone with no
 * account yet is in English.
 */
export const en = {
  'account.invitation.subject': 'You are invited to {org} on turnout',
  'account.invitation.body': "Hello,\n\nYou have been invited to help run {org}'s campaigns on turnout.\n\nAccept the invitation (the link works for 7 days):\n{url}\n\nIf you did not expect this, ignore this email.\n",
  'account.reset.subject': 'Choose a new turnout password',
  'account.reset.body': 'Hello,\n\nSomeone asked to reset the password of the turnout account for this address.\n\nChoose a new password (the link works once, for one hour):\n{url}\n\nIf it was not you, ignore this email: your password stays as it is.\n',
  'account.sign_in.subject': 'Your turnout sign-in link',
  'account.sign_in.body': 'Hello,\n\nSet your password and sign in (the link works once, for one hour):\n{url}\n',
};

export const es: Keys<typeof en> = {
  'account.invitation.subject': 'Te invitan a {org} en turnout',
  'account.invitation.body': 'Hola:\n\nTe han invitado a ayudar a llevar las campañas de {org} en turnout.\n\nAcepta la invitación (el enlace sirve durante 7 días):\n{url}\n\nSi no esperabas este mensaje, ignóralo.\n',
  'account.reset.subject': 'Elige una nueva contraseña de turnout',
  'account.reset.body': 'Hola:\n\nAlguien pidió restablecer la contraseña de la cuenta de turnout de esta dirección.\n\nElige una nueva contraseña (el enlace sirve una sola vez, durante una hora):\n{url}\n\nSi no fuiste tú, ignora este mensaje: tu contraseña sigue igual.\n',
  'account.sign_in.subject': 'Tu enlace para entrar en turnout',
  'account.sign_in.body': 'Hola:\n\nElige tu contraseña y entra (el enlace sirve una sola vez, durante una hora):\n{url}\n',
};

declare module '../i18n/index.ts' {
  interface CapabilityMessages extends Keys<typeof en> {}
}

registerMessages({ en, es });
