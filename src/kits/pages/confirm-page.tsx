import { Layout, type PageContext } from './layout.tsx';

/**
 * What an emailed link opens: a page with one button that confirms. Mail scanners open links,
 * and must not confirm anything; the form carries the page's language.
 */
export function ConfirmButtonPage(props: { page: PageContext; title: string; body: string; action: string; button: string }): JSX.Element {
  return (
    <Layout page={props.page} title={props.title}>
      <h1 safe>{props.title}</h1>
      <p safe>{props.body}</p>
      <form method="post" action={props.action}>
        <input type="hidden" name="lang" value={props.page.lang} />
        <button type="submit" safe>
          {props.button}
        </button>
      </form>
    </Layout>
  );
}
