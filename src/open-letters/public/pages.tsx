import { Layout, NoticePage, type PageContext } from '../../kits/pages/layout.tsx';
import '../messages.ts';

import type { FieldErrors } from '../../actions/people/validate.ts';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';
import { CountryField } from '../../kits/pages/country-field.tsx';
import { describedBy, ErrorSummary, errorText, FieldFrame, TextField } from '../../kits/pages/form-parts.tsx';
import { ChallengeField } from '../../kits/pages/challenge-field.tsx';
import { ConsentBoxes, formAction, PersonFields } from '../../kits/pages/person-fields.tsx';
import { shareLinks, ShareList } from '../../kits/pages/share-links.tsx';
import { ConfirmButtonPage } from '../../kits/pages/confirm-page.tsx';
import { DeliveredNotice } from '../../kits/delivery/notice.tsx';
import type { CachedLetter, PublicOrganization } from '../public-cache.ts';
import { arrangeList, groupsOf, holdOf, isClosed, spanishGroupsOf } from '../service.ts';
import { shareImagePath, visibleCount, type ShareCard } from '../../kits/pages/share-image.ts';
import { actionShareMeta, type ShareMeta } from '../../kits/pages/share-meta.ts';
import { inLanguage, localized, type InLanguage, type Localized } from '../../kits/pages/localized.ts';

export type SignMode = 'organization' | 'individual';

export interface LetterFormValues {
  org_name?: string;
  website?: string;
  city?: string;
  region?: string;
  country?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
  postal_code?: string;
  signer_role?: string;
  show_signer?: boolean;
  opt_in?: boolean;
  share?: string[];
  source?: string;
}

/** The organization form's fields in order, for its error summary. */
export const ORGANIZATION_ORDER: readonly string[] = ['org_name', 'website', 'city', 'region', 'country', 'logo', 'given_name', 'family_name', 'signer_role', 'email'];
export const INDIVIDUAL_ORDER: readonly string[] = ['given_name', 'family_name', 'email', 'postal_code', 'country'];

const TEXTS = ['title', 'description', 'letter_text'] as const;

/** The letter in the reader's language: its texts in their version, `langs` naming those shown in the other one. */
export function letterInLanguage(page: PageContext, letter: CachedLetter): InLanguage<CachedLetter, (typeof TEXTS)[number]> {
  return inLanguage(page.lang, letter, TEXTS);
}

/** A group's heading in the reader's version: its Spanish name sits at the same place in `groups_es`. */
function groupHeading(page: PageContext, letter: CachedLetter, group: string): Localized {
  const at = groupsOf(letter).indexOf(group);
  return localized(page.lang, group, at >= 0 ? spanishGroupsOf(letter)?.[at] : null);
}

const longDate = (lang: string, iso: string) => new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));

/** What the page and each signer are told while names are held back, or '' when they are not. */
export function holdText(page: PageContext, letter: CachedLetter, now: string): string {
  const hold = holdOf(letter, now);
  if (!hold.held) return '';
  const { t } = page;
  const byCount = hold.count !== null ? t('openletter.held_count', { count: hold.count }) : '';
  const byDate = hold.date !== null ? t('openletter.held_date', { date: longDate(page.lang, hold.date) }) : '';
  const when = byCount && byDate ? t('openletter.held_either', { first: byCount, second: byDate }) : byCount || byDate;
  return t('openletter.held', { when });
}

function countLine(page: PageContext, letter: CachedLetter): string {
  const { t } = page;
  const organizations = t('openletter.organizations', { count: letter.organization_count });
  if (letter.allow_individuals !== 1 && letter.individual_count === 0) return t('openletter.count_line', { organizations });
  return t('openletter.count_line_both', { organizations, individuals: t('openletter.individuals', { count: letter.individual_count }) });
}

