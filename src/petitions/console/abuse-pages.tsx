import { AdminLayout, CsrfField, ErrorSummary, Input, TextArea, type AdminPage } from '../../kits/console/layout.tsx';
import { DataTable } from '../../kits/console/table.tsx';
import { DATE_TIME_HINT, minute, number } from '../../kits/console/format.ts';
import type { ChallengeMode } from '../../kits/pages/challenge.ts';
import type { SurgeReading } from '../../kits/pages/surge-detector.ts';
import type { InvalidationCriteria, InvalidationPreview } from '../invalidation.ts';
import type { SignatureInvalidation } from '../tables.ts';

/** The invalidation form as typed (times as `YYYY-MM-DDTHH:MM`, UTC). */
export interface CriteriaForm {
  from: string;
  before: string;
  source: string;
  email_domain: string;
  client_key: string;
}

export type CriteriaErrors = Partial<Record<keyof CriteriaForm | 'reason', string>>;

const MODE_TEXT: Record<ChallengeMode, string> = {
  off: 'Off: never, whatever the traffic',
  automatic: 'Automatic: on while a surge looks automated',
  always: 'Always on',
};

type Listed = SignatureInvalidation & { created_by_name: string | null; undone_by_name: string | null };

function criteriaText(json: string): string {
  let c: InvalidationCriteria = {};
  try {
    c = JSON.parse(json) as InvalidationCriteria;
  } catch {
    // shown as nothing chosen
  }
  const parts = [
    c.from ? `from ${minute(c.from)}` : '',
    c.before ? `before ${minute(c.before)}` : '',
    c.source ? `source “${c.source}”` : '',
    c.email_domain ? `email @${c.email_domain}` : '',
    c.client_key ? `client key ${c.client_key}` : '',
  ].filter(Boolean);
  return parts.join(', ');
}

const query = (c: Partial<CriteriaForm>) => new URLSearchParams(Object.entries(c).filter((e): e is [string, string] => Boolean(e[1]))).toString();

