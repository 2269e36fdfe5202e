import type { Language, Translate } from '../../i18n/index.ts';

export interface PageContext {
  lang: Language;
  t: Translate;
  /** The current path and query without `lang`, to build the language switch link. */
  path: string;
}

/** Adds (or replaces) `lang=` on a same-site path. */
export function withLang(path: string, lang: Language): string {
  const url = new URL(path, 'http://x');
  url.searchParams.set('lang', lang);
  return url.pathname + url.search;
}

/** The frame of every public page: one stylesheet from this site, no scripts, a skip link, a language switch. */
export function Layout(props: { page: PageContext; title: string; children?: JSX.Element | JSX.Element[] }): JSX.Element {
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
        </head>
        <body>
          <a class="skip" href="#main" safe>
            {t('site.skip')}
          </a>
          <header class="site">
            <a href="/">turnout</a>
            <a class="lang-switch" href={withLang(path, other)} hreflang={other} lang={other} title={t('lang.switch_label')} safe>
              {t('lang.switch')}
            </a>
          </header>
          <main id="main">{props.children as 'safe'}</main>
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

/** A short message page with an optional way back: closed actions, used or broken links. */
export function NoticePage(props: { page: PageContext; title: string; body: string; back?: { href: string; label: string } }): JSX.Element {
  return (
    <Layout page={props.page} title={props.title}>
      <h1 safe>{props.title}</h1>
      <p safe>{props.body}</p>
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
