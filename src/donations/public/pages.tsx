import { Layout, NoticePage, type Brand, type PageContext } from '../../kits/pages/layout.tsx';
import '../messages.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';
import { describedBy, ErrorSummary, errorText } from '../../kits/pages/form-parts.tsx';
import { ConsentBoxes, formAction, PERSON_FIELDS, PersonFields, type PersonValues } from '../../kits/pages/person-fields.tsx';
import { CountryField } from '../../kits/pages/country-field.tsx';
import { ChallengeField } from '../../kits/pages/challenge-field.tsx';
import { formatNumber } from '../../i18n/index.ts';
import { formatMoney, decimalString } from '../money.ts';
import type { PageTotals } from '../repository.ts';
import type { Processor } from '../tables.ts';
import { closingDate, ProgressMeter } from '../../kits/pages/progress.tsx';
import { shareLinks, ShareList } from '../../kits/pages/share-links.tsx';
import { isPageClosed } from '../service.ts';
import { shareImagePath, visibleCount, type ShareCard } from '../../kits/pages/share-image.ts';
import { actionShareMeta, type ShareMeta } from '../../kits/pages/share-meta.ts';
import { inLanguage, type InLanguage } from '../../kits/pages/localized.ts';

export interface PublicPage {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  description: string;
  /** The Spanish versions (null: the English text is shown on Spanish pages too). */
  title_es?: string | null;
  description_es?: string | null;
  currency: string;
  goal_minor: number | null;
  amounts: number[];
  min_minor: number;
  max_minor: number;
  allow_monthly: boolean;
  offer_fee_cover: boolean;
  processor: Processor;
  actblue_form: string | null;
  actblue_refcode: string | null;
  status: 'open' | 'closed';
  /** When the page closes by itself (ISO, UTC), or null. */
  closes_at: string | null;
  organization_name: string;
  /** The sponsor as the header shows it, and its accent colour for the share picture. */
  brand?: Brand & { accent?: string | null };
  partners: { id: string; name: string }[];
  totals: PageTotals;
}

const TEXTS = ['title', 'description'] as const;

/** The page in the reader's language: its texts in their version, `langs` naming those shown in the other one. */
export function fundraisingInLanguage<P extends PublicPage>(page: PageContext, p: P): InLanguage<P, (typeof TEXTS)[number]> {
  return inLanguage(page.lang, p, TEXTS);
}

/** What the page's share picture shows: the amount raised (or pledged) in visible steps, and the title in the reader's version. */
export function fundraisingShareCard(page: PageContext, stored: PublicPage): ShareCard {
  const { t, lang } = page;
  const p = fundraisingInLanguage(page, stored);
  const closed = isPageClosed(p);
  const base = { title: p.title, organization: p.brand?.name || p.organization_name, note: closed ? t('donation.closed') : null, accent: p.brand?.accent ?? null };
  if (p.processor === 'pledge') {
    return { ...base, headline: t('donation.pledged', { amount: formatMoney(visibleCount(p.totals.pledged_minor), p.currency, lang), count: visibleCount(p.totals.pledgers) }) };
  }
  const raised = visibleCount(p.totals.received_minor);
  return {
    ...base,
    headline: p.goal_minor ? t('donation.raised_of', { raised: formatMoney(raised, p.currency, lang), goal: formatMoney(p.goal_minor, p.currency, lang) }) : t('donation.raised', { raised: formatMoney(raised, p.currency, lang) }),
    progress: p.goal_minor && !closed ? raised / p.goal_minor : null,
  };
}

function fundraisingShare(page: PageContext, stored: PublicPage): ShareMeta {
  const p = fundraisingInLanguage(page, stored);
  const path = `/fundraising/${p.slug}`;
  const card = fundraisingShareCard(page, p);
  return actionShareMeta({ path, title: p.title, markdown: p.description, image: shareImagePath(path, page.lang, card), card });
}

export interface GiveFormValues extends PersonValues {
  country?: string;
  /** A suggested amount in minor units, as text, or 'other'. */
  amount?: string;
  other_amount?: string;
  frequency?: 'once' | 'monthly';
  cover_fees?: boolean;
  opt_in?: boolean;
  share?: string[];
  source?: string;
  form_id: string;
}

/** The form's fields in the order of its error summary. */
const ORDER: readonly string[] = ['amount', 'other_amount', ...PERSON_FIELDS, 'country'];

