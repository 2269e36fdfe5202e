import type { Context } from '../context.ts';
import './messages.ts';
import type { PageContext } from '../kits/pages/layout.tsx';
import { listOpenForms } from './repository.ts';

/** The home page's list of open forms, newest first. */
export async function formsHome(ctx: Context, page: PageContext): Promise<JSX.Element | null> {
  const forms = await listOpenForms(ctx.database.db);
  if (forms.length === 0) return null;
  const { t } = page;
  return (
    <section aria-labelledby="home-forms">
      <h2 id="home-forms" safe>
        {t('forms.home')}
      </h2>
      <ul class="petition-list">
        {forms.map((f) => (
          <li>
            <a href={`/forms/${f.slug}`} safe>
              {f.title}
            </a>
            <br />
            <span safe>{f.organization_name}</span>
            {f.submission_count > 0 ? (
              <>
                {' · '}
                <span safe>{t('forms.count', { count: f.submission_count })}</span>
              </>
            ) : (
              ''
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
