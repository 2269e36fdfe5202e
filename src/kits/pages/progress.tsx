// The count an action page leads with: the numbers as text ("5 of 500 signatures"), large,
// and a bar drawn as inline SVG (its width is an attribute, so no inline style is needed under
// the pages' Content-Security-Policy) that always shows a sliver once anything is counted, so
// 5 of 500 reads as begun rather than empty. Screen readers get one progressbar with its values.

/** The bar's least visible width, in thousandths, once the count is above zero. */
const MIN_FILL = 20;

export function ProgressMeter(props: {
  /** Element id, unique on the page. */
  id: string;
  value: number;
  max: number;
  /** The whole sentence, translated: "5 of 500 signatures". */
  text: string;
  /** A line under the bar, like the deadline. */
  note?: string | null;
}): JSX.Element {
  const { id, value, max } = props;
  const ratio = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  const fill = value > 0 ? Math.max(MIN_FILL, Math.round(ratio * 1000)) : 0;
  return (
    <div class="progress-meter">
      <p class="count" id={`${id}-text`} safe>
        {props.text}
      </p>
      <div
        class="meter"
        role="progressbar"
        aria-labelledby={`${id}-text`}
        aria-valuemin="0"
        aria-valuemax={String(max)}
        aria-valuenow={String(Math.min(value, max))}
        aria-valuetext={props.text}
      >
        <svg viewBox="0 0 1000 24" preserveAspectRatio="none" width="100%" height="24" aria-hidden="true" focusable="false">
          <rect class="meter-track" width="1000" height="24" rx="4" />
          {fill > 0 ? <rect class="meter-fill" width={String(fill)} height="24" rx="4" /> : ''}
        </svg>
      </div>
      {props.note ? (
        <p class="hint" safe>
          {props.note}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}

/** A closing time as the reader's language writes it, in UTC (as the console types it): "June 30, 2026 at 11:59 PM". */
export function closingDate(lang: string, iso: string): string {
  return new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso));
}
