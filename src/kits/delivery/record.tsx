import { isCleanText } from '../../actions/people/normalize.ts';
import { CsrfField, ErrorSummary, Input, TextArea } from '../console/layout.tsx';
import { DataTable } from '../console/table.tsx';
import type { Delivery, DeliveryMethod } from './tables.ts';
import { DATE_HINT } from '../console/format.ts';

// The delivery record's form and list in the console (English); its public line is notice.tsx.

export const DELIVERY_METHODS: Record<DeliveryMethod, string> = { email: 'By email', in_person: 'In person', other: 'Other' };

export interface DeliveryForm {
  delivered_on: string;
  recipient: string;
  method: string;
  note: string;
  shown: boolean;
}

export type DeliveryFormErrors = Partial<Record<keyof DeliveryForm, string>>;

const text = (body: Record<string, unknown> | undefined, name: string) => {
  const v = body?.[name];
  return typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : '';
};

/** The form as typed, and what is wrong with it; `record` only when nothing is. */
export function readDeliveryForm(body: Record<string, unknown> | undefined): {
  form: DeliveryForm;
  errors: DeliveryFormErrors;
  record?: { delivered_on: string; recipient: string; method: DeliveryMethod; note: string; shown: number };
} {
  const form: DeliveryForm = {
    delivered_on: text(body, 'delivered_on'),
    recipient: text(body, 'recipient'),
    method: text(body, 'method'),
    note: text(body, 'note'),
    shown: body?.shown === 'yes',
  };
  const errors: DeliveryFormErrors = {};
  const day = /^\d{4}-\d{2}-\d{2}$/.test(form.delivered_on) ? new Date(`${form.delivered_on}T00:00:00Z`) : null;
  if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== form.delivered_on) errors.delivered_on = 'Enter the day it was delivered, like 2026-05-01';
  if (!form.recipient) errors.recipient = 'Enter whom it was delivered to';
  else if (form.recipient.length > 300 || !isCleanText(form.recipient)) errors.recipient = 'Enter whom it was delivered to on one line, in 300 characters or fewer';
  if (!(form.method in DELIVERY_METHODS)) errors.method = 'Choose how it was delivered';
  if (form.note.length > 2000 || (form.note && !isCleanText(form.note, true))) errors.note = 'The note must be 2,000 characters or fewer, without control characters';
  if (Object.keys(errors).length > 0) return { form, errors };
  return { form, errors, record: { delivered_on: form.delivered_on, recipient: form.recipient, method: form.method as DeliveryMethod, note: form.note, shown: form.shown ? 1 : 0 } };
}

/** The console's section on one action's deliveries: those recorded, and the form to record one. */
export function DeliverySection(props: {
  csrf: string;
  /** Where the form posts; deletions post to `${action}/:id/delete`. */
  action: string;
  deliveries: Delivery[];
  form?: DeliveryForm;
  errors?: DeliveryFormErrors;
  canRecord: boolean;
}): JSX.Element {
  const form = props.form ?? { delivered_on: new Date().toISOString().slice(0, 10), recipient: '', method: 'email', note: '', shown: true };
  const errors = props.errors ?? {};
  return (
    <section aria-labelledby="deliveries">
      <h2 id="deliveries">Delivery to the target</h2>
      <DataTable
        rows={props.deliveries}
        empty="Not delivered yet."
        columns={[
          { label: 'Delivered on', text: (d) => d.delivered_on },
          { label: 'To', text: (d) => d.recipient },
          { label: 'How', text: (d) => DELIVERY_METHODS[d.method] ?? d.method },
          { label: 'Note', text: (d) => d.note },
          { label: 'On the public page', text: (d) => (d.shown ? 'shown' : 'not shown') },
          ...(props.canRecord
            ? [{
                label: 'Remove',
                cell: (d: Delivery) => (
                  <form method="post" action={`${props.action}/${d.id}/delete`} class="inline">
                    <CsrfField token={props.csrf} />
                    <button type="submit" class="secondary">Remove</button>
                  </form>
                ),
              }]
            : []),
        ]}
      />
      {props.canRecord ? (
        <form method="post" action={props.action} novalidate>
          <h3>Record a delivery</h3>
          <ErrorSummary errors={errors} />
          <CsrfField token={props.csrf} />
          <Input name="delivered_on" type="date" label="Delivered on" value={form.delivered_on} error={errors.delivered_on} hint={`The day. ${DATE_HINT}.`} />
          <Input name="recipient" label="Delivered to" value={form.recipient} error={errors.recipient} hint="Whom it was handed or sent to: a name and their office." />
          <div class={errors.method ? 'field has-error' : 'field'}>
            <label for="method">How</label>
            {errors.method ? <span class="error-message" id="method-error" safe>{errors.method}</span> : ''}
            <select id="method" name="method">
              {Object.entries(DELIVERY_METHODS).map(([value, label]) => (
                <option value={value} selected={form.method === value} safe>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <TextArea name="note" label="Note (optional)" value={form.note} error={errors.note} rows={3} hint="Kept in the console; never shown on the public page." />
          <div class="checkbox">
            <input type="checkbox" id="shown" name="shown" value="yes" checked={form.shown} />
            <label for="shown">Show on the public page that it was delivered, to whom and when</label>
          </div>
          <button type="submit">Record the delivery</button>
        </form>
      ) : (
        ''
      )}
    </section>
  );
}
