import { petitionCache, PetitionClosedError, signPetition, type CachedPetition } from '../petitions/index.ts';
import { validatePerson, LIMITS, type FieldErrors } from '../actions/people/validate.ts';
import { isCleanText } from '../actions/people/normalize.ts';
import { validShares } from '../actions/partners.ts';
import { cleanSource } from '../kits/pages/referral.ts';
import { guardSubmission } from '../kits/pages/form-guard.ts';
import { translator } from '../i18n/index.ts';
import { consentFields, countryField, isOptIn, personFields, type EmbedKind } from './kinds.ts';

/** A petition in an embed: the same checks, guard and `signPetition` as /petitions/:slug. */
export const petitionKind: EmbedKind<CachedPetition> = {
  type: 'petition',
  segment: 'petitions',
  capability: 'petitions',
  load: (ctx, slug) => petitionCache(ctx).get(slug),
  isOpen: (p) => p.status === 'open',
  closedText: (_p, t) => t('petition.closed'),
  count: (p) => p.signature_count,
  countText: (p, t) => t('petition.signatures', { count: p.signature_count }),
  summary: (p, t) => (p.targets.length > 0 ? [`${t('petition.to')} ${p.targets.map((x) => x.name).join(', ')}`] : []),
  heading: (_p, t) => t('petition.sign_heading'),
  submitLabel: (_p, t) => t('form.submit'),
  fields: (p, t, lang) => [
    ...personFields(t, t('form.email_hint')),
    countryField(t, lang),
    { name: 'comments', label: t('form.comments'), type: 'textarea', hint: t('form.comments_hint', { max: LIMITS.comments }), maxlength: LIMITS.comments },
    ...consentFields(t, p.organization_name, p.partners),
  ],

  // A petition that asks for confirmation says so, to repeat signers too (as its own thank-you page).
  thanks: (p, t) => ({ title: t('thanks.title'), body: p.confirmation_required === 1 ? t('thanks.confirm') : t('thanks.body', { title: p.title }) }),

  async submit(petition, { ctx, request, reply, body, site, refuse }) {
    const { person, errors } = validatePerson(body);
    const comments = typeof body.comments === 'string' ? body.comments.trim() : '';
    const allErrors: FieldErrors = { ...errors };
    if (comments && !isCleanText(comments, true)) allErrors.comments = { key: 'form.error.invalid_text', values: { field: 'field.comments' } };
    else if (comments.length > LIMITS.comments) allErrors.comments = { key: 'form.error.too_long', values: { field: 'field.comments', max: LIMITS.comments } };
    if (Object.keys(allErrors).length > 0) return { status: 'invalid', errors: allErrors };
    const closed = { status: 'closed', message: request.t('petition.closed') } as const;
    if (petition.status === 'closed') return closed;
    const shareWith = validShares(body.share, petition.partners, (id) => request.t('form.share', { org: petition.partners.find((p) => p.id === id)!.name }));
    const guard = await guardSubmission(ctx, request, reply, petition, person.email, refuse);
    if (!guard) return { status: 'refused' };
    try {
      await ctx.committer.submit(
        (uow) =>
          signPetition(uow, petition, {
            person,
            comments: comments || null,
            optIn: isOptIn(body.opt_in),
            optInWording: translator(request.lang)('form.opt_in', { org: petition.organization_name }),
            language: request.lang,
            referral: { source: cleanSource(body.source), referrer: site },
            shareWith,
            clientKey: guard.clientKey,
          }),
        { sideBySide: true },
      );
    } catch (error) {
      if (error instanceof PetitionClosedError) return closed;
      throw error;
    }
    return { status: 'done', variant: 'signed' };
  },
};
