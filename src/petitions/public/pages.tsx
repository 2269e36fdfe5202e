import { Layout, NoticePage, type PageContext } from '../../kits/pages/layout.tsx';
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

export interface PublicPetition {
  slug: string;
  title: string;
  description: string;
  petition_text: string;
  targets: { name: string }[];
  goal: number | null;
  status: 'open' | 'closed';
  confirmation_required: number;
  signature_count: number;
  organization_name: string;
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
  const { page, petition, values, errors } = props;
  const { t, lang } = page;
  const count = petition.signature_count;
  const goal = currentGoal(count, petition.goal);
  const action = formAction(`/petitions/${petition.slug}`, values.source);
  const title = ORDER.some((f) => errors[f]) ? `${t('error.summary')}: ${petition.title}` : petition.title;
  const commentsHint = t('form.comments_hint');
  const commentsError = errorText(page, errors, 'comments');
  return (
    <Layout page={page} title={title}>
      <h1 safe>{petition.title}</h1>
      {petition.targets.length > 0 ? (
        <p class="targets">
          <span safe>{t('petition.to')}</span> <span safe>{petition.targets.map((x) => x.name).join(', ')}</span>
        </p>
      ) : (
        ''
      )}
      {petition.status === 'open' ? (
        <p>
          <a href="#sign-heading" safe>
            {t('petition.sign_heading')}
          </a>
        </p>
      ) : (
        ''
      )}
      {petition.description ? (
        <p class="lede" safe>
          {petition.description}
        </p>
      ) : (
        ''
      )}
      <blockquote class="petition-text">{petitionTextHtml(petition.petition_text) as 'safe'}</blockquote>
      <DeliveredNotice page={page} deliveries={petition.deliveries ?? []} />
      <p class="count" id="count" safe>
        {t('petition.signatures', { count })}
      </p>
      <progress max={String(goal)} value={String(count)} aria-labelledby="count progress-label"></progress>
      <p id="progress-label" safe>
        {t('petition.goal', { goal: formatNumber(lang, goal) })}
      </p>
      {petition.status === 'closed' ? (
        <p class="notice" safe>
          {t('petition.closed')}
        </p>
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
  const { page, petition, url } = props;
  const { t } = page;
  const text = t('share.text', { title: petition.title });
  const shares: Share[] = [
    ...shareLinks(page, { subject: t('share.subject', { title: petition.title }), text, url }),
    ['X', `https://x.com/intent/post?text=${encodeURIComponent(text)}&url=${encodeURIComponent(url)}`],
  ];
  return (
    <Layout page={page} title={t('thanks.title')}>
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
  return ConfirmButtonPage({ page: props.page, title: t('confirm.title'), body: t('confirm.body', { title: props.petition.title }), action: props.action, button: t('confirm.button') });
}

export function MessagePage(props: { page: PageContext; title: string; body: string; back?: string }): JSX.Element {
  return NoticePage({ ...props, back: props.back ? { href: props.back, label: props.page.t('thanks.back') } : undefined });
}

