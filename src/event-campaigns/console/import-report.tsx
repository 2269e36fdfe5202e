// The report of a CSV file of events: the rows that can be added, the rows refused with their line
// and reasons, and the button that adds the accepted ones.
import { CsrfField } from '../../kits/console/layout.tsx';
import { DataTable } from '../../kits/console/table.tsx';
import type { EventCampaign } from '../tables.ts';
import type { EventFileCheck } from '../csv-import.ts';
import { whenText, cityOf } from '../public/pages.tsx';

export function ImportReport(props: { campaign: Pick<EventCampaign, 'id'>; check: EventFileCheck; csv: string; csrf: string }): JSX.Element {
  const { check } = props;
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return (
    <>
      {props.csv ? (
        <p role="status" safe>
          {`${n(check.accepted.length, 'row can be added', 'rows can be added')}, ${n(check.refused.length, 'row is refused', 'rows are refused')}. Nothing is added until you press the button below.`}
        </p>
      ) : (
        ''
      )}
      {check.refused.length > 0 ? (
        <DataTable
          caption="Rows refused (line numbers count the header as line 1)"
          rows={check.refused}
          columns={[
            { label: 'Line', num: true, head: true, text: (r) => String(r.line) },
            { label: 'Title', text: (r) => r.title },
            { label: 'Why', text: (r) => r.reasons.join('; ') },
          ]}
        />
      ) : (
        ''
      )}
      {props.csv && check.accepted.length > 0 ? (
        <>
          <DataTable
            caption="Rows to add"
            rows={check.accepted}
            columns={[
              { label: 'Line', num: true, head: true, text: (r) => String(r.line) },
              { label: 'Title', text: (r) => r.columns.title },
              { label: 'When and where', text: (r) => `${whenText('en', r.columns)} · ${r.columns.online ? 'Online' : cityOf(r.columns) || (r.columns.postal_code ?? '')} ${r.columns.country === 'US' ? '' : r.columns.country}`.trim() },
              { label: 'Host', text: (r) => (r.host ? `${r.host.name} ${r.host.email}` : '') },
            ]}
          />
          <form method="post" action={`/admin/event-campaigns/${props.campaign.id}/import/commit`}>
            <CsrfField token={props.csrf} />
            <textarea name="csv" hidden aria-hidden="true" safe>
              {props.csv}
            </textarea>
            <button type="submit" safe>
              {`Add ${n(check.accepted.length, 'event', 'events')}${check.refused.length > 0 ? ` and skip the ${n(check.refused.length, 'refused row', 'refused rows')}` : ''}`}
            </button>
          </form>
        </>
      ) : (
        ''
      )}
    </>
  );
}
