import type Stripe from 'stripe';
import type { StripeConfig } from '../config.ts';
import type { Checkout } from './tables.ts';

// Stripe through its official library, pointed at STRIPE_API_BASE (Stripe's API by default;
// tests and staging point it at a stand-in). One client per configuration and process, loaded
// on first use: the library costs a process about 20 MB, which an instance without keys never pays.

const clients = new WeakMap<StripeConfig, Stripe>();

/** Whether online giving is on: a secret key is set. */
export const stripeConfigured = (config: StripeConfig): boolean => config.secretKey !== undefined;

const library = async () => (await import('stripe')).default;

/** The Stripe client, or null when no secret key is set (online giving is off). */
export async function stripeClient(config: StripeConfig): Promise<Stripe | null> {
  if (!config.secretKey) return null;
  let client = clients.get(config);
  if (!client) {
    const base = new URL(config.apiBase);
    const StripeLibrary = await library();
    client = new StripeLibrary(config.secretKey, {
      host: base.hostname,
      port: base.port ? Number(base.port) : base.protocol === 'https:' ? 443 : 80,
      protocol: base.protocol === 'https:' ? 'https' : 'http',
      // A donor waits on this call: answer them within seconds, retrying once (with the same idempotency key).
      timeout: 8000,
      maxNetworkRetries: 1,
      telemetry: false,
      appInfo: { name: 'turnout' },
    });
    clients.set(config, client);
  }
  return client;
}

/** Verifies a webhook's `Stripe-Signature` over its exact bytes; throws Stripe's signature error when it does not hold. */
export async function verifiedEvent(config: StripeConfig, raw: Buffer, signature: string | undefined): Promise<Stripe.Event> {
  if (!config.webhookSecret) throw new Error('STRIPE_WEBHOOK_SECRET is not set');
  // The library's own verifier; it needs no key of its own to check a signature.
  const verifier = (await stripeClient(config)) ?? new (await library())('sk_test_verify_only', { telemetry: false });
  return verifier.webhooks.constructEvent(raw, signature ?? '', config.webhookSecret, 300);
}

export interface SessionInput {
  checkout: Checkout;
  title: string;
  organizationName: string;
  email: string;
  language: string;
  successUrl: string;
  cancelUrl: string;
}

/** The Checkout Session for one checkout: one-time ("payment") or monthly ("subscription"), the checkout's id in every metadata. */
export function sessionParams(s: SessionInput): Stripe.Checkout.SessionCreateParams {
  const { checkout } = s;
  const metadata = { turnout_checkout: checkout.id, turnout_page: checkout.fundraising_page_id };
  const name = `${s.organizationName}: ${s.title}`.slice(0, 250);
  const common = {
    client_reference_id: checkout.id,
    customer_email: s.email,
    locale: (s.language === 'es' ? 'es' : 'en') as Stripe.Checkout.SessionCreateParams.Locale,
    success_url: s.successUrl,
    cancel_url: s.cancelUrl,
    metadata,
  };
  if (checkout.recurring === 1) {
    return {
      ...common,
      mode: 'subscription',
      line_items: [{ quantity: 1, price_data: { currency: checkout.currency.toLowerCase(), unit_amount: checkout.amount_minor, recurring: { interval: 'month' }, product_data: { name } } }],
      subscription_data: { metadata },
    };
  }
  return {
    ...common,
    mode: 'payment',
    submit_type: 'donate',
    line_items: [{ quantity: 1, price_data: { currency: checkout.currency.toLowerCase(), unit_amount: checkout.amount_minor, product_data: { name } } }],
    payment_intent_data: { metadata },
  };
}

/** Stripe errors that mean "could not reach Stripe or Stripe could not answer": the donor may try again. */
export function isStripeUnavailable(error: unknown): boolean {
  // The library's errors say their class in `type`.
  const type = (error as { type?: unknown } | null)?.type;
  return (
    type === 'StripeConnectionError' ||
    type === 'StripeAPIError' ||
    type === 'StripeRateLimitError' ||
    (error instanceof Error && /timed? ?out|ECONNREFUSED|ECONNRESET|socket hang up/i.test(error.message))
  );
}