/** What the letter's share picture shows: its counts in visible steps. */
export function letterShareCard(page: PageContext, stored: CachedLetter, now: string): ShareCard {
  const letter = letterInLanguage(page, stored);
  const closed = isClosed(letter, now);
  const shown = { ...letter, organization_count: visibleCount(letter.organization_count), individual_count: visibleCount(letter.individual_count) };
  return {
    title: letter.title,
    organization: letter.brand?.name || letter.organization_name,
    headline: countLine(page, shown),
    note: closed ? page.t('openletter.closed') : null,
    accent: letter.brand?.accent ?? null,
  };
}

function letterShare(page: PageContext, stored: CachedLetter, now: string): ShareMeta {
  const letter = letterInLanguage(page, stored);
  const path = `/open_letters/${letter.slug}`;
  const card = letterShareCard(page, letter, now);
  return actionShareMeta({ path, title: letter.title, markdown: letter.description || letter.letter_text, image: shareImagePath(path, page.lang, card), card });
}

function Organization(props: { page: PageContext; slug: string; o: PublicOrganization }): JSX.Element {
  const { o, page } = props;
  const place = [o.city, o.region, o.country && o.country !== 'US' ? o.country : null].filter(Boolean).join(', ');
  return (
    <li class="signatory">
      {o.logo_id ? <img src={`/open_letters/${props.slug}/logos/${o.logo_id}.png`} alt={page.t('openletter.logo_alt', { org: o.org_name ?? '' })} height="48" loading="lazy" /> : ''}
      {o.org_website ? (
        <a href={o.org_website} rel="nofollow noopener noreferrer" class="org-name" safe>
          {o.org_name}
        </a>
      ) : (
        <strong class="org-name" safe>{o.org_name}</strong>
      )}
      {place ? <span class="place" safe>{` (${place})`}</span> : ''}
      {o.signer ? <span class="signer" safe>{` — ${o.signer}`}</span> : ''}
    </li>
  );
}

/** The list of approved organizations, grouped as the organizer set it; only the count while names are held. */
export function Signatories(props: { page: PageContext; letter: CachedLetter; now: string }): JSX.Element {
  const { page, letter } = props;
  const { t } = page;
  const held = holdText(page, letter, props.now);
  const sections = arrangeList(letter, letter.organizations);
  return (
    <section aria-labelledby="signatories-heading">
      <h2 id="signatories-heading" safe>{t('openletter.signatories')}</h2>
      <p class="count" id="count" safe>{countLine(page, letter)}</p>
      {held ? (
        <p class="notice" id="held" safe>{held}</p>
      ) : sections.length === 0 ? (
        <p safe>{t('openletter.none_yet')}</p>
      ) : (
        sections.map((s) => (
          <>
            {s.group !== null ? (
              <h3 lang={groupHeading(page, letter, s.group).lang} safe>
                {groupHeading(page, letter, s.group).text}
              </h3>
            ) : sections.length > 1 ? (
              <h3 safe>{t('openletter.other_group')}</h3>
            ) : (
              ''
            )}
            <ul class="signatories">
              {s.organizations.map((o) => (
                <Organization page={page} slug={letter.slug} o={o} />
              ))}
            </ul>
          </>
        ))
      )}
    </section>
  );
}

