import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { can } from '../../accounts/policy.ts';
import { audit } from '../../accounts/service.ts';
import { translator } from '../../i18n/index.ts';
import { nowIso } from '../../util/ids.ts';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import * as repo from '../repository.ts';
import * as giftRepo from '../gifts-repository.ts';
import { createPage, CurrencyLockedError, SlugTakenError, updatePage } from '../service.ts';
import { checkPage, pageInputOf, type PageFieldErrors, type PageFields } from '../fields.ts';
import { closesAtInput } from '../../actions/closing-time.ts';
import { fundraisingCache } from '../public-cache.ts';
import type { FundraisingPage } from '../tables.ts';
import { FundraiserNotFoundPage, FundraisersListPage, PageFormPage, type PageForm, type PageFormErrors } from './pages.tsx';
import { FundraiserDetailPage } from './detail-page.tsx';
import { AllGiftsPage, SOURCES, STATUSES, type GiftList, type GiftQuery } from './gifts-table.tsx';
import { spoolGiftsCsv } from './export.ts';
import { donationSettingsRoutes } from './settings.tsx';

type Body = Record<string, unknown>;
type IdParams = { Params: { id: string } };
type Query = { Querystring: Record<string, unknown> };

export const GIFTS_PER_PAGE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// The description and its Spanish version may be 20,000 characters each, up to 12 bytes each form-encoded.
const FORM_BODY_LIMIT = 1024 * 1024;

const NOTICES: Record<string, string> = {
  created: 'Fundraising page created. It is on its public page now.',
  saved: 'Changes saved.',
  unchanged: 'Nothing was changed.',
};

const en = translator('en');

function text(body: Body | undefined, name: string): string {
  const value = body?.[name];
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
}

/** The page form as the organizer typed it. */
export function readPageForm(body: Body | undefined): PageForm {
  return {
    title: text(body, 'title'),
    slug: text(body, 'slug').toLowerCase(),
    description: text(body, 'description'),
    title_es: text(body, 'title_es'),
    description_es: text(body, 'description_es'),
    currency: text(body, 'currency').toUpperCase(),
    goal: text(body, 'goal'),
    amounts: text(body, 'amounts'),
    minimum: text(body, 'minimum'),
    maximum: text(body, 'maximum'),
    allow_monthly: body?.allow_monthly === 'yes',
    offer_fee_cover: body?.offer_fee_cover === 'yes',
    processor: text(body, 'processor'),
    actblue_form: text(body, 'actblue_form'),
    actblue_refcode: text(body, 'actblue_refcode'),
    status: text(body, 'status'),
    closes_at: text(body, 'closes_at'),
  };
}

const BLANK_FORM: PageForm = { ...readPageForm({}), currency: 'USD', amounts: '10\n25\n50\n100', minimum: '1', maximum: '10000', processor: 'stripe', status: 'open' };

// "10.00" is shown as 10; cents stay.
const plain = (amount: string) => amount.replace(/\.0+$/, '');

export function pageFormOf(p: FundraisingPage): PageForm {
  const i = pageInputOf(p);
  return {
    title: i.title,
    slug: p.slug,
    description: i.description,
    title_es: i.titleEs ?? '',
    description_es: i.descriptionEs ?? '',
    currency: i.currency,
    goal: plain(i.goal),
    amounts: i.amounts.map(plain).join('\n'),
    minimum: plain(i.minimum),
    maximum: plain(i.maximum),
    allow_monthly: i.allowMonthly,
    offer_fee_cover: i.offerFeeCover,
    processor: i.processor,
    actblue_form: i.actblueForm,
    actblue_refcode: i.actblueRefcode,
    status: i.status,
    closes_at: closesAtInput(p.closes_at),
  };
}

/**
 * Suggested amounts, one per line or separated by commas: a comma followed by a space always
 * separates; one followed by exactly three digits groups thousands ("1,000").
 */
export const splitAmounts = (typed: string) => typed.split(/\n|,\s+|,(?!\d{3}(?!\d))/).map((a) => a.trim());