export function AbusePage(props: {
  page: AdminPage;
  petition: { id: string; title: string; signature_count: number; challenge: ChallengeMode };
  reading: SurgeReading;
  active: boolean;
  form: CriteriaForm;
  errors: CriteriaErrors;
  reason: string;
  preview?: InvalidationPreview;
  busiest: { keys: { value: string; n: number }[]; domains: { value: string; n: number }[] };
  invalidations: Listed[];
}): JSX.Element {
  const { page, petition: p, form, errors, preview, reading } = props;
  const base = `/admin/petitions/${p.id}/abuse`;
  return (
    <AdminLayout page={page} title={`Abuse: ${p.title}`}>
      <p>
        <a href={`/admin/petitions/${p.id}`}>Back to the petition</a>
      </p>
      <h1 safe>{`Abuse: ${p.title}`}</h1>
      <h2 id="challenge">Proof-of-work challenge</h2>
      <p>
        With the challenge on, the sign form makes the supporter's browser do a few seconds of work before it sends (a script from this site,
        nothing from another). Without JavaScript the form still works, but takes at most 3 signatures per connection every 10 minutes.
      </p>
      <p role="status" safe>
        {(props.active ? 'The challenge is on now. ' : 'The challenge is off now. ') +
          `In this web process, the last minute brought ${number(reading.perMinute)} signatures; the three busiest connections sent ${Math.round(reading.topKeysShare * 100)} %` +
          (reading.topDomain ? `, and ${Math.round(reading.topDomainShare * 100)} % came from @${reading.topDomain}.` : '.') +
          (reading.onUntil ? ` The detector keeps it on until ${minute(new Date(reading.onUntil).toISOString())} UTC.` : '')}
      </p>
      <form method="post" action={`/admin/petitions/${p.id}/challenge`}>
        <CsrfField token={page.csrf} />
        <fieldset>
          <legend>When the form carries the challenge</legend>
          {(['off', 'automatic', 'always'] as const).map((mode) => (
            <div class="field">
              <input type="radio" id={`challenge-${mode}`} name="challenge" value={mode} checked={p.challenge === mode} />{' '}
              <label for={`challenge-${mode}`} safe>
                {MODE_TEXT[mode]}
              </label>
            </div>
          ))}
        </fieldset>
        <button type="submit">Save</button>
      </form>

      <h2 id="invalidate">Invalidate signatures</h2>
      <p>
        Choose signatures by time, source, email domain or client key. Invalidated signatures leave the count, the exports and the partners' counts;
        they stay in the database, and an invalidation can be undone.
      </p>
      <ErrorSummary errors={errors} />
      <form method="get" action={`${base}#invalidate`} novalidate>
        <Input name="from" label="Signed from (UTC)" type="datetime-local" value={form.from} error={errors.from} hint={`${DATE_TIME_HINT}. Leave empty for the first signature.`} />
        <Input name="before" label="Signed before (UTC)" type="datetime-local" value={form.before} error={errors.before} hint={`${DATE_TIME_HINT}. Leave empty for now.`} />
        <Input name="source" label="Source code" value={form.source} error={errors.source} hint="The ?source= of the link they signed from." />
        <Input name="email_domain" label="Email domain" value={form.email_domain} error={errors.email_domain} hint="Like spam.example." />
        <Input name="client_key" label="Client key" value={form.client_key} error={errors.client_key} hint="16 characters, as listed below." />
        <button type="submit" name="preview" value="1">
          See what would change
        </button>
      </form>
      {preview ? (
        <section aria-labelledby="preview-heading">
          <h3 id="preview-heading">What would change</h3>
          <p role="status" safe>
            {`${number(preview.signatures)} ${preview.signatures === 1 ? 'signature matches' : 'signatures match'}, ${number(preview.counted)} of them in the count. The count would go from ${number(preview.countBefore)} to ${number(preview.countAfter)}.`}
          </p>
          {preview.signatures > 0 ? (
            <form method="post" action={`/admin/petitions/${p.id}/invalidations`}>
              <CsrfField token={page.csrf} />
              {(Object.keys(form) as (keyof CriteriaForm)[]).map((k) => (
                <input type="hidden" name={k} value={form[k]} />
              ))}
              <TextArea name="reason" label="Reason" rows={3} value={props.reason} error={errors.reason} hint="Kept with the invalidation and in the audit log, for your team." />
              <button type="submit" safe>{`Invalidate ${number(preview.signatures)} ${preview.signatures === 1 ? 'signature' : 'signatures'}`}</button>
            </form>
          ) : (
            ''
          )}
        </section>
      ) : (
        ''
      )}
      <h3>Busiest in the last 24 hours</h3>
      <DataTable<{ value: string; n: number }>
        caption="Client keys"
        empty="No signatures with a client key in the last 24 hours."
        rows={props.busiest.keys}
        columns={[
          { label: 'Client key', head: true, text: (r) => r.value, href: (r) => `${base}?${query({ client_key: r.value })}&preview=1#invalidate` },
          { label: 'Signatures', num: true, text: (r) => number(r.n) },
        ]}
      />
      <DataTable<{ value: string; n: number }>
        caption="Email domains"
        empty="No signatures in the last 24 hours."
        rows={props.busiest.domains}
        columns={[
          { label: 'Domain', head: true, text: (r) => r.value, href: (r) => `${base}?${query({ email_domain: r.value })}&preview=1#invalidate` },
          { label: 'Signatures', num: true, text: (r) => number(r.n) },
        ]}
      />
      <p>
        To refuse new signatures from a domain or a client key, add it to the <a href="/admin/blocks">block lists</a>.
      </p>
      <h2 id="invalidations">Invalidations</h2>
      <DataTable<Listed>
        empty="None yet."
        rows={props.invalidations}
        columns={[
          { label: 'When (UTC)', head: true, text: (r) => minute(r.created_at) },
          { label: 'Chosen', text: (r) => criteriaText(r.criteria) },
          { label: 'Reason', text: (r) => r.reason },
          { label: 'By', text: (r) => r.created_by_name ?? '' },
          { label: 'Signatures', num: true, text: (r) => number(r.signatures) },
          { label: 'Counted', num: true, text: (r) => number(r.counted) },
          {
            label: 'Undo',
            cell: (r) =>
              r.undone_at ? (
                <span safe>{`undone ${minute(r.undone_at)}${r.undone_by_name ? ` by ${r.undone_by_name}` : ''}`}</span>
              ) : (
                <form method="post" action={`/admin/petitions/${p.id}/invalidations/${r.id}/undo`} class="inline">
                  <CsrfField token={page.csrf} />
                  <button type="submit" class="secondary" aria-label={`Undo the invalidation of ${minute(r.created_at)}`}>
                    Undo
                  </button>
                </form>
              ),
          },
        ]}
      />
    </AdminLayout>
  );
}