function OrganizationForm(props: { page: PageContext; letter: CachedLetter; values: LetterFormValues; errors: FieldErrors; held: string; challenge: boolean }): JSX.Element {
  const { page, letter, values, errors } = props;
  const { t } = page;
  const logoHint = t('openletter.form.logo_hint');
  const logoError = errorText(page, errors, 'logo');
  return (
    <form method="post" action={formAction(`/open_letters/${letter.slug}`, values.source)} enctype="multipart/form-data" novalidate>
      <input type="hidden" name="lang" value={page.lang} />
      <input type="hidden" name="kind" value="organization" />
      <p safe>{t('openletter.public_note')}</p>
      <fieldset>
        <legend safe>{t('openletter.your_organization')}</legend>
        <TextField page={page} name="org_name" label={t('openletter.form.org_name')} value={values.org_name} errors={errors} autocomplete="organization" maxlength={200} required />
        <TextField page={page} name="website" type="url" inputmode="url" label={t('openletter.form.website')} hint={t('openletter.form.website_hint')} value={values.website} errors={errors} autocomplete="url" maxlength={300} />
        <TextField page={page} name="city" label={t('openletter.form.city')} value={values.city} errors={errors} autocomplete="address-level2" maxlength={100} required />
        <TextField page={page} name="region" label={t('openletter.form.region')} hint={t('openletter.form.region_hint')} value={values.region} errors={errors} autocomplete="address-level1" maxlength={100} />
        <CountryField page={page} value={values.country} errors={errors} />
        <FieldFrame name="logo" label={t('openletter.form.logo')} hint={logoHint} error={logoError}>
          <input type="file" id="logo" name="logo" accept="image/png,image/jpeg,image/gif,image/webp" aria-describedby={describedBy('logo', logoHint, logoError)} aria-invalid={logoError ? 'true' : undefined} />
        </FieldFrame>
      </fieldset>
      <fieldset>
        <legend safe>{t('openletter.you')}</legend>
        <TextField page={page} name="given_name" label={t('form.given_name')} value={values.given_name} errors={errors} autocomplete="given-name" maxlength={100} required />
        <TextField page={page} name="family_name" label={t('form.family_name')} value={values.family_name} errors={errors} autocomplete="family-name" maxlength={100} required />
        <TextField page={page} name="signer_role" label={t('openletter.form.role')} hint={t('openletter.form.role_hint')} value={values.signer_role} errors={errors} autocomplete="organization-title" maxlength={120} />
        <TextField page={page} name="email" type="email" label={t('form.email')} hint={t('openletter.form.email_hint')} value={values.email} errors={errors} autocomplete="email" maxlength={254} required />
        <div class="checkbox">
          <input type="checkbox" id="show_signer" name="show_signer" value="yes" checked={values.show_signer === true} />
          <label for="show_signer" safe>{t('openletter.form.show_signer')}</label>
        </div>
      </fieldset>
      <ConsentBoxes page={page} organization={letter.organization_name} partners={letter.partners} optIn={values.opt_in} share={values.share} />
      {props.challenge ? <ChallengeField page={page} /> : ''}
      {props.held ? <p class="notice" safe>{props.held}</p> : ''}
      <button type="submit" safe>{t('openletter.form.submit_org')}</button>
    </form>
  );
}

function IndividualForm(props: { page: PageContext; letter: CachedLetter; values: LetterFormValues; errors: FieldErrors; challenge: boolean }): JSX.Element {
  const { page, letter, values, errors } = props;
  const { t } = page;
  return (
    <form method="post" action={formAction(`/open_letters/${letter.slug}`, values.source)} novalidate>
      <input type="hidden" name="lang" value={page.lang} />
      <input type="hidden" name="kind" value="individual" />
      <p safe>{t('openletter.person_note')}</p>
      <PersonFields page={page} values={values} errors={errors} emailHint={t('openletter.form.email_hint')} />
      <CountryField page={page} value={values.country} errors={errors} />
      <ConsentBoxes page={page} organization={letter.organization_name} partners={letter.partners} optIn={values.opt_in} share={values.share} />
      {props.challenge ? <ChallengeField page={page} /> : ''}
      <button type="submit" safe>{t('openletter.form.submit_person')}</button>
    </form>
  );
}