/** checkPage's messages in English, beside the form's fields (its names are the form's), in the order of the page. */
function formErrors(errors: PageFieldErrors): PageFormErrors {
  const out: PageFormErrors = {};
  for (const [field, error] of Object.entries(errors)) {
    if (error && field !== 'origin_system') out[field as keyof PageForm] = en(error.key, error.values);
  }
  const order = Object.keys(BLANK_FORM) as (keyof PageForm)[];
  return Object.fromEntries(order.filter((f) => out[f]).map((f) => [f, out[f]])) as PageFormErrors;
}

/** What the form would change on the page: the columns that differ. */
function changesOf(page: FundraisingPage, f: PageFields) {
  const wanted = {
    title: f.title,
    slug: f.slug ?? page.slug,
    description: f.description,
    title_es: f.title_es === undefined ? page.title_es : f.title_es,
    description_es: f.description_es === undefined ? page.description_es : f.description_es,
    currency: f.currency,
    goal_minor: f.goal_minor,
    amounts: JSON.stringify(f.amounts),
    min_minor: f.min_minor,
    max_minor: f.max_minor,
    allow_monthly: f.allow_monthly ? 1 : 0,
    offer_fee_cover: f.offer_fee_cover ? 1 : 0,
    processor: f.processor,
    actblue_form: f.actblue_form,
    actblue_refcode: f.actblue_refcode,
    status: f.status,
    closes_at: f.closes_at ?? null,
  };
  const changed = (Object.keys(wanted) as (keyof typeof wanted)[]).filter((k) => wanted[k] !== page[k]);
  // Short values go into the audit log as they were and became; the descriptions only by name.
  const from: Record<string, unknown> = {};
  const to: Record<string, unknown> = {};
  for (const k of changed) {
    if (k === 'description' || k === 'description_es') continue;
    from[k] = page[k];
    to[k] = wanted[k];
  }
  return { changed, details: { changed, from, to } };
}

/** The gift filters of a console address; anything unknown is no filter. */
export function readGiftQuery(query: Record<string, unknown>): { query: GiftQuery; filter: giftRepo.GiftFilter } {
  const str = (name: string, max: number) => (typeof query[name] === 'string' ? (query[name] as string).trim().slice(0, max) : '');
  const status = STATUSES.find((s) => s === query.status);
  const processor = SOURCES.find((s) => s === query.processor);
  const recurrence = query.recurrence === 'recurring' || query.recurrence === 'one-time' ? query.recurrence : '';
  const fundraiser = typeof query.fundraiser === 'string' && UUID.test(query.fundraiser) ? query.fundraiser.toLowerCase() : '';
  const q = str('q', 200);
  const source = str('source', 100);
  return {
    query: { q, status: status ?? '', processor: processor ?? '', source, recurrence, fundraiser },
    filter: {
      search: q || undefined,
      status,
      processor,
      source: source || undefined,
      recurring: recurrence ? recurrence === 'recurring' : undefined,
      pageId: fundraiser || undefined,
    },
  };
}

