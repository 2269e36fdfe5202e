import multipart, { type Multipart } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { AdminLayout, CsrfField, ErrorSummary, Input, type AdminPage } from '../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../kits/console/page.tsx';
import * as accounts from '../accounts/service.ts';
import { findBrand, saveLogo, setRequireTwoFactor, updateProfile } from '../orgs/repository.ts';
import { brandOf, forgetBrand } from '../orgs/brand.ts';
import { contrastRatio, MIN_CONTRAST, parseHexColor } from '../orgs/accent.ts';
import { ORG_LOGO_MAX_BYTES, reencodeOrgLogo } from '../orgs/logo.ts';
import { isCleanText } from '../actions/people/normalize.ts';
import { newId, nowIso } from '../util/ids.ts';
import { mailingSettingsOf } from '../mailings/index.ts';
import { taxWordingOf } from '../donations/index.ts';

// `/admin/settings`: who the organization is on its public pages (name, logo, accent colour)
// and its members' sign-in rule, on one page that also leads to the settings kept with their
// capability: who mailings come from and the footer's postal address (mailings), the receipts'
// tax wording (fundraising).

type Body = Record<string, unknown>;
type Errors = Partial<Record<'name' | 'accent_color' | 'logo', string>>;
interface Form {
  name: string;
  accent_color: string;
  require_two_factor: boolean;
}

const LOGO_PROBLEMS = {
  not_image: 'The logo must be a PNG, JPEG, GIF or WebP image.',
  svg: 'SVG logos are not accepted (they can carry scripts): upload a PNG, JPEG or WebP.',
  too_large: `The logo must be ${ORG_LOGO_MAX_BYTES / 1024 / 1024} MB or smaller.`,
} as const;

/** What is wrong with the settings typed, if anything; the accent colour in `#rrggbb` form. */
export function checkProfile(form: Form): { errors: Errors; accent: string | null } {
  const errors: Errors = {};
  if (!form.name) errors.name = 'Enter the organization’s name';
  else if ([...form.name].length > 200) errors.name = 'The name must be 200 characters or fewer';
  else if (!isCleanText(form.name)) errors.name = 'The name has characters that cannot be shown; type it again';
  let accent: string | null = null;
  if (form.accent_color) {
    accent = parseHexColor(form.accent_color);
    if (!accent) errors.accent_color = 'Enter the colour as six hexadecimal digits, like #1d70b8';
    else {
      const ratio = contrastRatio(accent, '#ffffff');
      if (ratio < MIN_CONTRAST) {
        errors.accent_color = `${accent} against white reads at ${ratio.toFixed(2)}:1; buttons and links need at least ${MIN_CONTRAST}:1 (WCAG AA). Choose a darker shade.`;
      }
    }
  }
  return { errors, accent };
}

/** What the organization's emails carry, kept by mailings and donations: read here, changed on their own pages. */
interface Carried {
  senderName: string;
  replyTo: string;
  postalAddress: string;
  taxWording: string;
}

async function carriedBy(db: Context['database']['db'], organizationId: string): Promise<Carried> {
  const [mailing, taxWording] = await Promise.all([mailingSettingsOf(db, organizationId), taxWordingOf(db, organizationId)]);
  return { senderName: mailing?.sender_name ?? '', replyTo: mailing?.reply_to ?? '', postalAddress: mailing?.postal_address ?? '', taxWording };
}

function Shown(props: { label: string; value: string; none: string }): JSX.Element {
  return (
    <>
      <dt safe>{props.label}</dt>
      {props.value ? (
        <dd>
          {props.value.split('\n').map((line, i) => (
            <>
              {i > 0 ? <br /> : ''}
              <span safe>{line}</span>
            </>
          ))}
        </dd>
      ) : (
        <dd>
          <em safe>{props.none}</em>
        </dd>
      )}
    </>
  );
}

