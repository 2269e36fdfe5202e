import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { audit } from '../../accounts/service.ts';
import { hashPassword } from '../../accounts/passwords.ts';
import { isCleanText } from '../../actions/people/normalize.ts';
import { nowIso } from '../../util/ids.ts';
import { Checkbox, Input, TextArea, type AdminPage } from '../../kits/console/layout.tsx';
import { adminPage, FormPage, sendAdmin } from '../../kits/console/page.tsx';
import { findSettings, saveSettings } from '../repository.ts';

// `/admin/fundraising/settings`: the receipts' tax wording and the ActBlue webhook's HTTP Basic
// credentials. The password is stored hashed (argon2id, as account passwords) and never shown.

type Body = Record<string, unknown>;

export const SETTINGS_LIMITS = { taxWording: 2000, username: 100, passwordMin: 16, passwordMax: 200 } as const;

interface SettingsForm {
  tax_wording: string;
  actblue_username: string;
}
type SettingsErrors = Partial<Record<'tax_wording' | 'actblue_username' | 'actblue_password', string>>;

const chars = (s: string) => [...s].length;

function SettingsPage(props: {
  page: AdminPage;
  form: SettingsForm;
  errors: SettingsErrors;
  /** A password is stored. */
  passwordSet: boolean;
  webhookUrl: string;
}): JSX.Element {
  const { page, form, errors } = props;
  return (
    <FormPage page={page} heading="Fundraising settings" back={{ href: '/admin/fundraising', label: 'Back to fundraising' }} errors={errors} action="/admin/fundraising/settings">
      <h2>Receipts</h2>
      <TextArea
        name="tax_wording"
        label="Tax wording (optional)"
        value={form.tax_wording}
        error={errors.tax_wording}
        hint="Printed at the end of every receipt for a gift (not on notes of pledges), as you write it, like “No goods or services were provided in exchange for this contribution.” Up to 2,000 characters."
        rows={5}
      />
      <h2>ActBlue webhook</h2>
      <p>
        In ActBlue, add a webhook of type “ActBlue Default” with this address, and the username and password below as its HTTP Basic credentials. Each contribution
        is then recorded here.
      </p>
      <p>
        <code id="webhook-url" safe>
          {props.webhookUrl}
        </code>
      </p>
      <Input name="actblue_username" label="Username" value={form.actblue_username} error={errors.actblue_username} autocomplete="off" hint="Up to 100 characters, without a colon." />
      <Input
        name="actblue_password"
        type="password"
        label={props.passwordSet ? 'New password (optional)' : 'Password'}
        error={errors.actblue_password}
        autocomplete="new-password"
        hint={
          props.passwordSet
            ? 'A password is set and is not shown again. Type a new one only to replace it: at least 16 characters.'
            : 'At least 16 characters. It is stored hashed and never shown again: type it into ActBlue before you leave this page.'
        }
      />
      {props.passwordSet ? (
        <Checkbox name="remove_actblue" label="Remove the ActBlue credentials: the webhook then refuses every contribution" />
      ) : (
        ''
      )}
      <button type="submit">Save settings</button>
    </FormPage>
  );
}

const text = (body: Body | undefined, name: string, multiline = false) => {
  const value = body?.[name];
  if (typeof value !== 'string') return '';
  return multiline ? value.replace(/\r\n?/g, '\n').trim() : value.trim();
};

export function donationSettingsRoutes(ctx: Context) {
  const db = ctx.database.db;

  const show = async (request: FastifyRequest, reply: FastifyReply, o: { form?: SettingsForm; errors?: SettingsErrors; notice?: string } = {}) => {
    const org = request.organizer!.organization!;
    const settings = await findSettings(db, org.id);
    const errors = o.errors ?? {};
    return sendAdmin(
      reply,
      <SettingsPage
        page={adminPage(request, reply, o.notice)}
        form={o.form ?? { tax_wording: settings?.tax_wording ?? '', actblue_username: settings?.actblue_username ?? '' }}
        errors={errors}
        passwordSet={Boolean(settings?.actblue_password_hash)}
        webhookUrl={`${ctx.config.baseUrl}/webhooks/actblue/${org.id}`}
      />,
      Object.keys(errors).length > 0 ? 422 : 200,
    );
  };

  return async function (app: FastifyInstance) {
    app.get<{ Querystring: Record<string, unknown> }>('/fundraising/settings', { config: { permission: 'manage_settings' } }, async (request, reply) =>
      show(request, reply, { notice: request.query.notice === 'saved' ? 'Settings saved.' : undefined }),
    );

    app.post<{ Body: Body }>('/fundraising/settings', { config: { permission: 'manage_settings' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const org = organizer.organization!;
      const current = await findSettings(db, org.id);
      const form: SettingsForm = { tax_wording: text(request.body, 'tax_wording', true), actblue_username: text(request.body, 'actblue_username') };
      const rawPassword = request.body?.actblue_password;
      const password = typeof rawPassword === 'string' ? rawPassword : '';
      const remove = request.body?.remove_actblue === 'yes';
      const errors: SettingsErrors = {};
      if (chars(form.tax_wording) > SETTINGS_LIMITS.taxWording) errors.tax_wording = `Use ${SETTINGS_LIMITS.taxWording.toLocaleString('en-US')} characters or fewer`;
      else if (!isCleanText(form.tax_wording, true)) errors.tax_wording = 'Remove the control characters';
      if (!remove) {
        if (form.actblue_username && (chars(form.actblue_username) > SETTINGS_LIMITS.username || form.actblue_username.includes(':') || !isCleanText(form.actblue_username))) {
          errors.actblue_username = 'Use up to 100 characters on one line, without a colon';
        } else if (!form.actblue_username && (password || current?.actblue_password_hash)) errors.actblue_username = 'Enter the username ActBlue will send';
        if (password && (password.length < SETTINGS_LIMITS.passwordMin || password.length > SETTINGS_LIMITS.passwordMax)) {
          errors.actblue_password = 'Use a password of 16 to 200 characters';
        } else if (!password && form.actblue_username && !current?.actblue_password_hash) errors.actblue_password = 'Enter a password of at least 16 characters';
      }
      if (Object.keys(errors).length > 0) return show(request, reply, { form, errors });

      const credentials = remove
        ? { actblue_username: null, actblue_password_hash: null }
        : { actblue_username: form.actblue_username || null, ...(password ? { actblue_password_hash: await hashPassword(password) } : {}) };
      await saveSettings(db, org.id, { tax_wording: form.tax_wording, ...credentials }, nowIso());
      await audit(db, {
        organizationId: org.id,
        userId: organizer.session.user_id,
        action: 'donation_settings.changed',
        // Never the password, nor its hash.
        details: {
          tax_wording_changed: form.tax_wording !== (current?.tax_wording ?? ''),
          actblue_username: credentials.actblue_username,
          actblue_password: remove ? 'removed' : password ? 'changed' : 'unchanged',
        },
      });
      return reply.redirect('/admin/fundraising/settings?notice=saved', 303);
    });
  };
}
