import './messages.ts';
import type { PageContext } from '../pages/layout.tsx';
import type { DeliveryMethod } from './tables.ts';

/** The public line: delivered to whom, when and how, in the reader's language. */
export function DeliveredNotice(props: { page: PageContext; deliveries: { delivered_on: string; recipient: string; method: DeliveryMethod }[] }): JSX.Element {
  const { t } = props.page;
  if (props.deliveries.length === 0) return '';
  return (
    <section class="notice" aria-labelledby="delivered-heading">
      <h2 id="delivered-heading" safe>{t('delivery.heading')}</h2>
      {props.deliveries.map((d) => (
        <p safe>{t('delivery.line', { recipient: d.recipient, date: d.delivered_on, method: t(`delivery.method.${d.method}`) })}</p>
      ))}
    </section>
  );
}
