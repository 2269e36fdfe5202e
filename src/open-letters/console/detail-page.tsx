import { AdminLayout, CsrfField, type AdminPage } from '../../kits/console/layout.tsx';
import { DataTable, type Column } from '../../kits/console/table.tsx';
import { minute, number } from '../../kits/console/format.ts';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';
import { DeliverySection, type DeliveryForm, type DeliveryFormErrors } from '../../kits/delivery/record.tsx';
import type { Delivery } from '../../kits/delivery/tables.ts';
import type { OpenLetter, SignatureStatus } from '../tables.ts';

/** A signature as the console lists it (email and name only for roles that may see people). */
export interface ConsoleSignature {
  id: string;
  kind: 'organization' | 'individual';
  org_name: string | null;
  org_website: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  signer_role: string | null;
  show_signer: number;
  status: SignatureStatus;
  moderation_reason: string | null;
  merged_into: string | null;
  group_name: string | null;
  featured: number;
  trusted: number;
  created_at: string;
  email: string | null;
  given_name: string | null;
  family_name: string | null;
  logo_id: string | null;
}

export interface DuplicatePair {
  first: ConsoleSignature;
  second: ConsoleSignature;
  by: 'domain' | 'name';
}

interface Can {
  manage: boolean;
  export: boolean;
  seePeople: boolean;
}

const place = (s: ConsoleSignature) => [s.city, s.region, s.country].filter(Boolean).join(', ');
const signer = (s: ConsoleSignature, seePeople: boolean) =>
  seePeople ? [[s.given_name, s.family_name].filter(Boolean).join(' '), s.signer_role, s.email ?? '(erased)'].filter(Boolean).join(' · ') + (s.show_signer ? ' (name shown)' : '') : s.signer_role ?? '';

function Decide(props: { csrf: string; letterId: string; s: ConsoleSignature; decisions: { value: 'approved' | 'rejected' | 'pending'; label: string }[] }): JSX.Element {
  const id = `reason-${props.s.id}`;
  return (
    <form method="post" action={`/admin/open_letters/${props.letterId}/signatures/${props.s.id}/moderate`} class="inline">
      <CsrfField token={props.csrf} />
      <label for={id}>Reason (kept)</label> <input type="text" id={id} name="reason" maxlength="500" />{' '}
      {props.decisions.map((d) => (
        <>
          <button type="submit" name="decision" value={d.value} class={d.value === 'approved' ? undefined : 'secondary'} safe>
            {d.label}
          </button>{' '}
        </>
      ))}
    </form>
  );
}

function Place(props: { csrf: string; letterId: string; s: ConsoleSignature; groups: string[] }): JSX.Element {
  const id = `group-${props.s.id}`;
  return (
    <form method="post" action={`/admin/open_letters/${props.letterId}/signatures/${props.s.id}/place`} class="inline">
      <CsrfField token={props.csrf} />
      {props.groups.length > 0 ? (
        <>
          <label for={id}>Group</label>{' '}
          <select id={id} name="group">
            <option value="" selected={props.s.group_name === null}>(none)</option>
            {props.groups.map((g) => (
              <option value={g} selected={props.s.group_name === g} safe>{g}</option>
            ))}
          </select>{' '}
        </>
      ) : (
        ''
      )}
      <input type="checkbox" id={`featured-${props.s.id}`} name="featured" value="yes" checked={props.s.featured === 1} /> <label for={`featured-${props.s.id}`}>Featured</label>{' '}
      <button type="submit" class="secondary">Save place</button>
    </form>
  );
}

function Table(props: { caption: string; rows: ConsoleSignature[]; can: Can; letterId: string; extra?: Column<ConsoleSignature>[] }): JSX.Element {
  const { can, letterId } = props;
  return (
    <DataTable
      caption={props.caption}
      rows={props.rows}
      empty=""
      columns={[
        { label: 'Organization', head: true, text: (s) => s.org_name ?? '' },
        { label: 'Logo', cell: (s) => (s.logo_id ? <img src={`/admin/open_letters/${letterId}/signatures/${s.id}/logo.png`} alt={`Logo of ${s.org_name ?? ''}`} height="32" /> : '') },
        { label: 'Website', text: (s) => s.org_website ?? '' },
        { label: 'Place', text: place },
        { label: can.seePeople ? 'Signed by' : 'Signer’s role', text: (s) => signer(s, can.seePeople) },
        { label: 'Signed (UTC)', text: (s) => minute(s.created_at) },
        ...(props.extra ?? []),
      ]}
    />
  );
}