function Progress(props: { page: PageContext; p: PublicPage }): JSX.Element {
  const { page, p } = props;
  const { t, lang } = page;
  if (p.processor === 'pledge') {
    return (
      <>
        <p class="count" id="count" safe>
          {t('donation.pledged', { amount: formatMoney(p.totals.pledged_minor, p.currency, lang), count: p.totals.pledgers })}
        </p>
        <p class="notice" safe>
          {t('donation.pledge_notice')}
        </p>
      </>
    );
  }
  const raised = formatMoney(p.totals.received_minor, p.currency, lang);
  const closed = isPageClosed(p);
  const note = !closed && p.closes_at ? t('donation.closes_on', { date: closingDate(lang, p.closes_at) }) : null;
  return (
    <>
      {p.goal_minor && !closed ? (
        <ProgressMeter id="count" value={p.totals.received_minor} max={p.goal_minor} text={t('donation.raised_of', { raised, goal: formatMoney(p.goal_minor, p.currency, lang) })} note={note} />
      ) : (
        <>
          <p class="count" id="count" safe>
            {p.goal_minor ? t('donation.raised_of', { raised, goal: formatMoney(p.goal_minor, p.currency, lang) }) : t('donation.raised', { raised })}
          </p>
          {note ? <p class="hint" safe>{note}</p> : ''}
        </>
      )}
      <p safe>{t('donation.donors', { count: p.totals.donors, n: formatNumber(lang, p.totals.donors) })}</p>
    </>
  );
}

/** ActBlue's form for this page, with the amount and the page's refcode. */
export function actBlueUrl(p: Pick<PublicPage, 'actblue_form' | 'actblue_refcode' | 'currency'>, amountMinor?: number, source?: string | null): string {
  const url = new URL(`https://secure.actblue.com/donate/${encodeURIComponent(p.actblue_form ?? '')}`);
  if (amountMinor) url.searchParams.set('amount', decimalString(amountMinor, p.currency));
  if (p.actblue_refcode) url.searchParams.set('refcode', p.actblue_refcode);
  if (source) url.searchParams.set('refcode2', source);
  return url.toString();
}

function ActBlueLinks(props: { page: PageContext; p: PublicPage; source?: string }): JSX.Element {
  const { page, p } = props;
  return (
    <section aria-labelledby="give-heading">
      <h2 id="give-heading" safe>
        {page.t('donation.give_heading')}
      </h2>
      <p safe>{page.t('donation.actblue_intro', { org: p.organization_name })}</p>
      <ul class="amounts">
        {p.amounts.map((a) => (
          <li>
            <a href={actBlueUrl(p, a, props.source)} safe>
              {formatMoney(a, p.currency, page.lang)}
            </a>
          </li>
        ))}
        <li>
          <a href={actBlueUrl(p, undefined, props.source)} safe>
            {page.t('donation.actblue_other')}
          </a>
        </li>
      </ul>
    </section>
  );
}

function AmountFields(props: { page: PageContext; p: PublicPage; values: GiveFormValues; errors: FieldErrors }): JSX.Element {
  const { page, p, values, errors } = props;
  const { t, lang } = page;
  const chosen = values.amount ?? (p.amounts.length > 0 ? String(p.amounts[Math.min(1, p.amounts.length - 1)]) : 'other');
  const amountError = errorText(page, errors, 'amount');
  const otherError = errorText(page, errors, 'other_amount');
  const otherHint = t('donation.other_hint', { min: formatMoney(p.min_minor, p.currency, lang), max: formatMoney(p.max_minor, p.currency, lang) });
  return (
    <>
      <fieldset class={amountError ? 'field choices has-error' : 'field choices'} id="amount" aria-describedby={amountError ? 'amount-error' : undefined}>
        <legend safe>{t('donation.amount')}</legend>
        {amountError ? (
          <span class="error-message" id="amount-error" safe>
            {amountError}
          </span>
        ) : (
          ''
        )}
        {p.amounts.map((a, i) => (
          <div class="radio">
            <input type="radio" id={`amount-${i}`} name="amount" value={String(a)} checked={chosen === String(a)} />
            <label for={`amount-${i}`} safe>
              {formatMoney(a, p.currency, lang)}
            </label>
          </div>
        ))}
        <div class="radio">
          <input type="radio" id="amount-other" name="amount" value="other" checked={chosen === 'other'} />
          <label for="amount-other" safe>
            {t('donation.other')}
          </label>
        </div>
      </fieldset>
      <div class={otherError ? 'field has-error' : 'field'}>
        <label for="other_amount" safe>
          {t('donation.other_label', { currency: p.currency })}
        </label>
        <span class="hint" id="other_amount-hint" safe>
          {otherHint}
        </span>
        {otherError ? (
          <span class="error-message" id="other_amount-error" safe>
            {otherError}
          </span>
        ) : (
          ''
        )}
        <input type="text" inputmode="decimal" id="other_amount" name="other_amount" value={values.other_amount ?? ''} maxlength="20" aria-describedby={describedBy('other_amount', otherHint, otherError)} />
      </div>
      {p.allow_monthly && p.processor === 'stripe' ? (
        <fieldset class="field choices">
          <legend safe>{t('donation.frequency')}</legend>
          <div class="radio">
            <input type="radio" id="frequency-once" name="frequency" value="once" checked={values.frequency !== 'monthly'} />
            <label for="frequency-once" safe>
              {t('donation.once')}
            </label>
          </div>
          <div class="radio">
            <input type="radio" id="frequency-monthly" name="frequency" value="monthly" checked={values.frequency === 'monthly'} />
            <label for="frequency-monthly" safe>
              {t('donation.monthly')}
            </label>
          </div>
        </fieldset>
      ) : (
        ''
      )}
      {p.offer_fee_cover && p.processor === 'stripe' ? (
        <div class="checkbox">
          <input type="checkbox" id="cover_fees" name="cover_fees" value="yes" checked={values.cover_fees === true} />
          <label for="cover_fees" safe>
            {t('donation.cover_fees', { org: p.organization_name })}
          </label>
        </div>
      ) : (
        ''
      )}
    </>
  );
}

