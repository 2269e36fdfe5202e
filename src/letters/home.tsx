import type { Context } from '../context.ts';
import './messages.ts';
import type { PageContext } from '../kits/pages/layout.tsx';
import { listOpenCampaigns } from './repository.ts';
import { localized } from '../kits/pages/localized.ts';

/** The home page's list of open letter campaigns, newest first. */
export async function lettersHome(ctx: Context, page: PageContext): Promise<JSX.Element | null> {
  const campaigns = await listOpenCampaigns(ctx.database.db, new Date().toISOString());
  if (campaigns.length === 0) return null;
  const { t } = page;
  return (
    <section aria-labelledby="home-letters">
      <h2 id="home-letters" safe>
        {t('letter.home')}
      </h2>
      <ul class="petition-list">
        {campaigns.map((c) => {
          const title = localized(page.lang, c.title, c.title_es);
          return (
            <li>
              <a href={`/letters/${c.slug}`} lang={title.lang} safe>
                {title.text}
              </a>
              <br />
              <span safe>{c.organization_name}</span> · <span safe>{t('letter.count', { count: c.outreach_count })}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
