import type { PageContext } from './layout.tsx';

// What a thank-you page offers after an action: ways to pass the action on, without any
// third-party script (each is a plain link), and its address to copy.

/** A share link: the name shown, and where it goes. */
export type Share = [name: string, href: string];

/** Email, WhatsApp, Facebook and Bluesky, each carrying `text` and the action's `url`. */
export function shareLinks(page: PageContext, share: { subject: string; text: string; url: string }): Share[] {
  const { subject, text, url } = share;
  return [
    [page.t('thanks.share_email'), `mailto:?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(`${text}\n${url}`)}`],
    ['WhatsApp', `https://wa.me/?text=${encodeURIComponent(`${text} ${url}`)}`],
    ['Facebook', `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(url)}`],
    ['Bluesky', `https://bsky.app/intent/compose?text=${encodeURIComponent(`${text} ${url}`)}`],
  ];
}

/** The share links as a list, then the action's address in a field to copy. */
export function ShareList(props: { page: PageContext; shares: Share[]; url: string }): JSX.Element {
  return (
    <>
      <ul class="share">
        {props.shares.map(([name, href]) => (
          <li>
            <a href={href} rel="noopener noreferrer" safe>
              {name}
            </a>
          </li>
        ))}
      </ul>
      <div class="field">
        <label for="share-url" safe>
          {props.page.t('thanks.share_copy')}
        </label>
        <input type="url" id="share-url" readonly value={props.url} />
      </div>
    </>
  );
}
