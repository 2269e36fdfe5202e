import type { Context } from '../context.ts';
import './messages.ts';
import type { PageContext } from '../kits/pages/layout.tsx';
import { nowIso } from '../util/ids.ts';
import { localized } from '../kits/pages/localized.ts';
import { listOpenLetters } from './repository.ts';

/** The home page's open letters still taking signatures, newest first. */
export async function openLettersHome(ctx: Context, page: PageContext): Promise<JSX.Element | null> {
  const letters = await listOpenLetters(ctx.database.db, nowIso());
  if (letters.length === 0) return null;
  const { t } = page;
  return (
    <section aria-labelledby="home-open-letters">
      <h2 id="home-open-letters" safe>{t('openletter.home_heading')}</h2>
      <ul class="petition-list">
        {letters.map((l) => {
          const title = localized(page.lang, l.title, l.title_es);
          return (
            <li>
              <a href={`/open_letters/${l.slug}`} lang={title.lang} safe>{title.text}</a>
              <br />
              <span safe>{l.organization_name}</span> · <span safe>{t('openletter.organizations', { count: l.organization_count })}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
