import type { Language, Translate } from '../../i18n/index.ts';
import type { ShareMeta } from './share-meta.ts';

export interface PageContext {
  lang: Language;
  t: Translate;
  /** The current path and query without `lang`, to build the language switch link. */
  path: string;
  /** The site's BASE_URL, for the absolute addresses a link preview needs. */
  baseUrl?: string;
}

/** Who is behind a page: the sponsoring organization's name, its logo and its accent colour's stylesheet (src/orgs/brand.ts). */
export interface Brand {
  name: string;
  /** The logo's path on this site, with its version; null: none. */
  logo?: string | null;
  /** A stylesheet from this site giving buttons and links the organization's accent colour. */
  stylesheet?: string | null;
}

const OG_LOCALE: Record<Language, string> = { en: 'en_US', es: 'es_US' };

/** The tags a link preview (Open Graph, X's cards) and a search engine read; every address absolute. */
function ShareTags(props: { page: PageContext; share: ShareMeta; brand?: Brand }): JSX.Element {
  const { page, share } = props;
  const base = (page.baseUrl ?? 'http://localhost').replace(/\/$/, '');
  const url = `${base}${share.path}`;
  const image = `${base}${share.image}`;
  const other: Language = page.lang === 'en' ? 'es' : 'en';
  return (
    <>
      <meta name="description" content={share.description} />
      <link rel="canonical" href={url} />
      <meta property="og:type" content="website" />
      <meta property="og:site_name" content={props.brand?.name ?? 'turnout'} />
      <meta property="og:title" content={share.title} />
      <meta property="og:description" content={share.description} />
      <meta property="og:url" content={url} />
      <meta property="og:locale" content={OG_LOCALE[page.lang]} />
      <meta property="og:locale:alternate" content={OG_LOCALE[other]} />
      <meta property="og:image" content={image} />
      <meta property="og:image:type" content="image/png" />
      <meta property="og:image:width" content="1200" />
      <meta property="og:image:height" content="630" />
      <meta property="og:image:alt" content={share.imageAlt} />
      <meta name="twitter:card" content="summary_large_image" />
      <meta name="twitter:title" content={share.title} />
      <meta name="twitter:description" content={share.description} />
      <meta name="twitter:image" content={image} />
      <meta name="twitter:image:alt" content={share.imageAlt} />
    </>
  );
}

/** Adds (or replaces) `lang=` on a same-site path. */
export function withLang(path: string, lang: Language): string {
  const url = new URL(path, 'http://x');
  url.searchParams.set('lang', lang);
  return url.pathname + url.search;
}

/**
 * The frame of every public page: one stylesheet from this site (two with an organization's
 * accent colour), no scripts, a skip link, a language switch. An action's page names its
 * organization in the header (`brand`) and carries its link preview's tags (`share`).
 */
export function Layout(props: {
  page: PageContext;
  title: string;
  share?: ShareMeta;
  brand?: Brand;
  /** Coalition partners named under the header, in the reader's language's list style. */
  partners?: { name: string }[];
  children?: JSX.Element | JSX.Element[];
}): JSX.Element {
  const { t, lang, path } = props.page;
  const other: Language = lang === 'en' ? 'es' : 'en';
  return (
    <>
      {'<!doctype html>'}
      <html lang={lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{props.title}</title>
          <link rel="stylesheet" href="/assets/turnout.css" />
          {props.brand?.stylesheet ? <link rel="stylesheet" href={props.brand.stylesheet} /> : ''}
          {props.share ? <ShareTags page={props.page} share={props.share} brand={props.brand} /> : ''}
        </head>
        <body>
          <a class="skip" href="#main" safe>
            {t('site.skip')}
          </a>
          <header class="site">
            {props.brand ? (
              <span class="brand">
                {props.brand.logo ? <img src={props.brand.logo} alt="" height="40" /> : ''}
                <span safe>{props.brand.name}</span>
              </span>
            ) : (
              <a href="/">turnout</a>
            )}
            <a class="lang-switch" href={withLang(path, other)} hreflang={other} lang={other} title={t('lang.switch_label')} safe>
              {t('lang.switch')}
            </a>
          </header>
          <main id="main">
            {props.partners && props.partners.length > 0 ? (
              <p class="partners" safe>
                {t('site.partners', { names: new Intl.ListFormat(lang, { type: 'conjunction' }).format(props.partners.map((p) => p.name)) })}
              </p>
            ) : (
              ''
            )}
            {props.children as 'safe'}
          </main>
          <footer class="site">
            <span safe>{t('site.footer')}</span>
          </footer>
        </body>
      </html>
    </>
  );
}

export function ErrorPage(props: { page: PageContext; title: string; body: string }): JSX.Element {
  return (
    <Layout page={props.page} title={props.title}>
      <h1 safe>{props.title}</h1>
      <p safe>{props.body}</p>
      <p>
        <a href="/">turnout</a>
      </p>
    </Layout>
  );
}

/**
 * A short message page with an optional way back: closed actions, used or broken links. `titleLang`: the title's language
 * when it is not the page's (an action's title shown in its other version), so that a screen
 * reader reads it in the right voice. `status`: the body is announced as a status message.
 */
export function NoticePage(props: { page: PageContext; title: string; titleLang?: Language; body: string; back?: { href: string; label: string }; status?: boolean }): JSX.Element {
  return (
    <Layout page={props.page} title={props.title}>
      <h1 lang={props.titleLang} safe>
        {props.title}
      </h1>
      <p role={props.status ? 'status' : undefined} safe>
        {props.body}
      </p>
      {props.back ? (
        <p>
          <a href={props.back.href} safe>
            {props.back.label}
          </a>
        </p>
      ) : (
        ''
      )}
    </Layout>
  );
}
