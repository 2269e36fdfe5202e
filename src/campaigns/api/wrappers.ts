import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.ts';
import * as repo from '../repository.ts';
import { mailingSettingsOf } from '../../mailings/index.ts';
import { translator } from '../../i18n/index.ts';
import { htmlEmail } from '../../kits/mail/layout.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';
import type { Condition } from '../../kits/api/filter.ts';
import { COMMON_FILTERS, listMatching } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { document } from '../../kits/api/presenters.ts';

// Wrappers, read-only as at Action Network: the HTML around a mass email. turnout has one email
// layout (src/kits/mail/layout.ts) in each organization's name and colour, with its postal
// address and the unsubscribe link in the footer: one wrapper per organization, under the
// organization's id. Queries: Action Network's saved searches; turnout saves none (a mailing's
// audience is kept with the mailing), so the collection is empty, in its full shape.

// Where a mailing's body goes; the layout is split there into header and footer.
const BODY = '\u0000body\u0000';
/** Stands for each recipient's own one-click unsubscribe link in the footer. */
export const UNSUBSCRIBE_PLACEHOLDER = '{{unsubscribe_url}}';

type Wrapped = { id: string; name: string; accent_color: string | null; created_at: string; postal_address: string; modified_at: string | null };

export function presentWrapper(baseUrl: string, w: Wrapped) {
  const t = translator('en');
  const html = htmlEmail(
    {
      organization: w.name,
      accent: w.accent_color,
      lang: 'en',
      footer: [t('mailing.footer.why', { org: w.name }), w.postal_address].filter(Boolean),
      footerLink: { label: t('mailing.footer.unsubscribe'), href: UNSUBSCRIBE_PLACEHOLDER },
    },
    BODY,
  );
  const at = html.indexOf(BODY);
  return {
    identifiers: identifiers(w.id),
    origin_system: 'turnout',
    created_date: w.created_at,
    modified_date: w.modified_at ?? w.created_at,
    name: `${w.name} email layout`,
    header: html.slice(0, at),
    footer: html.slice(at + BODY.length),
    wrapper_type: 'email',
    default: true,
    _links: { self: link(apiUrl(baseUrl, `/wrappers/${w.id}`)) },
  };
}

export function wrapperApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    const wrapperOf = async (organizationId: string): Promise<Wrapped | undefined> => {
      const [org, settings] = await Promise.all([repo.findOrganization(db, organizationId), mailingSettingsOf(db, organizationId)]);
      return org && { ...org, postal_address: settings?.postal_address ?? '', modified_at: settings?.modified_at ?? null };
    };

    app.get('/wrappers', async (request) => {
      const org = organizationOf(request);
      return listMatching({
        query: request.query,
        baseUrl,
        path: '/wrappers',
        rel: 'osdi:wrappers',
        filters: COMMON_FILTERS,
        // One wrapper: the filter is checked (a bad one is a 400) and applied to it here.
        list: async (where, window) => {
          const w = await wrapperOf(org.id);
          return w && window.offset === 0 && matches(presentWrapper(baseUrl, w), w.id, where) ? [w] : [];
        },
        count: async (where) => {
          const w = await wrapperOf(org.id);
          return w && matches(presentWrapper(baseUrl, w), w.id, where) ? 1 : 0;
        },
        present: (w) => presentWrapper(baseUrl, w),
      });
    });

    app.get<{ Params: { id: string } }>('/wrappers/:id', async (request) => {
      const org = organizationOf(request);
      const w = await loadByIdentifier('wrapper', request.params.id, async (id) => (id === org.id ? wrapperOf(org.id) : undefined));
      return document(baseUrl, presentWrapper(baseUrl, w));
    });

    app.get('/queries', async (request) =>
      listMatching({
        query: request.query,
        baseUrl,
        path: '/queries',
        rel: 'osdi:queries',
        filters: COMMON_FILTERS,
        list: async () => [] as { _links: { self: { href: string } } }[],
        count: async () => 0,
        present: (q) => q,
      }),
    );

    app.get<{ Params: { id: string } }>('/queries/:id', async (request) => loadByIdentifier('query', request.params.id, async () => undefined));
  };
}

/** Whether the one wrapper passes a filter's condition (its id, created and modified dates). */
function matches(w: { created_date: string; modified_date: string }, id: string, where: Condition<'id' | 'created_at' | 'modified_at'>): boolean {
  if ('all' in where) return where.all.every((c) => matches(w, id, c));
  if ('any' in where) return where.any.some((c) => matches(w, id, c));
  const v = { id, created_at: w.created_date, modified_at: w.modified_date }[where.column];
  return where.op === '=' ? v === where.value : where.op === '<' ? v < where.value : where.op === '>' ? v > where.value : v >= where.value;
}
