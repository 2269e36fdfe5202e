import { registerMessages, type Keys } from '../../i18n/index.ts';

/** What an action's public page says of its delivery to the target. */
export const en = {
  'delivery.heading': 'Delivered',
  'delivery.line': 'Delivered to {recipient} on {date} ({method}).',
  'delivery.method.email': 'by email',
  'delivery.method.in_person': 'in person',
  'delivery.method.other': 'by other means',
};

export const es: Record<keyof typeof en, string> = {
  'delivery.heading': 'Entregada',
  'delivery.line': 'Entregada a {recipient} el {date} ({method}).',
  'delivery.method.email': 'por correo electrónico',
  'delivery.method.in_person': 'en persona',
  'delivery.method.other': 'por otro medio',
};

declare module '../../i18n/index.ts' {
  interface CapabilityMessages extends Keys<typeof en> {}
}

registerMessages({ en, es });
