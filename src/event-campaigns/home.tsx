import type { Context } from '../context.ts';
import type { PageContext } from '../kits/pages/layout.tsx';
import { openCampaigns } from './repository.ts';

/** The home page's open weeks of action. */
export async function campaignsHome(ctx: Context, page: PageContext): Promise<JSX.Element | null> {
  const campaigns = await openCampaigns(ctx.database.db);
  if (campaigns.length === 0) return null;
  const { t } = page;
  return (
    <section aria-labelledby="home-campaigns">
      <h2 id="home-campaigns" safe>
        {t('home.campaigns')}
      </h2>
      <ul class="petition-list">
        {campaigns.map((c) => (
          <li>
            <a href={`/event_campaigns/${c.slug}`} safe>
              {c.title}
            </a>
            <br />
            <span safe>{c.organization_name}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