function EmailsCarry(props: { carried: Carried }): JSX.Element {
  const c = props.carried;
  return (
    <section aria-labelledby="carried-heading">
      <h2 id="carried-heading">What your emails carry</h2>
      <p>Kept with what they are for, and changed there.</p>
      <h3>Mailings</h3>
      <dl class="facts" id="mailing-settings">
        <Shown label="Sender name" value={c.senderName} none="Not set: mailings go out under your organization’s name" />
        <Shown label="Reply-to address" value={c.replyTo} none="Not set: replies go to the server’s sender address" />
        <Shown label="Postal address (at the foot of every mailing)" value={c.postalAddress} none="Not set: a mailing cannot be sent without it" />
      </dl>
      <p>
        <a href="/admin/mailings/settings">Change the mailing settings</a>
      </p>
      <h3>Receipts</h3>
      <dl class="facts" id="fundraising-settings">
        <Shown label="Tax wording (on every receipt)" value={c.taxWording} none="None: receipts carry no tax wording" />
      </dl>
      <p>
        <a href="/admin/fundraising/settings">Change the fundraising settings</a>
      </p>
    </section>
  );
}

function SettingsPage(props: { page: AdminPage; form: Form; errors: Errors; logo: string | null; carried: Carried }): JSX.Element {
  const { page, form, errors } = props;
  const wrong = Object.values(errors).some(Boolean);
  return (
    <AdminLayout page={page} title={wrong ? 'Error: Settings' : 'Settings'}>
      <h1>Settings</h1>
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/settings" novalidate>
        <CsrfField token={page.csrf} />
        <h2>Your organization on its pages</h2>
        <Input name="name" label="Organization name" value={form.name} error={errors.name} hint="Shown at the top of every action page, in emails and on share pictures." />
        <Input
          name="accent_color"
          label="Accent colour (optional)"
          value={form.accent_color}
          error={errors.accent_color}
          hint="For buttons and links on your pages, as #rrggbb. It must read at 4.5:1 against white (WCAG AA), so white button text stays readable. Leave empty for turnout’s green."
        />
        <h2>Sign-in</h2>
        <div class="checkbox">
          <input type="checkbox" id="require_two_factor" name="require_two_factor" value="yes" checked={form.require_two_factor} />
          <label for="require_two_factor">Require two-factor sign-in for every member of this organization</label>
        </div>
        <button type="submit">Save settings</button>
      </form>
      <h2 id="logo-heading">Logo</h2>
      {props.logo ? (
        <p>
          <img src={props.logo} alt="Your logo as your pages show it" height="40" />
        </p>
      ) : (
        <p>No logo yet: your pages show your name alone.</p>
      )}
      <form method="post" action="/admin/settings/logo" enctype="multipart/form-data" aria-labelledby="logo-heading">
        <CsrfField token={page.csrf} />
        <div class={errors.logo ? 'field has-error' : 'field'}>
          <label for="logo">Upload a logo</label>
          <span class="hint" id="logo-hint">
            PNG, JPEG, GIF or WebP, up to 2 MB. It is shown 40 pixels high beside your name, and kept as a PNG of at most 600 × 200 pixels.
          </span>
          {errors.logo ? (
            <span class="error-message" id="logo-error" safe>
              {errors.logo}
            </span>
          ) : (
            ''
          )}
          <input type="file" id="logo" name="logo" accept="image/png,image/jpeg,image/gif,image/webp" aria-describedby={errors.logo ? 'logo-hint logo-error' : 'logo-hint'} />
        </div>
        <button type="submit">Upload logo</button>
      </form>
      {props.logo ? (
        <form method="post" action="/admin/settings/logo/remove">
          <CsrfField token={page.csrf} />
          <button type="submit" class="secondary">
            Remove the logo
          </button>
        </form>
      ) : (
        ''
      )}
      <EmailsCarry carried={props.carried} />
    </AdminLayout>
  );
}

const pendingParts = new WeakMap<FastifyRequest, AsyncIterableIterator<Multipart>>();

/** Reads the upload form's first part (`_csrf`) before the console's check; the file stays unread until the request is allowed. */
async function readCsrfField(request: FastifyRequest) {
  if (!request.isMultipart()) return;
  const parts = request.parts();
  const first = await parts.next();
  let csrf = '';
  if (!first.done) {
    if (first.value.type === 'field' && first.value.fieldname === '_csrf') csrf = String(first.value.value);
    else if (first.value.type === 'file') first.value.file.resume();
  }
  request.body = { _csrf: csrf };
  pendingParts.set(request, parts);
}

