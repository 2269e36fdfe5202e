import type { Context } from '../context.ts';
import './messages.ts';
import type { PageContext } from '../kits/pages/layout.tsx';
import { openPages } from './repository.ts';
import { localized } from '../kits/pages/localized.ts';

/** The home page's list of open fundraisers, newest first. */
export async function donationsHome(ctx: Context, page: PageContext): Promise<JSX.Element | null> {
  const pages = await openPages(ctx.database.db, 20, new Date().toISOString());
  if (pages.length === 0) return null;
  const { t } = page;
  return (
    <section aria-labelledby="home-fundraising">
      <h2 id="home-fundraising" safe>
        {t('donation.home_heading')}
      </h2>
      <ul class="petition-list">
        {pages.map((p) => {
          // The reader's version of the title, marked when it is in the other language.
          const title = localized(page.lang, p.title, p.title_es);
          return (
            <li>
              <a href={`/fundraising/${p.slug}`} lang={title.lang} safe>
                {title.text}
              </a>
              <br />
              <span safe>{p.organization_name}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
