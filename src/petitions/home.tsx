import type { Context } from '../context.ts';
import './messages.ts';
import type { PageContext } from '../kits/pages/layout.tsx';
import { listOpenPetitions } from './repository.ts';

/** The home page's list of open petitions, newest first. */
export async function petitionsHome(ctx: Context, page: PageContext): Promise<JSX.Element | null> {
  const petitions = await listOpenPetitions(ctx.database.db);
  if (petitions.length === 0) return null;
  const { t } = page;
  return (
    <section aria-labelledby="home-petitions">
      <h2 id="home-petitions" safe>
        {t('home.petitions')}
      </h2>
      <ul class="petition-list">
        {petitions.map((p) => (
          <li>
            <a href={`/petitions/${p.slug}`} safe>
              {p.title}
            </a>
            <br />
            <span safe>{p.organization_name}</span> · <span safe>{t('petition.signatures', { count: p.signature_count })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