export function settingsRoutes(ctx: Context) {
  const db = ctx.database.db;
  return async function (app: FastifyInstance) {
    await app.register(multipart, { limits: { fileSize: ORG_LOGO_MAX_BYTES, files: 1, fields: 3, parts: 4, fieldSize: 1024 }, throwFileSizeLimit: false });

    const show = async (request: FastifyRequest, reply: FastifyReply, o: { form?: Form; errors?: Errors; notice?: string; status?: number } = {}) => {
      const member = request.organizer!.organization!;
      const org = await findBrand(db, member.id);
      const form: Form = o.form ?? { name: org?.name ?? member.name, accent_color: org?.accent_color ?? '', require_two_factor: Boolean(member.require_two_factor) };
      const logo = org ? brandOf(org).logo : null;
      const carried = await carriedBy(db, member.id);
      return sendAdmin(reply, <SettingsPage page={adminPage(request, reply, o.notice)} form={form} errors={o.errors ?? {}} logo={logo} carried={carried} />, o.status ?? 200);
    };
    const changed = async (request: FastifyRequest, details: Record<string, unknown>) => {
      const organizer = request.organizer!;
      await accounts.audit(db, { organizationId: organizer.organization!.id, userId: organizer.session.user_id, action: 'settings.changed', details });
      forgetBrand(db, organizer.organization!.id);
    };

    app.get('/settings', { config: { permission: 'manage_settings' } }, async (request, reply) => show(request, reply));

    app.post<{ Body: Body }>('/settings', { config: { permission: 'manage_settings' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const current = await findBrand(db, org.id);
      // A field the form did not send keeps its value (a client that only turns two-factor on).
      const text = (name: string, kept: string) => (typeof request.body?.[name] === 'string' ? (request.body[name] as string).trim() : request.body && name in request.body ? '' : kept);
      const form: Form = {
        name: text('name', current?.name ?? org.name).slice(0, 1000),
        accent_color: text('accent_color', current?.accent_color ?? '').slice(0, 100),
        require_two_factor: request.body?.require_two_factor === 'yes',
      };
      const { errors, accent } = checkProfile(form);
      if (Object.keys(errors).length > 0) return show(request, reply, { form, errors, status: 422 });
      await updateProfile(db, org.id, { name: form.name, accent_color: accent });
      await setRequireTwoFactor(db, org.id, form.require_two_factor);
      await changed(request, { name: form.name, accent_color: accent, require_two_factor: form.require_two_factor });
      org.require_two_factor = form.require_two_factor ? 1 : 0;
      org.name = form.name;
      return show(request, reply, { notice: 'Settings saved. Your pages show them within a few seconds.' });
    });

    app.post('/settings/logo', { config: { permission: 'manage_settings' }, preValidation: readCsrfField }, async (request, reply) => {
      let file: Buffer | null = null;
      let truncated = false;
      try {
        for await (const part of pendingParts.get(request) ?? []) {
          if (part.type === 'field') continue;
          if (part.fieldname !== 'logo' || file) {
            part.file.resume();
            continue;
          }
          file = await part.toBuffer();
          truncated = part.file.truncated;
        }
      } catch (e) {
        if (!(e as { code?: string }).code?.startsWith('FST_')) throw e;
        return show(request, reply, { errors: { logo: 'The upload did not arrive whole. Choose the file and upload it again.' }, status: 400 });
      }
      if (truncated) return show(request, reply, { errors: { logo: LOGO_PROBLEMS.too_large }, status: 413 });
      if (!file || file.length === 0) return show(request, reply, { errors: { logo: 'Choose an image to upload.' }, status: 422 });
      const logo = await reencodeOrgLogo(file);
      if ('problem' in logo) return show(request, reply, { errors: { logo: LOGO_PROBLEMS[logo.problem] }, status: 422 });
      const org = request.organizer!.organization!;
      await saveLogo(db, org.id, { ...logo, version: newId().slice(0, 8), created_at: nowIso() });
      await changed(request, { logo: `${logo.width}x${logo.height}` });
      return show(request, reply, { notice: 'Logo saved.' });
    });

    app.post('/settings/logo/remove', { config: { permission: 'manage_settings' } }, async (request, reply) => {
      await saveLogo(db, request.organizer!.organization!.id, null);
      await changed(request, { logo: null });
      return show(request, reply, { notice: 'Logo removed.' });
    });
  };
}