export function LetterDetailPage(props: {
  page: AdminPage;
  letter: OpenLetter;
  targets: { name: string }[];
  groups: string[];
  held: boolean;
  signatures: ConsoleSignature[];
  duplicates: DuplicatePair[];
  deliveries: Delivery[];
  delivery?: { form: DeliveryForm; errors: DeliveryFormErrors };
  can: Can;
}): JSX.Element {
  const { page, letter: l, can, signatures } = props;
  const csrf = page.csrf;
  const orgs = signatures.filter((s) => s.kind === 'organization');
  const by = (status: SignatureStatus) => orgs.filter((s) => s.status === status);
  const individuals = signatures.filter((s) => s.kind === 'individual');
  const publicPath = `/open_letters/${l.slug}`;
  const manage = can.manage;
  return (
    <AdminLayout page={page} title={l.title}>
      <p>
        <a href="/admin/open_letters">Back to open letters</a>
      </p>
      <h1 safe>{l.title}</h1>
      <dl class="facts">
        <dt>Status</dt>
        <dd>{l.status}</dd>
        <dt>Deadline (UTC)</dt>
        <dd>{l.deadline ? minute(l.deadline) : 'none'}</dd>
        <dt>Organizations on the list</dt>
        <dd id="count" safe>{number(l.organization_count)}</dd>
        <dt>Awaiting review</dt>
        <dd id="pending-count" safe>{number(by('pending').length)}</dd>
        <dt>Individuals</dt>
        <dd>{l.allow_individuals ? number(l.individual_count) : 'not taken'}</dd>
        <dt>Names on the public page</dt>
        <dd id="hold">
          {props.held
            ? `held: the page shows the count only${l.hold_until_count !== null ? `, until ${number(l.hold_until_count)} organizations are approved` : ''}${l.hold_until_date !== null ? `${l.hold_until_count !== null ? ' or' : ','} until ${minute(l.hold_until_date)} UTC` : ''}`
            : 'published'}
        </dd>
        <dt>Public page</dt>
        <dd>
          <a href={publicPath} safe>{publicPath}</a>
        </dd>
      </dl>
      <div class="actions">
        {manage ? (
          <>
            <a href={`/admin/open_letters/${l.id}/edit`}>Edit the letter</a> <a href={`/admin/open_letters/${l.id}/partners`}>Partners</a>{' '}
            <form method="post" action={`/admin/open_letters/${l.id}/${l.status === 'open' ? 'close' : 'open'}`} class="inline">
              <CsrfField token={csrf} />
              <button type="submit" class="secondary">{l.status === 'open' ? 'Close the letter' : 'Open the letter'}</button>
            </form>{' '}
          </>
        ) : (
          ''
        )}
        <a href="/admin/open_letters/trusted">Trusted organizations</a>
      </div>
      {can.export ? (
        <p>
          Delivery: <a href={`/admin/open_letters/${l.id}/delivery.pdf`}>Download the letter with its signatories (PDF)</a> ·{' '}
          <a href={`/admin/open_letters/${l.id}/delivery.csv`}>the signatories (CSV)</a>
        </p>
      ) : (
        ''
      )}
      {props.duplicates.length > 0 ? (
        <section aria-labelledby="duplicates">
          <h2 id="duplicates">Possible duplicates</h2>
          <p>These look like one organization. Merging hides the duplicate from the list and keeps its signer on record.</p>
          <ul>
            {props.duplicates.map((d) => (
              <li class="duplicate">
                <span safe>{`“${d.first.org_name}” (${d.first.status}) and “${d.second.org_name}” (${d.second.status}): ${d.by === 'domain' ? 'the same website' : 'nearly the same name'}.`}</span>{' '}
                {manage
                  ? [
                      [d.second, d.first],
                      [d.first, d.second],
                    ].map(([duplicate, kept]) => (
                      <form method="post" action={`/admin/open_letters/${l.id}/merge`} class="inline">
                        <CsrfField token={csrf} />
                        <input type="hidden" name="duplicate" value={duplicate!.id} />
                        <input type="hidden" name="kept" value={kept!.id} />
                        <button type="submit" class="secondary" safe>{`Keep “${kept!.org_name}”, merge the other into it`}</button>
                      </form>
                    ))
                  : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : (
        ''
      )}
      <section aria-labelledby="pending">
        <h2 id="pending">Awaiting review</h2>
        {by('pending').length === 0 ? <p>No organization is waiting.</p> : ''}
        <Table caption="Confirmed by email, not on the list yet" rows={by('pending')} can={can} letterId={l.id} extra={manage ? [{ label: 'Decide', cell: (s) => <Decide csrf={csrf} letterId={l.id} s={s} decisions={[{ value: 'approved', label: 'Approve' }, { value: 'rejected', label: 'Reject' }]} /> }] : []} />
      </section>
      <section aria-labelledby="approved">
        <h2 id="approved">On the list</h2>
        <Table
          caption="Approved organizations"
          rows={by('approved')}
          can={can}
          letterId={l.id}
          extra={[
            { label: 'Group', text: (s) => s.group_name ?? '' },
            { label: 'Why', text: (s) => (s.trusted ? 'trusted organization' : s.moderation_reason ?? '') },
            ...(manage
              ? [
                  { label: 'Place', cell: (s: ConsoleSignature) => <Place csrf={csrf} letterId={l.id} s={s} groups={props.groups} /> },
                  {
                    label: 'Change',
                    cell: (s: ConsoleSignature) => (
                      <>
                        <form method="post" action={`/admin/open_letters/${l.id}/signatures/${s.id}/trust`} class="inline">
                          <CsrfField token={csrf} />
                          <button type="submit" class="secondary">Trust on later letters</button>
                        </form>{' '}
                        <Decide csrf={csrf} letterId={l.id} s={s} decisions={[{ value: 'rejected', label: 'Reject' }]} />
                      </>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </section>
      <section aria-labelledby="rejected">
        <h2 id="rejected">Rejected and merged</h2>
        <Table
          caption="Not on the list, kept on record"
          rows={[...by('rejected'), ...by('merged')]}
          can={can}
          letterId={l.id}
          extra={[
            { label: 'Status', text: (s) => s.status },
            { label: 'Reason', text: (s) => s.moderation_reason ?? '' },
            ...(manage ? [{ label: 'Change', cell: (s: ConsoleSignature) => (s.status === 'rejected' ? <Decide csrf={csrf} letterId={l.id} s={s} decisions={[{ value: 'approved', label: 'Approve' }, { value: 'pending', label: 'Back to review' }]} /> : '') }] : []),
          ]}
        />
      </section>
      <section aria-labelledby="unconfirmed">
        <h2 id="unconfirmed">Not confirmed by email yet</h2>
        <Table caption="Their signer has not used the link in the email" rows={by('unconfirmed')} can={can} letterId={l.id} />
        {individuals.length > 0 ? <p safe>{`${number(individuals.filter((s) => s.status === 'approved').length)} individuals confirmed, ${number(individuals.filter((s) => s.status === 'unconfirmed').length)} not yet.`}</p> : ''}
      </section>
      <DeliverySection csrf={csrf} action={`/admin/open_letters/${l.id}/deliveries`} deliveries={props.deliveries} form={props.delivery?.form} errors={props.delivery?.errors} canRecord={manage} />
      <h2>The letter</h2>
      {props.targets.length > 0 ? <p safe>{`To: ${props.targets.map((t) => t.name).join(', ')}`}</p> : ''}
      {l.description ? <p class="lede" safe>{l.description}</p> : ''}
      <blockquote class="petition-text">{petitionTextHtml(l.letter_text) as 'safe'}</blockquote>
    </AdminLayout>
  );
}
