import { Layout, NoticePage, type Brand, type PageContext } from '../../kits/pages/layout.tsx';
import '../messages.ts';
import { formatNumber } from '../../i18n/index.ts';
import { CountryField } from '../../kits/pages/country-field.tsx';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { currentGoal } from '../goal.ts';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';
import { describedBy, ErrorSummary, errorText, FieldFrame } from '../../kits/pages/form-parts.tsx';
import { ConsentBoxes, formAction, PERSON_FIELDS, PersonFields, type PersonValues } from '../../kits/pages/person-fields.tsx';
import { shareLinks, ShareList, type Share } from '../../kits/pages/share-links.tsx';
import { ConfirmButtonPage } from '../../kits/pages/confirm-page.tsx';
import { DeliveredNotice } from '../../kits/delivery/notice.tsx';
import type { DeliveryMethod } from '../../kits/delivery/tables.ts';
import { ChallengeField } from '../../kits/pages/challenge-field.tsx';
import { closingDate, ProgressMeter } from '../../kits/pages/progress.tsx';
import { shareImagePath, visibleCount, type ShareCard } from '../../kits/pages/share-image.ts';
import { summaryOf, type ShareMeta } from '../../kits/pages/share-meta.ts';
import { isPetitionClosed } from '../service.ts';
import { inLanguage, type InLanguage } from '../../kits/pages/localized.ts';

export interface PublicPetition {
  slug: string;
  title: string;
  description: string;
  petition_text: string;
  /** The Spanish versions (null: the English text is shown on Spanish pages too). */
  title_es?: string | null;
  description_es?: string | null;
  petition_text_es?: string | null;
  targets: { name: string }[];
  goal: number | null;
  status: 'open' | 'closed';
  /** When it closes by itself (null: when the organizer closes it). */
  closes_at: string | null;
  confirmation_required: number;
  signature_count: number;
  organization_name: string;
  /** The sponsor as the header shows it, and its accent colour for the share picture. */
  brand?: Brand & { accent?: string | null };
  /** Partner organizations that accepted: each gets an unticked share box. */
  partners: { id: string; name: string }[];
  /** Deliveries to the target the organizer chose to show. */
  deliveries?: { delivered_on: string; recipient: string; method: DeliveryMethod }[];
}

export interface SignFormValues extends PersonValues {
  country?: string;
  comments?: string;
  opt_in?: boolean;
  /** Ids of the partners whose share box is ticked. */
  share?: string[];
  source?: string;
}

const TEXTS = ['title', 'description', 'petition_text'] as const;

/** The petition in the reader's language: its texts in their version, `langs` naming those shown in the other one. */
export function petitionInLanguage<P extends PublicPetition>(page: PageContext, petition: P): InLanguage<P, (typeof TEXTS)[number]> {
  return inLanguage(page.lang, petition, TEXTS);
}

/** What the petition's share picture shows: its count in visible steps, so a surge re-renders nothing. */
export function petitionShareCard(page: PageContext, stored: PublicPetition): ShareCard {
  const { t, lang } = page;
  const petition = petitionInLanguage(page, stored);
  const shown = visibleCount(petition.signature_count);
  const closed = isPetitionClosed(petition);
  return {
    title: petition.title,
    organization: petition.brand?.name || petition.organization_name,
    headline: closed ? t('petition.closed_count', { count: shown }) : t('petition.progress', { count: formatNumber(lang, shown), goal: formatNumber(lang, currentGoal(shown, petition.goal)) }),
    progress: closed ? null : shown / currentGoal(shown, petition.goal),
    note: closed ? t('petition.closed') : null,
    accent: petition.brand?.accent ?? null,
  };
}

/** The link preview's tags of a petition's pages. */
export function petitionShareMeta(page: PageContext, stored: PublicPetition): ShareMeta {
  const petition = petitionInLanguage(page, stored);
  const path = `/petitions/${petition.slug}`;
  const card = petitionShareCard(page, petition);
  return {
    path,
    title: petition.title,
    description: summaryOf(petition.description || petition.petition_text),
    image: shareImagePath(path, page.lang, card),
    imageAlt: page.t('petition.share_alt', { title: petition.title, org: card.organization, count: card.headline }),
  };
}

/** The form's fields in order: the error summary links to them in this order. */
const ORDER: readonly string[] = [...PERSON_FIELDS, 'country', 'comments'];