export function FundraisingPageView(props: { page: PageContext; p: PublicPage; values: GiveFormValues; errors: FieldErrors; givingReady: boolean; notice?: string; challenge?: boolean }): JSX.Element {
  const { page, values, errors } = props;
  const p = fundraisingInLanguage(page, props.p);
  const { t } = page;
  const title = ORDER.some((f) => errors[f]) ? `${t('error.summary')}: ${p.title}` : p.title;
  const pledge = p.processor === 'pledge';
  return (
    <Layout page={page} title={title} share={fundraisingShare(page, p)} brand={p.brand} partners={p.partners}>
      <h1 lang={p.langs.title} safe>
        {p.title}
      </h1>
      <p class="targets" safe>
        {t('donation.by', { org: p.organization_name })}
      </p>
      {p.description ? (
        <div class="petition-text" lang={p.langs.description}>
          {petitionTextHtml(p.description) as 'safe'}
        </div>
      ) : (
        ''
      )}
      <Progress page={page} p={p} />
      {props.notice ? (
        <p class="notice" role="alert" safe>
          {props.notice}
        </p>
      ) : (
        ''
      )}
      {isPageClosed(p) ? (
        <p class="closed" role="status" safe>
          {t('donation.closed')}
        </p>
      ) : p.processor === 'actblue' ? (
        <ActBlueLinks page={page} p={p} source={values.source} />
      ) : !props.givingReady ? (
        <p class="notice" safe>
          {t('donation.not_set_up')}
        </p>
      ) : (
        <section aria-labelledby="give-heading">
          <h2 id="give-heading" safe>
            {pledge ? t('donation.pledge_heading') : t('donation.give_heading')}
          </h2>
          <ErrorSummary page={page} errors={errors} order={ORDER} />
          <form method="post" action={formAction(`/fundraising/${p.slug}`, values.source)} novalidate>
            <input type="hidden" name="lang" value={page.lang} />
            <input type="hidden" name="form_id" value={values.form_id} />
            <AmountFields page={page} p={p} values={values} errors={errors} />
            <PersonFields page={page} values={values} errors={errors} emailHint={pledge ? t('donation.email_hint_pledge') : t('donation.email_hint')} />
            <CountryField page={page} value={values.country} errors={errors} />
            <ConsentBoxes page={page} organization={p.organization_name} partners={p.partners} optIn={values.opt_in} share={values.share} />
            {props.challenge ? <ChallengeField page={page} /> : ''}
            {pledge ? '' : <p class="hint" safe>{t('donation.secure_note')}</p>}
            <button type="submit" safe>
              {pledge ? t('donation.pledge_submit') : t('donation.submit')}
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}

/** After the form: the gift received, being processed, or the pledge; and the page's share links (the page's own address, absolute from `baseUrl`). */
export function ThanksView(props: { page: PageContext; p: PublicPage; baseUrl: string; state: 'received' | 'processing' | 'pledged'; amount?: string; again?: string }): JSX.Element {
  const { page } = props;
  const p = fundraisingInLanguage(page, props.p);
  const { t } = page;
  const body =
    props.state === 'received'
      ? t('donation.thanks_received', { amount: props.amount ?? '', org: p.organization_name })
      : props.state === 'pledged'
        ? t('donation.thanks_pledged', { amount: props.amount ?? '', org: p.organization_name })
        : t('donation.thanks_processing');
  const url = `${props.baseUrl}/fundraising/${p.slug}`;
  const text = t(props.state === 'pledged' ? 'donation.share_text_pledge' : 'donation.share_text', { title: p.title });
  const shares = shareLinks(page, { subject: t('donation.share_subject', { title: p.title }), text, url, x: true });
  return (
    <Layout page={page} title={t('donation.thanks_title')} share={fundraisingShare(page, p)} brand={p.brand}>
      <h1 safe>{t('donation.thanks_title')}</h1>
      <p role="status" safe>
        {body}
      </p>
      {props.again ? (
        <p>
          <a href={props.again} safe>
            {t('donation.check_again')}
          </a>
        </p>
      ) : (
        ''
      )}
      <h2 safe>{t('donation.share')}</h2>
      <p safe>{t('donation.share_hint')}</p>
      <ShareList page={page} shares={shares} url={url} />
      <p>
        <a href={`/fundraising/${p.slug}`} safe>
          {t('thanks.back')}
        </a>
      </p>
    </Layout>
  );
}

export function DonationMessage(props: { page: PageContext; title: string; body: string; back?: string }): JSX.Element {
  return NoticePage({ ...props, back: props.back ? { href: props.back, label: props.page.t('thanks.back') } : undefined });
}
