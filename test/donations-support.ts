// A stand-in for Stripe's API, for tests only: the product talks to Stripe through the `stripe`
// package, pointed here by STRIPE_API_BASE. It answers the calls turnout makes (Checkout
// Sessions, cancelling a subscription) in Stripe's shapes, honours idempotency keys as Stripe
// does, serves a checkout page for browser tests, and can fail on demand.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

export const WEBHOOK_SECRET = 'whsec_test_turnout_standin';
export const SECRET_KEY = 'sk_test_turnout_standin';

export interface StandinSession {
  id: string;
  mode: 'payment' | 'subscription';
  amount: number;
  currency: string;
  clientReferenceId: string;
  email: string;
  successUrl: string;
  cancelUrl: string;
  locale: string;
  metadata: Record<string, string>;
  params: URLSearchParams;
}

export class StripeStandin {
  readonly sessions: StandinSession[] = [];
  readonly canceled: string[] = [];
  /** 'ok'; 'error': answers 500 api_error; 'hang': never answers (the client times out). */
  mode: 'ok' | 'error' = 'ok';
  private readonly idempotent = new Map<string, string>();
  private server!: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', this.url);
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(6).toString('hex')}` });
        res.end(JSON.stringify(value));
      };
      if (url.pathname.startsWith('/pay/')) {
        const session = this.sessions.find((s) => s.id === url.pathname.slice(5));
        res.writeHead(session ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><title>Stand-in checkout</title><h1>Stand-in checkout</h1><p id="amount">${session?.amount ?? ''} ${session?.currency ?? ''}</p><p id="mode">${session?.mode ?? ''}</p>`);
        return;
      }
      if (req.headers.authorization !== `Bearer ${SECRET_KEY}`) return json(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      if (this.mode === 'error') return json(500, { error: { type: 'api_error', message: 'Stand-in is failing on purpose' } });
      const key = req.headers['idempotency-key'];
      if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
        const params = new URLSearchParams(body);
        const existing = typeof key === 'string' ? this.idempotent.get(key) : undefined;
        const session = existing ? this.sessions.find((s) => s.id === existing)! : this.newSession(params);
        if (typeof key === 'string') this.idempotent.set(key, session.id);
        return json(200, this.sessionJson(session));
      }
      const sub = /^\/v1\/subscriptions\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'DELETE' && sub) {
        if (!this.canceled.includes(sub[1]!)) this.canceled.push(sub[1]!);
        return json(200, { id: sub[1], object: 'subscription', status: 'canceled' });
      }
      return json(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${url.pathname})` } });
    });
  }

  private newSession(params: URLSearchParams): StandinSession {
    const metadata: Record<string, string> = {};
    for (const [k, v] of params) {
      const m = /^metadata\[(.+)\]$/.exec(k);
      if (m) metadata[m[1]!] = v;
    }
    const session: StandinSession = {
      id: `cs_test_${randomBytes(12).toString('hex')}`,
      mode: params.get('mode') === 'subscription' ? 'subscription' : 'payment',
      amount: Number(params.get('line_items[0][price_data][unit_amount]')),
      currency: params.get('line_items[0][price_data][currency]') ?? '',
      clientReferenceId: params.get('client_reference_id') ?? '',
      email: params.get('customer_email') ?? '',
      successUrl: params.get('success_url') ?? '',
      cancelUrl: params.get('cancel_url') ?? '',
      locale: params.get('locale') ?? '',
      metadata,
      params,
    };
    this.sessions.push(session);
    return session;
  }

  private sessionJson(s: StandinSession) {
    return {
      id: s.id,
      object: 'checkout.session',
      mode: s.mode,
      status: 'open',
      payment_status: 'unpaid',
      amount_total: s.amount,
      currency: s.currency,
      client_reference_id: s.clientReferenceId,
      customer_email: s.email,
      metadata: s.metadata,
      success_url: s.successUrl,
      cancel_url: s.cancelUrl,
      url: `${this.url}/pay/${s.id}`,
    };
  }
}

const signer = new Stripe(SECRET_KEY, { telemetry: false });
let eventCounter = 0;

/** A Stripe event as Stripe posts it to a webhook endpoint. */
export function stripeEvent(type: string, object: Record<string, unknown>, id = `evt_test_${++eventCounter}_${randomBytes(4).toString('hex')}`) {
  return { id, object: 'event', api_version: '2026-10-28.endive', created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1, type, data: { object } };
}

/** The body and headers of a webhook delivery, signed with the `stripe` library's own test helper. */
export function signed(event: unknown, opts: { secret?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify(event);
  const header = signer.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? WEBHOOK_SECRET, timestamp: opts.timestamp });
  return { payload, headers: { 'content-type': 'application/json', 'stripe-signature': header } };
}

/** checkout.session.completed for a stand-in session, paid. */
export function sessionCompleted(s: StandinSession, extra: { paymentIntent?: string; subscription?: string } = {}) {
  return stripeEvent('checkout.session.completed', {
    id: s.id,
    object: 'checkout.session',
    mode: s.mode,
    status: 'complete',
    payment_status: 'paid',
    amount_total: s.amount,
    currency: s.currency,
    client_reference_id: s.clientReferenceId,
    metadata: s.metadata,
    payment_intent: s.mode === 'payment' ? (extra.paymentIntent ?? `pi_test_${randomBytes(6).toString('hex')}`) : null,
    subscription: s.mode === 'subscription' ? (extra.subscription ?? `sub_test_${randomBytes(6).toString('hex')}`) : null,
  });
}

export function invoicePaid(subscription: string, metadata: Record<string, string>, amount: number, opts: { invoice?: string; paymentIntent?: string } = {}) {
  return stripeEvent('invoice.paid', {
    id: opts.invoice ?? `in_test_${randomBytes(6).toString('hex')}`,
    object: 'invoice',
    amount_paid: amount,
    currency: 'usd',
    status: 'paid',
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription, metadata } },
    payments: { object: 'list', data: [{ object: 'invoice_payment', payment: { type: 'payment_intent', payment_intent: opts.paymentIntent ?? `pi_test_${randomBytes(6).toString('hex')}` } }] },
  });
}

export function invoiceFailed(subscription: string) {
  return stripeEvent('invoice.payment_failed', {
    id: `in_test_${randomBytes(6).toString('hex')}`,
    object: 'invoice',
    amount_paid: 0,
    currency: 'usd',
    status: 'open',
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription, metadata: {} } },
  });
}

export function chargeRefunded(paymentIntent: string, amount: number, refunded: number) {
  return stripeEvent('charge.refunded', { id: `ch_test_${randomBytes(6).toString('hex')}`, object: 'charge', amount, amount_refunded: refunded, payment_intent: paymentIntent, refunded: refunded >= amount });
}

export function dispute(type: 'charge.dispute.created' | 'charge.dispute.closed', paymentIntent: string, status: string) {
  return stripeEvent(type, { id: `dp_test_${randomBytes(6).toString('hex')}`, object: 'dispute', payment_intent: paymentIntent, status, amount: 0 });
}

export function subscriptionDeleted(subscription: string) {
  return stripeEvent('customer.subscription.deleted', { id: subscription, object: 'subscription', status: 'canceled' });
}

/** An ActBlue contribution webhook body, in the shape ActBlue documents. */
export function actBlueContribution(o: { email: string; lineitems: { id: number; amount: string; refundedAt?: string }[]; form?: string; refcode?: string; orderNumber?: string; recurringPeriod?: string; cancelledAt?: string }) {
  return {
    donor: { firstname: 'Ana', lastname: 'Lopez', addr1: '1 Main St', city: 'Oakland', state: 'CA', zip: '94612', country: 'United States', email: o.email, phone: '5105550100', isEligibleForExpressLane: false, employerData: { employer: 'None', occupation: 'Teacher' } },
    contribution: {
      createdAt: '2026-11-30T18:00:00-05:00',
      orderNumber: o.orderNumber ?? `AB${randomBytes(4).toString('hex')}`,
      contributionForm: o.form ?? 'turnout-test',
      refcodes: o.refcode ? { refcode: o.refcode } : {},
      recurringPeriod: o.recurringPeriod ?? 'once',
      recurringDuration: o.recurringPeriod && o.recurringPeriod !== 'once' ? 0 : 1,
      isRecurring: !!o.recurringPeriod && o.recurringPeriod !== 'once',
      isPaypal: false,
      isMobile: false,
      isExpress: false,
      withExpressLane: false,
      expressSignup: false,
      status: 'approved',
      ...(o.cancelledAt ? { cancelledAt: o.cancelledAt } : {}),
    },
    lineitems: o.lineitems.map((l, i) => ({
      sequence: i,
      entityId: 12345,
      fecId: null,
      committeeName: 'Test Committee',
      amount: l.amount,
      recurringAmount: null,
      paidAt: '2026-11-30T18:00:01-05:00',
      paymentId: 1000 + l.id,
      lineitemId: l.id,
      ...(l.refundedAt ? { refundedAt: l.refundedAt, refundId: 9000 + l.id } : {}),
    })),
    form: { name: o.form ?? 'turnout-test', kind: 'page', managingEntityName: 'Test Committee', managingEntityCommitteeName: 'Test Committee' },
  };
}
