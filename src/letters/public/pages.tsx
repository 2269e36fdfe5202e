import { Layout, NoticePage, type PageContext } from '../../kits/pages/layout.tsx';
import '../messages.ts';
import { CountryField } from '../../kits/pages/country-field.tsx';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';
import { ErrorSummary, TextArea, TextField } from '../../kits/pages/form-parts.tsx';
import { ConsentBoxes, formAction, PERSON_FIELDS, PersonFields, type PersonValues } from '../../kits/pages/person-fields.tsx';
import { shareLinks, ShareList } from '../../kits/pages/share-links.tsx';
import type { CachedCampaign } from '../public-cache.ts';
import { targetLabel } from '../targets.ts';
import { ChallengeField } from '../../kits/pages/challenge-field.tsx';
import { shareImagePath, visibleCount, type ShareCard } from '../../kits/pages/share-image.ts';
import { actionShareMeta, type ShareMeta } from '../../kits/pages/share-meta.ts';
import { closingDate } from '../../kits/pages/progress.tsx';
import { isCampaignClosed } from '../service.ts';
import type { Language } from '../../i18n/index.ts';
import { campaignInLanguage } from '../fields.ts';

/** What the campaign's share picture shows: its count of letters in visible steps. */
export function campaignShareCard(page: PageContext, stored: CachedCampaign): ShareCard {
  const c = campaignInLanguage(page.lang, stored);
  return {
    title: c.title,
    organization: c.brand?.name || c.organization_name,
    headline: page.t('letter.count', { count: visibleCount(c.outreach_count) }),
    note: isCampaignClosed(c) ? page.t('letter.closed') : null,
    accent: c.brand?.accent ?? null,
  };
}

function campaignShare(page: PageContext, stored: CachedCampaign): ShareMeta {
  const c = campaignInLanguage(page.lang, stored);
  const path = `/letters/${c.slug}`;
  const card = campaignShareCard(page, c);
  return actionShareMeta({ path, title: c.title, markdown: c.description, image: shareImagePath(path, page.lang, card), card });
}

export interface LetterFormValues extends PersonValues {
  country?: string;
  street_address?: string;
  subject?: string;
  body?: string;
  opt_in?: boolean;
  share?: string[];
  source?: string;
}

/** The form's fields in order: the error summary links to them in this order. */
const ORDER: readonly string[] = [...PERSON_FIELDS, 'country', 'street_address', 'subject', 'letter_opening', 'body', 'letter_closing'];

/** Text as typed, shown as text: paragraphs at blank lines, line breaks kept, any markup escaped. */
export function PlainText(props: { text: string }): JSX.Element {
  return (
    <>
      {props.text
        .split(/\n\s*\n/)
        .filter((p) => p.trim())
        .map((para) => (
          <p class="letter-text">
            {para
              .split('\n')
              .map((line, i) => (
                <>
                  {i > 0 ? <br /> : ''}
                  <span safe>{line}</span>
                </>
              ))}
          </p>
        ))}
    </>
  );
}

/** A locked part of the letter: shown as the text it is (never markup), with a note that it cannot change. */
function Locked(props: { page: PageContext; id: string; text: string; org: string; lang?: Language }): JSX.Element {
  if (!props.text.trim()) return '';
  return (
    <div class="letter-locked" id={props.id}>
      {props.lang ? (
        <div lang={props.lang}>
          <PlainText text={props.text} />
        </div>
      ) : (
        <PlainText text={props.text} />
      )}
      <p class="hint" safe>
        {props.page.t('letter.locked_hint', { org: props.org })}
      </p>
    </div>
  );
}

