import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { audit } from '../../accounts/service.ts';
import { nowIso } from '../../util/ids.ts';
import { Input, TextArea, type AdminPage } from '../../kits/console/layout.tsx';
import { adminPage, FormPage, sendAdmin } from '../../kits/console/page.tsx';
import { checkSettings, type SettingsErrors, type SettingsInput } from '../fields.ts';
import { DEFAULT_SETTINGS } from '../service.ts';
import { findSettings, saveSettings } from '../repository.ts';
import { webhookToken } from '../unsubscribe.ts';
import { TimeZoneSelect } from '../../kits/console/time-zones.tsx';

// `/admin/mailings/settings`: who mailings come from, the footer's postal address, the SMTP
// provider's pace, click counting (off unless turned on) and the providers' webhook addresses.

type Body = Record<string, unknown>;
type Form = Record<Exclude<keyof SettingsInput, 'click_counting'>, string> & { click_counting: boolean };

function SettingsPage(props: { page: AdminPage; form: Form; errors: SettingsErrors; webhooks: { ses: string; postmark: string } }): JSX.Element {
  const { page, form, errors } = props;
  return (
    <FormPage
      page={page}
      heading="Mailing settings"
      back={{ href: '/admin/mailings', label: 'Back to mailings' }}
      errors={errors}
      action="/admin/mailings/settings"
      after={[
        <h2>Delivery reports</h2>,
        <p>Bounces come back to a return path naming each message. For a provider’s events, give it one of these addresses:</p>,
        <ul>
          <li>
            Amazon SES (an SNS topic with an HTTPS subscription): <code safe>{props.webhooks.ses}</code>
          </li>
          <li>
            Postmark (bounce and spam complaint webhooks): <code safe>{props.webhooks.postmark}</code>
          </li>
        </ul>,
      ]}
    >
      <Input name="sender_name" label="Sender name" value={form.sender_name} error={errors.sender_name} hint="Shown as who the email is from." />
      <Input name="reply_to" label="Reply-to address" type="email" value={form.reply_to} error={errors.reply_to} hint="Where replies go. Emails are sent from the instance’s address (MAIL_FROM)." />
      <TextArea name="postal_address" label="Postal address" value={form.postal_address} error={errors.postal_address} rows={3} hint="Printed at the foot of every mailing, as the law asks." />
      <TimeZoneSelect name="timezone" label="Time zone" value={form.timezone} error={errors.timezone} hint="Scheduled times are typed on its clock." />
      <h2>Pace of your mail provider</h2>
      <Input name="rate_per_second" label="Messages a second" value={form.rate_per_second} error={errors.rate_per_second} inputmode="numeric" hint="Your SMTP provider’s sending rate (Amazon SES starts at 14)." />
      <Input name="daily_cap" label="Messages a day, at most" value={form.daily_cap} error={errors.daily_cap} inputmode="numeric" hint="Counted per UTC day; a mailing over it goes on the next day." />
      <h2>Clicks</h2>
      <div class="checkbox">
        <input type="checkbox" id="click_counting" name="click_counting" value="yes" checked={form.click_counting} />
        <label for="click_counting">Count clicks on links, per link and mailing (never per person). Off, links go straight to their address.</label>
      </div>
      <p class="hint">Opens are never recorded: turnout sends no tracking pixels.</p>
      <button type="submit">Save settings</button>
    </FormPage>
  );
}

const text = (body: Body | undefined, name: string) => {
  const v = body?.[name];
  return typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : '';
};

export function mailingSettingsRoutes(ctx: Context) {
  const db = ctx.database.db;
  const token = webhookToken(ctx.config.secretKey);
  const webhooks = { ses: `${ctx.config.baseUrl}/webhooks/mail/ses/${token}`, postmark: `${ctx.config.baseUrl}/webhooks/mail/postmark/${token}` };

  const show = async (request: FastifyRequest, reply: FastifyReply, o: { form?: Form; errors?: SettingsErrors; notice?: string } = {}) => {
    const org = request.organizer!.organization!;
    const s = await findSettings(db, org.id);
    const form: Form = o.form ?? {
      sender_name: s?.sender_name ?? org.name,
      reply_to: s?.reply_to ?? '',
      postal_address: s?.postal_address ?? '',
      rate_per_second: String(s?.rate_per_second ?? DEFAULT_SETTINGS.rate_per_second),
      daily_cap: String(s?.daily_cap ?? DEFAULT_SETTINGS.daily_cap),
      click_counting: s?.click_counting === 1,
      timezone: s?.timezone ?? 'America/New_York',
    };
    const errors = o.errors ?? {};
    return sendAdmin(reply, <SettingsPage page={adminPage(request, reply, o.notice)} form={form} errors={errors} webhooks={webhooks} />, Object.keys(errors).length > 0 ? 422 : 200);
  };

  return async function (app: FastifyInstance) {
    app.get<{ Querystring: Record<string, unknown> }>('/mailings/settings', { config: { permission: 'manage_settings' } }, async (request, reply) =>
      show(request, reply, { notice: request.query.notice === 'saved' ? 'Settings saved.' : undefined }),
    );
    app.post<{ Body: Body }>('/mailings/settings', { config: { permission: 'manage_settings' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const form: Form = {
        sender_name: text(request.body, 'sender_name'), reply_to: text(request.body, 'reply_to'), postal_address: text(request.body, 'postal_address'),
        rate_per_second: text(request.body, 'rate_per_second'), daily_cap: text(request.body, 'daily_cap'), click_counting: request.body?.click_counting === 'yes', timezone: text(request.body, 'timezone'),
      };
      const { errors, fields } = checkSettings(form);
      if (!fields) return show(request, reply, { form, errors });
      await saveSettings(db, { organization_id: org.id, ...fields, modified_at: nowIso() });
      await audit(db, { organizationId: org.id, userId: request.organizer!.session.user_id, action: 'mailing.settings_changed', subject: org.id, details: { rate_per_second: fields.rate_per_second, daily_cap: fields.daily_cap, click_counting: fields.click_counting } });
      return reply.redirect('/admin/mailings/settings?notice=saved', 303);
    });
  };
}
