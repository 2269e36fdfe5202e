import { Checkbox, AdminLayout, ClosesAtInput, Input, Radios, SlugInput, StatusRadios, TextArea, TitleInput, type AdminPage } from '../../kits/console/layout.tsx';
import { FormPage } from '../../kits/console/page.tsx';
import { NotFoundPage } from '../../kits/console/list-pages.tsx';
import { SpanishFields } from '../../kits/console/spanish-fields.tsx';
import { DataTable } from '../../kits/console/table.tsx';
import { number } from '../../kits/console/format.ts';
import { formatMoney } from '../money.ts';
import type { PageTotals } from '../repository.ts';
import type { FundraisingPage, Processor } from '../tables.ts';

// The console's fundraising pages: the list, the form to make or change one, and a missing one.
// The page of one fundraiser, with its gifts, is in detail-page.tsx.

/** What the page form holds, as typed: kept as it is when the form comes back with errors. */
export interface PageForm {
  title: string;
  slug: string;
  description: string;
  /** The Spanish versions ('' for none). */
  title_es: string;
  description_es: string;
  currency: string;
  goal: string;
  /** Suggested amounts, one per line or separated by commas. */
  amounts: string;
  minimum: string;
  maximum: string;
  allow_monthly: boolean;
  offer_fee_cover: boolean;
  processor: string;
  actblue_form: string;
  actblue_refcode: string;
  status: string;
  /** As typed: a day, or a day and a time in UTC; '' for none. */
  closes_at: string;
}

export type PageFormErrors = Partial<Record<keyof PageForm, string>>;

export const PROCESSOR_NAMES: Record<Processor | 'offline', string> = { stripe: 'Stripe', actblue: 'ActBlue', pledge: 'Pledges', offline: 'Offline' };

export const money = (minor: number, currency: string) => formatMoney(minor, currency, 'en');

const day = (iso: string) => iso.slice(0, 10);

export function FundraisersListPage(props: { page: AdminPage; pages: FundraisingPage[]; totals: Map<string, PageTotals>; canCreate: boolean; canSeeGifts: boolean; canSettings: boolean }): JSX.Element {
  const totals = (p: FundraisingPage) => props.totals.get(p.id);
  const links = [
    props.canCreate ? { href: '/admin/fundraising/new', label: 'New fundraising page' } : null,
    props.canSeeGifts ? { href: '/admin/fundraising/donations', label: 'All gifts' } : null,
    props.canSettings ? { href: '/admin/fundraising/settings', label: 'Receipts and ActBlue settings' } : null,
  ].filter((l) => l !== null);
  return (
    <AdminLayout page={props.page} title="Fundraising">
      <h1>Fundraising</h1>
      {links.length > 0 ? (
        <div class="actions">
          {links.map((l) => (
            <>
              <a href={l.href} safe>
                {l.label}
              </a>{' '}
            </>
          ))}
        </div>
      ) : (
        ''
      )}
      <DataTable
        empty="No fundraising pages yet."
        rows={props.pages}
        columns={[
          { label: 'Fundraising page', head: true, text: (p) => p.title, href: (p) => `/admin/fundraising/${p.id}` },
          { label: 'Status', text: (p) => p.status },
          { label: 'Takes gifts through', text: (p) => PROCESSOR_NAMES[p.processor] },
          { label: 'Received', num: true, text: (p) => (p.processor === 'pledge' && !totals(p)?.received_minor ? '' : money(totals(p)?.received_minor ?? 0, p.currency)) },
          { label: 'Donors', num: true, text: (p) => (p.processor === 'pledge' && !totals(p)?.donors ? '' : number(totals(p)?.donors ?? 0)) },
          { label: 'Pledged', num: true, text: (p) => (p.processor === 'pledge' || totals(p)?.pledged_minor ? money(totals(p)?.pledged_minor ?? 0, p.currency) : '') },
          { label: 'Goal', num: true, text: (p) => (p.goal_minor === null ? '' : money(p.goal_minor, p.currency)) },
          { label: 'Created (UTC)', text: (p) => day(p.created_at) },
        ]}
      />
    </AdminLayout>
  );
}