export function LetterPage(props: { page: PageContext; letter: CachedLetter; now: string; mode: SignMode; values: LetterFormValues; errors: FieldErrors; challenge?: boolean }): JSX.Element {
  const { page, values, errors, mode } = props;
  const letter = letterInLanguage(page, props.letter);
  const { t } = page;
  const closed = isClosed(letter, props.now);
  const order = mode === 'organization' ? ORGANIZATION_ORDER : INDIVIDUAL_ORDER;
  const title = Object.keys(errors).some((f) => errors[f]) ? `${t('error.summary')}: ${letter.title}` : letter.title;
  const held = holdText(page, letter, props.now);
  const other = `/open_letters/${letter.slug}${mode === 'organization' ? '?as=individual' : ''}`;
  return (
    <Layout page={page} title={title} share={letterShare(page, letter, props.now)} brand={letter.brand ?? undefined} partners={letter.partners}>
      <h1 lang={letter.langs.title} safe>
        {letter.title}
      </h1>
      {letter.targetList.length > 0 ? (
        <p class="targets">
          <span safe>{t('openletter.to')}</span> <span safe>{letter.targetList.map((x) => x.name).join(', ')}</span>
        </p>
      ) : (
        ''
      )}
      {letter.description ? (
        <p class="lede" lang={letter.langs.description} safe>
          {letter.description}
        </p>
      ) : (
        ''
      )}
      <blockquote class="petition-text" lang={letter.langs.letter_text}>{petitionTextHtml(letter.letter_text) as 'safe'}</blockquote>
      <DeliveredNotice page={page} deliveries={letter.deliveries} />
      <Signatories page={page} letter={letter} now={props.now} />
      {closed ? (
        <p class="closed" role="status" safe>{t('openletter.closed')}</p>
      ) : (
        <section aria-labelledby="sign-heading">
          <h2 id="sign-heading" safe>{mode === 'organization' ? t('openletter.org_heading') : t('openletter.person_heading')}</h2>
          {letter.deadline ? <p safe>{t('openletter.deadline', { date: `${letter.deadline.slice(0, 10)} ${letter.deadline.slice(11, 16)}` })}</p> : ''}
          {letter.allow_individuals === 1 ? (
            <p>
              <a href={other} safe>{mode === 'organization' ? t('openletter.person_link') : t('openletter.org_link')}</a>
            </p>
          ) : (
            ''
          )}
          <ErrorSummary page={page} errors={errors} order={order} />
          {mode === 'organization' ? <OrganizationForm page={page} letter={letter} values={values} errors={errors} held={held} challenge={props.challenge === true} /> : <IndividualForm page={page} letter={letter} values={values} errors={errors} challenge={props.challenge === true} />}
        </section>
      )}
    </Layout>
  );
}

export function ThanksPage(props: { page: PageContext; letter: CachedLetter; mode: SignMode; url: string; now: string }): JSX.Element {
  const { page, url } = props;
  const letter = letterInLanguage(page, props.letter);
  const { t } = page;
  // An individual is counted, never reviewed nor listed: the review and the names' hold are not theirs.
  const person = props.mode === 'individual';
  const text = t(person ? 'openletter.share.text_person' : 'openletter.share.text', { title: letter.title });
  const held = person ? undefined : holdText(page, letter, props.now);
  return (
    <Layout page={page} title={t('openletter.thanks.title')} share={letterShare(page, letter, props.now)} brand={letter.brand ?? undefined}>
      <h1 safe>{t('openletter.thanks.title')}</h1>
      <p class="notice" role="status" safe>{t('openletter.thanks.confirm')}</p>
      <p safe>{t(person ? 'openletter.thanks.person' : 'openletter.thanks.review')}</p>
      {held ? <p safe>{held}</p> : ''}
      <h2 safe>{t('openletter.thanks.share')}</h2>
      <ShareList page={page} shares={shareLinks(page, { subject: t('openletter.share.subject', { title: letter.title }), text, url })} url={url} />
      <p>
        <a href={`/open_letters/${letter.slug}`} safe>{t('openletter.thanks.back')}</a>
      </p>
    </Layout>
  );
}

export function ConfirmPage(props: { page: PageContext; letter: CachedLetter; action: string }): JSX.Element {
  const { t } = props.page;
  return ConfirmButtonPage({ page: props.page, title: t('openletter.confirm.title'), body: t('openletter.confirm.body', { title: letterInLanguage(props.page, props.letter).title }), action: props.action, button: t('openletter.confirm.button') });
}

export function MessagePage(props: { page: PageContext; title: string; body: string; back?: string }): JSX.Element {
  return NoticePage({ ...props, back: props.back ? { href: props.back, label: props.page.t('openletter.thanks.back') } : undefined });
}