export function PetitionPage(props: {
  page: PageContext;
  petition: PublicPetition;
  values: SignFormValues;
  errors: FieldErrors;
  /** The form carries the proof-of-work challenge (and the page its script). */
  challenge?: boolean;
}): JSX.Element {
  const { page, values, errors } = props;
  const petition = petitionInLanguage(page, props.petition);
  const { t, lang } = page;
  const count = petition.signature_count;
  const goal = currentGoal(count, petition.goal);
  const closed = isPetitionClosed(petition);
  const action = formAction(`/petitions/${petition.slug}`, values.source);
  const title = ORDER.some((f) => errors[f]) ? `${t('error.summary')}: ${petition.title}` : petition.title;
  const commentsHint = t('form.comments_hint', { max: 1000 });
  const commentsError = errorText(page, errors, 'comments');
  return (
    <Layout page={page} title={title} share={petitionShareMeta(page, petition)} brand={petition.brand} partners={petition.partners}>
      <h1 lang={petition.langs.title} safe>
        {petition.title}
      </h1>
      {petition.targets.length > 0 ? (
        <p class="targets">
          <span safe>{t('petition.to')}</span> <span safe>{petition.targets.map((x) => x.name).join(', ')}</span>
        </p>
      ) : (
        ''
      )}
      {!closed ? (
        <p>
          <a href="#sign-heading" safe>
            {t('petition.sign_heading')}
          </a>
        </p>
      ) : (
        ''
      )}
      {petition.description ? (
        <p class="lede" lang={petition.langs.description} safe>
          {petition.description}
        </p>
      ) : (
        ''
      )}
      <blockquote class="petition-text" lang={petition.langs.petition_text}>{petitionTextHtml(petition.petition_text) as 'safe'}</blockquote>
      <DeliveredNotice page={page} deliveries={petition.deliveries ?? []} />
      {closed ? (
        <>
          <p class="count" id="count" safe>
            {t('petition.closed_count', { count })}
          </p>
          <p class="closed" role="status" safe>
            {t('petition.closed')}
          </p>
        </>
      ) : (
        <ProgressMeter
          id="count"
          value={count}
          max={goal}
          text={t('petition.progress', { count: formatNumber(lang, count), goal: formatNumber(lang, goal) })}
          note={petition.closes_at ? t('petition.closes_on', { date: closingDate(lang, petition.closes_at) }) : null}
        />
      )}
      {closed ? (
        ''
      ) : (
        <section aria-labelledby="sign-heading">
          <h2 id="sign-heading" safe>
            {t('petition.sign_heading')}
          </h2>
          <ErrorSummary page={page} errors={errors} order={ORDER} />
          <form method="post" action={action} novalidate>
            <input type="hidden" name="lang" value={lang} />
            <PersonFields page={page} values={values} errors={errors} emailHint={t('form.email_hint')} />
            <CountryField page={page} value={values.country} errors={errors} />
            <FieldFrame name="comments" label={t('form.comments')} hint={commentsHint} error={commentsError}>
              <textarea id="comments" name="comments" rows="4" maxlength="1000" aria-describedby={describedBy('comments', commentsHint, commentsError)} safe>
                {values.comments ?? ''}
              </textarea>
            </FieldFrame>
            <ConsentBoxes page={page} organization={petition.organization_name} partners={petition.partners} optIn={values.opt_in} share={values.share} />
            {props.challenge ? <ChallengeField page={page} /> : ''}
            <button type="submit" safe>
              {t('form.submit')}
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}

export function ThanksPage(props: { page: PageContext; petition: PublicPetition; url: string; confirm: boolean }): JSX.Element {
  const { page, url } = props;
  const petition = petitionInLanguage(page, props.petition);
  const { t } = page;
  const text = t('share.text', { title: petition.title });
  const shares: Share[] = shareLinks(page, { subject: t('share.subject', { title: petition.title }), text, url, x: true });
  return (
    <Layout page={page} title={t('thanks.title')} share={petitionShareMeta(page, petition)} brand={petition.brand}>
      <h1 safe>{t('thanks.title')}</h1>
      {props.confirm ? (
        <p class="notice" role="status" safe>
          {t('thanks.confirm')}
        </p>
      ) : (
        <p role="status" safe>
          {t('thanks.body', { title: petition.title })}
        </p>
      )}
      <h2 safe>{t('thanks.share')}</h2>
      <p safe>{t('thanks.share_hint')}</p>
      <ShareList page={page} shares={shares} url={url} />
      <p>
        <a href={`/petitions/${petition.slug}`} safe>
          {t('thanks.back')}
        </a>
      </p>
    </Layout>
  );
}

export function ConfirmPage(props: { page: PageContext; petition: PublicPetition; action: string }): JSX.Element {
  const { t } = props.page;
  return ConfirmButtonPage({ page: props.page, title: t('confirm.title'), body: t('confirm.body', { title: petitionInLanguage(props.page, props.petition).title }), action: props.action, button: t('confirm.button') });
}

export function MessagePage(props: { page: PageContext; title: string; body: string; back?: string }): JSX.Element {
  return NoticePage({ ...props, back: props.back ? { href: props.back, label: props.page.t('thanks.back') } : undefined });
}

