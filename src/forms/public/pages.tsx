import { Layout, NoticePage, type PageContext } from '../../kits/pages/layout.tsx';
import '../messages.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';
import { formAction } from '../../kits/pages/person-fields.tsx';
import { shareLinks, ShareList } from '../../kits/pages/share-links.tsx';
import { fieldOrder, FormFields, type FormValues, type PublicForm } from './form-fields.tsx';
import { shareImagePath, visibleCount, type ShareCard } from '../../kits/pages/share-image.ts';
import { actionShareMeta, type ShareMeta } from '../../kits/pages/share-meta.ts';
import { inLanguage, type InLanguage } from '../../kits/pages/localized.ts';

/** The form in the reader's language (src/kits/pages/localized.ts). */
export function formInLanguage<F extends PublicForm>(page: PageContext, form: F): InLanguage<F, 'title' | 'description'> {
  return inLanguage(page.lang, form, ['title', 'description'] as const);
}

/** What the form's share picture shows: its count of answers in visible steps. */
export function formShareCard(page: PageContext, stored: PublicForm): ShareCard {
  const form = formInLanguage(page, stored);
  return {
    title: form.title,
    organization: form.brand?.name || form.organization_name,
    headline: form.submission_count > 0 ? page.t('forms.count', { count: visibleCount(form.submission_count) }) : '',
    note: form.status !== 'open' ? page.t('forms.closed') : null,
    accent: form.brand?.accent ?? null,
  };
}

function formShare(page: PageContext, stored: PublicForm): ShareMeta {
  const form = formInLanguage(page, stored);
  const path = `/forms/${form.slug}`;
  const card = formShareCard(page, form);
  return actionShareMeta({ path, title: form.title, markdown: form.description, image: shareImagePath(path, page.lang, card), card });
}

export function FormPage(props: { page: PageContext; form: PublicForm; values: FormValues; errors: FieldErrors; challenge?: boolean }): JSX.Element {
  const { page, values, errors } = props;
  const form = formInLanguage(page, props.form);
  const { t } = page;
  const closed = form.status !== 'open';
  const wrong = fieldOrder(form).some((f) => errors[f]) || Object.keys(errors).length > 0;
  const title = wrong ? `${t('error.summary')}: ${form.title}` : form.title;
  return (
    <Layout page={page} title={title} brand={form.brand} share={formShare(page, form)}>
      <h1 lang={form.langs.title} safe>
        {form.title}
      </h1>
      {form.description ? <div class="lede" lang={form.langs.description}>{petitionTextHtml(form.description) as 'safe'}</div> : ''}
      {form.submission_count > 0 ? (
        <p class="count" id="count" safe>
          {t('forms.count', { count: form.submission_count })}
        </p>
      ) : (
        ''
      )}
      {closed ? (
        <p class="closed" role="status" safe>
          {t('forms.closed')}
        </p>
      ) : (
        <FormFields page={page} form={form} action={formAction(`/forms/${form.slug}`, values.source)} values={values} errors={errors} challenge={props.challenge} />
      )}
    </Layout>
  );
}

export function ThanksPage(props: { page: PageContext; form: PublicForm; url: string }): JSX.Element {
  const { page, url } = props;
  const form = formInLanguage(page, props.form);
  const { t } = page;
  const shares = shareLinks(page, { subject: t('forms.share.subject', { title: form.title }), text: t('forms.share.text', { title: form.title }), url, x: true });
  return (
    <Layout page={page} title={t('forms.thanks.title')} brand={form.brand} share={formShare(page, form)}>
      <h1 safe>{t('forms.thanks.title')}</h1>
      <p role="status" safe>
        {t('forms.thanks.body', { title: form.title })}
      </p>
      <h2 safe>{t('forms.thanks.share')}</h2>
      <p safe>{t('forms.thanks.share_hint')}</p>
      <ShareList page={page} shares={shares} url={url} />
      <p>
        <a href={`/forms/${form.slug}`} safe>
          {t('forms.thanks.back')}
        </a>
      </p>
    </Layout>
  );
}

/** Why the form took nothing (it is closed), with the way back to it. */
export function ClosedPage(props: { page: PageContext; form: PublicForm }): JSX.Element {
  const { t } = props.page;
  return NoticePage({ page: props.page, title: t('forms.closed_title'), body: t('forms.closed'), back: { href: `/forms/${props.form.slug}`, label: t('forms.thanks.back') } });
}
