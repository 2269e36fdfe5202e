import './abuse-messages.ts';
import type { PageContext } from './layout.tsx';
import { CHALLENGE_FIELD } from './challenge.ts';

/**
 * The challenge inside a form: the hidden field the solver fills, a status line a screen reader
 * hears while it works, a note for those without JavaScript (hidden by the solver), and the solver itself (from this
 * site; the page is then sent with CHALLENGE_CSP). The texts are in the page's language.
 */
export function ChallengeField(props: { page: PageContext }): JSX.Element {
  const { t } = props.page;
  return (
    <div class="challenge" data-challenge="/challenge" data-working={t('challenge.working')}>
      <input type="hidden" name={CHALLENGE_FIELD} value="" />
      <p class="hint" role="status" aria-live="polite" data-challenge-status></p>
      {/* Shown unless the solver runs (it hides it): <noscript> is not honoured everywhere JavaScript is off. */}
      <p class="hint" data-challenge-note safe>
        {t('challenge.noscript')}
      </p>
      <script src="/assets/challenge.js" defer></script>
    </div>
  );
}