export function LetterPage(props: { page: PageContext; campaign: CachedCampaign; values: LetterFormValues; errors: FieldErrors; challenge?: boolean }): JSX.Element {
  const { page, values, errors } = props;
  const { t, lang } = page;
  const c = campaignInLanguage(lang, props.campaign);
  const shown = c.targets.filter((x) => x.kind === 'fixed');
  const title = ORDER.some((f) => errors[f]) ? `${t('error.summary')}: ${c.title}` : c.title;
  const closed = isCampaignClosed(c);
  return (
    <Layout page={page} title={title} share={campaignShare(page, c)} brand={c.brand} partners={c.partners}>
      <h1 lang={c.langs.title} safe>
        {c.title}
      </h1>
      {c.target_mode === 'fixed' && shown.length > 0 ? (
        <p class="targets">
          <span safe>{t('letter.to')}</span> <span safe>{shown.map((x) => [targetLabel(x), x.target_organization].filter(Boolean).join(', ')).join('; ')}</span>
        </p>
      ) : c.target_mode === 'matched' ? (
        <p class="targets" safe>
          {t('letter.to_matched')}
        </p>
      ) : (
        ''
      )}
      {c.description ? <div class="lede" lang={c.langs.description}>{petitionTextHtml(c.description) as 'safe'}</div> : ''}
      <p class="count" safe>
        {t('letter.count', { count: c.outreach_count })}
      </p>
      {!closed && c.closes_at ? <p class="hint" safe>{t('letter.closes_on', { date: closingDate(lang, c.closes_at) })}</p> : ''}
      {closed ? (
        <p class="closed" role="status" safe>
          {t('letter.closed')}
        </p>
      ) : (
        <section aria-labelledby="letter-heading">
          <h2 id="letter-heading" safe>
            {t('letter.heading')}
          </h2>
          <ErrorSummary page={page} errors={errors} order={ORDER} />
          <form method="post" action={formAction(`/letters/${c.slug}`, values.source)} novalidate>
            <input type="hidden" name="lang" value={lang} />
            <PersonFields page={page} values={values} errors={errors} emailHint={t('letter.email_hint')} />
            <CountryField page={page} value={values.country} errors={errors} />
            {c.ask_address === 1 ? (
              <TextField page={page} name="street_address" label={t('letter.street_address')} hint={t('letter.street_address_hint')} value={values.street_address} errors={errors} autocomplete="street-address" maxlength={200} required />
            ) : (
              ''
            )}
            <h3 safe>{t('letter.your_letter')}</h3>
            {c.subject_editable === 1 ? (
              <TextField page={page} name="subject" label={t('letter.subject')} value={values.subject ?? c.subject} lang={values.subject === undefined ? c.langs.subject : undefined} errors={errors} maxlength={200} required />
            ) : (
              <p id="subject">
                <strong safe>{t('letter.subject')}:</strong>{' '}
                <span lang={c.langs.subject} safe>
                  {c.subject}
                </span>
              </p>
            )}
            <p class="hint" safe>
              {t('letter.salutation_note')}
            </p>
            <Locked page={page} id="letter_opening" text={c.letter_opening} org={c.organization_name} lang={c.langs.letter_opening} />
            {c.body_editable === 1 ? (
              <TextArea page={page} name="body" label={t('letter.body')} hint={t('letter.body_hint', { max: c.body_max_length })} value={values.body ?? c.letter_body} lang={values.body === undefined ? c.langs.letter_body : undefined} errors={errors} maxlength={c.body_max_length} rows={10} />
            ) : (
              <Locked page={page} id="body" text={c.letter_body} org={c.organization_name} lang={c.langs.letter_body} />
            )}
            <Locked page={page} id="letter_closing" text={c.letter_closing} org={c.organization_name} lang={c.langs.letter_closing} />
            <p class="hint" safe>
              {t('letter.signature_note')}
            </p>
            <p class="notice" id="privacy" safe>
              {t(c.ask_address === 1 ? 'letter.privacy_address' : 'letter.privacy')}
            </p>
            <ConsentBoxes page={page} organization={c.organization_name} partners={c.partners} optIn={values.opt_in} share={values.share} />
            {props.challenge ? <ChallengeField page={page} /> : ''}
            <button type="submit" safe>
              {t('letter.submit')}
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}

export function ThanksPage(props: { page: PageContext; campaign: CachedCampaign; url: string; fallback: string | null }): JSX.Element {
  const { page, url } = props;
  const { t } = page;
  const campaign = campaignInLanguage(page.lang, props.campaign);
  const shares = shareLinks(page, { subject: t('letter.share_subject', { title: campaign.title }), text: t('letter.share_text', { title: campaign.title }), url });
  return (
    <Layout page={page} title={t('letter.thanks_title')} share={campaignShare(page, campaign)} brand={campaign.brand}>
      <h1 safe>{t('letter.thanks_title')}</h1>
      <p role="status" safe>
        {t('letter.thanks_body', { title: campaign.title })}
      </p>
      {props.fallback ? (
        <p class="notice" safe>
          {t('letter.thanks_fallback', { name: props.fallback })}
        </p>
      ) : (
        ''
      )}
      <h2 safe>{t('letter.thanks_share')}</h2>
      <ShareList page={page} shares={shares} url={url} />
      <p>
        <a href={`/letters/${campaign.slug}`} safe>
          {t('letter.back')}
        </a>
      </p>
    </Layout>
  );
}

export function MessagePage(props: { page: PageContext; title: string; titleLang?: Language; body: string; back?: string }): JSX.Element {
  return NoticePage({ ...props, back: props.back ? { href: props.back, label: props.page.t('letter.back') } : undefined });
}
