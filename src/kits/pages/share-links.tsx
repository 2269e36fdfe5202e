import type { PageContext } from './layout.tsx';

// What a thank-you page offers after an action: ways to pass the action on, without any
// third-party script (each is a plain link), and its address to copy. Each network's link
// carries its own `?source=share-<network>` code (and the sharer's code after a dot, where
// they have one), kept with the action of whoever follows it, so the console can tell which
// shares brought people (`shareSourceName`).

/** A share link: the name shown, and where it goes. */
export type Share = [name: string, href: string];

/** The networks a share link can go to, by the code its `?source=` carries. */
export const SHARE_NETWORKS = { email: 'Shared by email', whatsapp: 'Shared on WhatsApp', facebook: 'Shared on Facebook', bluesky: 'Shared on Bluesky', x: 'Shared on X', copy: 'Shared as a copied link' } as const;
export type ShareNetwork = keyof typeof SHARE_NETWORKS;

const CODE = /^[A-Za-z0-9_-]{1,60}$/;

/** The action's address with the `source` code of one network (and the sharer's code, when it looks like one). */
export function sharedUrl(url: string, network: ShareNetwork, code?: string | null): string {
  const u = new URL(url);
  u.searchParams.set('source', code && CODE.test(code) ? `share-${network}.${code}` : `share-${network}`);
  return u.toString();
}

/** What a source code says of a share, for the console ("Shared on WhatsApp"); null for other codes. */
export function shareSourceName(source: string | null | undefined): string | null {
  const m = /^share-([a-z]+)(?:\.([A-Za-z0-9_-]{1,60}))?$/.exec(source ?? '');
  if (!m || !(m[1]! in SHARE_NETWORKS)) return null;
  const name = SHARE_NETWORKS[m[1] as ShareNetwork];
  return m[2] ? `${name} (sharer ${m[2]})` : name;
}

/**
 * Email, WhatsApp, Facebook and Bluesky (and X with `x: true`), each carrying `text` and the
 * action's `url` with that network's source code; `code` is the sharer's own, where they have one.
 */
export function shareLinks(page: PageContext, share: { subject: string; text: string; url: string; code?: string | null; x?: boolean }): Share[] {
  const { subject, text, code } = share;
  const at = (network: ShareNetwork) => sharedUrl(share.url, network, code);
  const links: Share[] = [
    [page.t('thanks.share_email'), `mailto:?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(`${text}\n${at('email')}`)}`],
    ['WhatsApp', `https://wa.me/?text=${encodeURIComponent(`${text} ${at('whatsapp')}`)}`],
    ['Facebook', `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(at('facebook'))}`],
    ['Bluesky', `https://bsky.app/intent/compose?text=${encodeURIComponent(`${text} ${at('bluesky')}`)}`],
  ];
  if (share.x) links.push(['X', `https://x.com/intent/post?text=${encodeURIComponent(text)}&url=${encodeURIComponent(at('x'))}`]);
  return links;
}

/** The share links as a list, then the action's address (with the `copy` source code) in a field to copy. */
export function ShareList(props: { page: PageContext; shares: Share[]; url: string; code?: string | null }): JSX.Element {
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
        <input type="url" id="share-url" readonly value={sharedUrl(props.url, 'copy', props.code)} />
      </div>
    </>
  );
}