export function PageFormPage(props: {
  page: AdminPage;
  /** The page being edited; absent for a new one. */
  fundraiser?: Pick<FundraisingPage, 'id' | 'title' | 'slug'>;
  form: PageForm;
  errors: PageFormErrors;
  /** STRIPE_SECRET_KEY is set: Stripe pages can take gifts. */
  stripeReady: boolean;
}): JSX.Element {
  const { page, fundraiser, form, errors } = props;
  const action = fundraiser ? `/admin/fundraising/${fundraiser.id}/edit` : '/admin/fundraising/new';
  const heading = fundraiser ? `Edit: ${fundraiser.title}` : 'New fundraising page';
  return (
    <FormPage
      page={page}
      heading={heading}
      back={fundraiser ? { href: `/admin/fundraising/${fundraiser.id}`, label: 'Back to the fundraising page' } : { href: '/admin/fundraising', label: 'Back to fundraising' }}
      errors={errors}
      action={action}
    >
      <TitleInput value={form.title} error={errors.title} />
      <SlugInput value={form.slug} error={errors.slug} noun="page" base="/fundraising" example="legal-fund" current={fundraiser?.slug} />
      <TextArea
        name="description"
        label="Description (optional)"
        value={form.description}
        error={errors.description}
        hint="Why people should give, in Markdown: a blank line between paragraphs, **bold**, *italic*, - lists, [links](https://example.org). HTML is shown as text."
        rows={8}
      />
      <SpanishFields
        fields={[
          { name: 'title_es', label: 'Title', value: form.title_es, error: errors.title_es },
          { name: 'description_es', label: 'Description', value: form.description_es, error: errors.description_es, rows: 8 },
        ]}
      />
      <Input name="currency" label="Currency" value={form.currency} error={errors.currency} hint="A three-letter code such as USD or EUR. It cannot change once the page has gifts." />
      <Input name="goal" label="Goal (optional)" value={form.goal} error={errors.goal} inputmode="decimal" hint="An amount, like 5000 or 5000.00. Leave it empty to show no goal." />
      <TextArea
        name="amounts"
        label="Suggested amounts"
        value={form.amounts}
        error={errors.amounts}
        hint="Up to 8 amounts offered as buttons, one per line or separated by commas, like 10, 25, 50, 100."
        rows={4}
      />
      <Input name="minimum" label="Minimum gift" value={form.minimum} error={errors.minimum} inputmode="decimal" hint="The smallest amount a donor may give, like 5." />
      <Input name="maximum" label="Maximum gift" value={form.maximum} error={errors.maximum} inputmode="decimal" hint="The largest amount a donor may give at once, like 5000." />
      <Checkbox name="allow_monthly" label="Let donors give every month (Stripe pages)" checked={form.allow_monthly} />
      <Checkbox name="offer_fee_cover" label="Offer donors to add about 3% to cover card fees (Stripe pages)" checked={form.offer_fee_cover} />
      <Radios
        name="processor"
        legend="How the page takes gifts"
        value={form.processor}
        error={errors.processor}
        options={[
          ['stripe', 'Stripe: donors pay by card on Stripe’s secure page'],
          ['actblue', 'ActBlue: the page sends donors to an ActBlue form, and ActBlue’s webhook reports each gift'],
          ['pledge', 'Pledges: donors promise an amount; no money is taken or counted'],
        ]}
      />
      {props.stripeReady ? (
        ''
      ) : (
        <p class="hint" id="stripe-note">
          Stripe is not set up on this server (STRIPE_SECRET_KEY is not set): a Stripe page shows supporters “Online giving is not set up yet” instead of its form.
        </p>
      )}
      <Input
        name="actblue_form"
        label="ActBlue form name (ActBlue pages)"
        value={form.actblue_form}
        error={errors.actblue_form}
        hint="The end of the form's address on ActBlue: NAME in secure.actblue.com/donate/NAME."
      />
      <Input
        name="actblue_refcode"
        label="ActBlue refcode (optional)"
        value={form.actblue_refcode}
        error={errors.actblue_refcode}
        hint="Marks this page's gifts when several pages share one ActBlue form."
      />
      <StatusRadios value={form.status} error={errors.status} open="the page takes gifts" closed="the page shows its totals, without the form" />
      <ClosesAtInput value={form.closes_at} error={errors.closes_at} then="The page then says it is closed and takes no new gifts; a payment already under way still counts." />
      <button type="submit">Save fundraising page</button>
    </FormPage>
  );
}

export function FundraiserNotFoundPage(props: { page: AdminPage }): JSX.Element {
  return NotFoundPage({
    page: props.page,
    title: 'Fundraising page not found',
    body: 'There is no such fundraising page in this organization.',
    back: { href: '/admin/fundraising', label: 'Go to the list of fundraising pages' },
  });
}