/** The console's fundraising: pages (list, create, edit, detail), every gift, exports and settings. */
export function donationsConsoleRoutes(ctx: Context) {
  const db = ctx.database.db;
  const cache = fundraisingCache(ctx);
  const stripeReady = Boolean(ctx.config.stripe.secretKey);

  /** The organization's page for a URL id; another organization's is missing, like a wrong id. */
  const find = (request: FastifyRequest<IdParams>) =>
    UUID.test(request.params.id) ? repo.findPage(db, request.organizer!.organization!.id, request.params.id.toLowerCase()) : Promise.resolve(undefined);
  const notFound = (request: FastifyRequest, reply: FastifyReply) => sendAdmin(reply, <FundraiserNotFoundPage page={adminPage(request, reply)} />, 404);
  const showForm = (request: FastifyRequest, reply: FastifyReply, form: PageForm, errors: PageFormErrors, fundraiser?: FundraisingPage) =>
    sendAdmin(reply, <PageFormPage page={adminPage(request, reply)} fundraiser={fundraiser} form={form} errors={errors} stripeReady={stripeReady} />, Object.keys(errors).length > 0 ? 422 : 200);
  const record = (request: FastifyRequest, action: string, subject: string | null, details: Record<string, unknown>) =>
    audit(db, { organizationId: request.organizer!.organization!.id, userId: request.organizer!.session.user_id, action, subject, details });

  /** The form's checks (checkPage, the API's too), a free web address, a currency kept once there are gifts; nothing is written. */
  const check = async (form: PageForm, current?: FundraisingPage): Promise<{ errors: PageFormErrors; fields?: PageFields }> => {
    const input = {
      title: form.title,
      slug: form.slug,
      description: form.description,
      titleEs: form.title_es,
      descriptionEs: form.description_es,
      currency: form.currency,
      goal: form.goal,
      amounts: splitAmounts(form.amounts),
      minimum: form.minimum,
      maximum: form.maximum,
      allowMonthly: form.allow_monthly,
      offerFeeCover: form.offer_fee_cover,
      processor: form.processor,
      actblueForm: form.actblue_form,
      actblueRefcode: form.actblue_refcode,
      status: form.status,
      closesAt: form.closes_at,
    };
    const { errors, fields } = checkPage(input, { current });
    const out = formErrors(errors);
    if (fields?.slug && fields.slug !== current?.slug && (await repo.slugTaken(db, fields.slug))) out.slug = en('donationedit.error.slug_taken');
    if (fields && current && fields.currency !== current.currency && (await giftRepo.giftSums(db, current.organization_id, { pageId: current.id })).count > 0) {
      out.currency = `The page has gifts in ${current.currency}: its currency cannot change. Make a new page for gifts in ${fields.currency}.`;
    }
    return Object.keys(out).length > 0 ? { errors: out } : { errors: out, fields };
  };

  /** One page of the gifts matching the address's filters, with their count and sums. */
  const giftList = async (organizationId: string, query: Record<string, unknown>, pageId?: string): Promise<GiftList> => {
    const read = readGiftQuery(query);
    const filter = pageId ? { ...read.filter, pageId } : read.filter;
    const sums = await giftRepo.giftSums(db, organizationId, filter);
    const pages = Math.max(1, Math.ceil(sums.count / GIFTS_PER_PAGE));
    const wanted = typeof query.page === 'string' && /^\d{1,6}$/.test(query.page) ? Number(query.page) : 1;
    const page = Math.min(Math.max(wanted, 1), pages);
    const rows = await giftRepo.searchGifts(db, organizationId, filter, { limit: GIFTS_PER_PAGE, offset: (page - 1) * GIFTS_PER_PAGE });
    return {
      rows: rows.map((r) => ({ ...r, amount_minor: Number(r.amount_minor), fee_cover_minor: Number(r.fee_cover_minor), refunded_minor: Number(r.refunded_minor) })),
      query: pageId ? { ...read.query, fundraiser: '' } : read.query,
      filter,
      page,
      pages,
      count: sums.count,
      sums: sums.byCurrency,
    };
  };

  const sendCsv = async (request: FastifyRequest, reply: FastifyReply, filter: giftRepo.GiftFilter, name: string, page?: FundraisingPage) => {
    const org = request.organizer!.organization!;
    const { count } = await giftRepo.giftSums(db, org.id, filter);
    const { pageId: _pageId, ...filters } = filter;
    await record(request, 'donations.exported', page?.id ?? null, { fundraising_page: page?.slug ?? null, filters, donations: count });
    const csv = await spoolGiftsCsv(ctx, org.id, filter);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name.replace(/[^a-z0-9-]/g, '')}.csv"`)
      .header('cache-control', 'no-store')
      .send(csv);
  };

  return async function (app: FastifyInstance) {
    app.get('/fundraising', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const [pages, totals] = await Promise.all([repo.listPages(db, org.id), repo.totalsByPage(db, org.id)]);
      return sendAdmin(
        reply,
        <FundraisersListPage
          page={adminPage(request, reply)}
          pages={pages}
          totals={totals}
          canCreate={can(org.role, 'manage_actions')}
          canSeeGifts={can(org.role, 'see_people')}
          canSettings={can(org.role, 'manage_settings')}
        />,
      );
    });

    app.get('/fundraising/new', { config: { permission: 'manage_actions' } }, async (request, reply) => showForm(request, reply, BLANK_FORM, {}));

    app.post<{ Body: Body }>('/fundraising/new', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const form = readPageForm(request.body);
      const { errors, fields } = await check(form);
      if (!fields) return showForm(request, reply, form, errors);
      const page = await createPage(db, org.id, fields, nowIso());
      await record(request, 'fundraising_page.created', page.id, { title: page.title, slug: page.slug, processor: page.processor, status: page.status });
      // A visit before it existed may have cached the slug as missing.
      cache.forget(page.slug);
      return reply.redirect(`/admin/fundraising/${page.id}?notice=created`, 303);
    });

    app.get<Query>('/fundraising/donations', { config: { permission: 'see_people' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const [list, pages] = await Promise.all([giftList(org.id, request.query), repo.listPages(db, org.id)]);
      return sendAdmin(reply, <AllGiftsPage page={adminPage(request, reply)} list={list} fundraisers={pages} canExport={can(org.role, 'export_data')} />);
    });

    app.get<Query>('/fundraising/donations.csv', { config: { permission: 'export_data' } }, async (request, reply) =>
      sendCsv(request, reply, readGiftQuery(request.query).filter, 'gifts'),
    );

    app.get<IdParams & Query>('/fundraising/:id', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const page = await find(request);
      if (!page) return notFound(request, reply);
      const org = request.organizer!.organization!;
      const seePeople = can(org.role, 'see_people');
      const [totals, refunds, bySource, byDay, counts, recurring, gifts] = await Promise.all([
        repo.pageTotals(db, page.id),
        giftRepo.pageRefunds(db, org.id, page.id),
        giftRepo.pageTotalsBySource(db, org.id, page.id),
        giftRepo.pageTotalsByDay(db, org.id, page.id, 60),
        giftRepo.recurringCountsOfPage(db, org.id, page.id),
        seePeople ? giftRepo.recurringOfPage(db, org.id, page.id, 200) : undefined,
        seePeople ? giftList(org.id, request.query, page.id) : undefined,
      ]);
      const summary = <R extends { gifts: unknown; received_minor: unknown; refunded_minor: unknown; pledged_minor: unknown }>(r: R) => ({
        ...r,
        gifts: Number(r.gifts),
        received_minor: Number(r.received_minor),
        refunded_minor: Number(r.refunded_minor),
        pledged_minor: Number(r.pledged_minor),
      });
      const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
      return sendAdmin(
        reply,
        <FundraiserDetailPage
          page={adminPage(request, reply, notice)}
          fundraiser={page}
          totals={totals}
          refunds={refunds}
          bySource={bySource.map(summary)}
          byDay={byDay.map(summary)}
          recurring={{
            counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])),
            rows: recurring?.map((r) => ({ ...r, amount_minor: Number(r.amount_minor), failed_payments: Number(r.failed_payments) })),
          }}
          can={{ manage: can(org.role, 'manage_actions'), export: can(org.role, 'export_data'), seePeople }}
          stripeReady={stripeReady}
          gifts={gifts}
        />,
      );
    });

    app.get<IdParams>('/fundraising/:id/edit', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const page = await find(request);
      if (!page) return notFound(request, reply);
      return showForm(request, reply, pageFormOf(page), {}, page);
    });

    app.post<IdParams & { Body: Body }>('/fundraising/:id/edit', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const page = await find(request);
      if (!page) return notFound(request, reply);
      const form = readPageForm(request.body);
      const { errors, fields } = await check(form, page);
      if (!fields) return showForm(request, reply, form, errors, page);
      const { changed, details } = changesOf(page, fields);
      if (changed.length === 0) return reply.redirect(`/admin/fundraising/${page.id}?notice=unchanged`, 303);
      let saved;
      try {
        saved = await updatePage(db, page, fields, nowIso());
      } catch (error) {
        if (error instanceof SlugTakenError) return showForm(request, reply, form, { slug: en('donationedit.error.slug_taken') }, page);
        if (error instanceof CurrencyLockedError) return showForm(request, reply, form, { currency: `The page has gifts in ${page.currency}: its currency cannot change.` }, page);
        throw error;
      }
      await record(request, 'fundraising_page.changed', page.id, details);
      cache.forget(page.slug);
      cache.forget(saved.slug);
      return reply.redirect(`/admin/fundraising/${page.id}?notice=saved`, 303);
    });

    app.get<IdParams & Query>('/fundraising/:id/donations.csv', { config: { permission: 'export_data' } }, async (request, reply) => {
      const page = await find(request);
      if (!page) return notFound(request, reply);
      return sendCsv(request, reply, { ...readGiftQuery(request.query).filter, pageId: page.id }, `${page.slug}-gifts`, page);
    });

    await app.register(donationSettingsRoutes(ctx));
  };
}
