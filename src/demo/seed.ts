import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { findOrganizationBySlug } from '../orgs/repository.ts';
import { createOrganization } from '../orgs/service.ts';
import { createPetition, findPetitionBySlug } from '../petitions/index.ts';
import { nowIso } from '../util/ids.ts';
import { DateTime } from 'luxon';
import { UnitOfWork } from '../actions/unit-of-work.ts';
import { checkEvent, DEFAULT_REMINDERS, type EventInput } from '../events/index.ts';
import { addCampaignEvent, createCampaign, findCampaignBySlug } from '../event-campaigns/index.ts';
import type { Context } from '../context.ts';
import { createPage, findFundraisingPageBySlug } from '../donations/index.ts';
import { createLetterCampaign, findLetterCampaignBySlug, replaceLetterTargets } from '../letters/index.ts';
import { checkLetter, checkOrganizationFields, createLetter, findLetterBySlug, moderateSignature, placeSignature, signLetter } from '../open-letters/index.ts';
import { createAccountLink, createUser, grantRole } from '../accounts/service.ts';
import { findUserByEmail } from '../accounts/repository.ts';
import { checkQuestions, createForm, findFormBySlug } from '../forms/index.ts';

export const DEMO_OWNER_EMAIL = 'organizer@demo.turnout.example';

/**
 * The demo's owner account has no password: each start prints a fresh one-time link (one hour)
 * where the newcomer sets one, so no known password ever exists on a server.
 */
export async function demoSignInLink(ctx: Context): Promise<string> {
  const db = ctx.database.db;
  const org = (await findOrganizationBySlug(db, DEMO_ORG_SLUG))!;
  let user = await findUserByEmail(db, DEMO_OWNER_EMAIL);
  if (!user) {
    user = await createUser(db, { email: DEMO_OWNER_EMAIL, name: 'Demo Organizer' });
    await grantRole(db, { userId: user.id, organizationId: org.id, role: 'owner', byUserId: null });
  }
  const link = await createAccountLink(db, ctx.config.secretKey, { kind: 'sign_in', email: user.email, userId: user.id });
  return link.path;
}

export const DEMO_ORG_SLUG = 'demo-coalition';
export const DEMO_PETITION_SLUG = 'stop-selling-face-surveillance';
export const DEMO_CAMPAIGN_SLUG = 'week-of-action-against-face-surveillance';
export const DEMO_FUNDRAISING_SLUG = 'pledge-to-fund-the-lawsuit';
export const DEMO_OPEN_LETTER_SLUG = 'coalition-letter-to-lumidex';

/** The demo's organizations on its open letter (fictional), in the groups they are shown in. */
const DEMO_SIGNATORIES = [
  { name: 'Digital Rights Alliance', website: 'digitalrights.example.org', city: 'Washington', region: 'DC', group: 'National', email: 'director@digitalrights.example.org', given: 'Maya', family: 'Lindqvist', role: 'Executive Director' },
  { name: 'Privacy Before Profit', website: 'privacybeforeprofit.example.org', city: 'New York', region: 'NY', group: 'National', email: 'info@privacybeforeprofit.example.org', given: 'Jon', family: 'Abara', role: 'Policy Lead' },
  { name: 'Illinois Coalition for Civil Liberties', website: 'iccl.example.org', city: 'Chicago', region: 'IL', group: 'State', email: 'office@iccl.example.org', given: 'Rosa', family: 'Delgado', role: 'Organizer' },
  { name: 'Oakland Neighbors for Privacy', website: 'oaklandprivacy.example.org', city: 'Oakland', region: 'CA', group: 'Local', email: 'hello@oaklandprivacy.example.org', given: 'Sam', family: 'Nguyen', role: 'Coordinator' },
  { name: 'Logan Square Tenants Union', website: '', city: 'Chicago', region: 'IL', group: 'Local', email: 'union@lstu.example.org', given: 'Ade', family: 'Okoro', role: 'Chair' },
];

/** Creates the demo open letter with a few approved organizations, once. */
async function seedDemoOpenLetter(db: Kysely<Database>, organizationId: string) {
  if (await findLetterBySlug(db, DEMO_OPEN_LETTER_SLUG)) return;
  const { fields, errors } = checkLetter({
    title: 'Coalition letter to Lumidex: stop selling face surveillance',
    slug: DEMO_OPEN_LETTER_SLUG,
    description: 'Community, civil-liberties and tenant organizations ask Lumidex Systems to end its police contracts.',
    letterText:
      'Dear Ms. Whitfield and members of the board,\n\nWe, the undersigned organizations, ask Lumidex Systems to **stop selling face recognition to police**, to end the contracts it already has, and to delete the face images it collected without consent.\n\nOur members live, pray and protest in the cities where your cameras are.',
    targets: ['Dana Whitfield, CEO of Lumidex Systems', 'Lumidex Systems board of directors'],
    status: 'open',
    deadline: '',
    allowIndividuals: true,
    holdUntilCount: '',
    holdUntilDate: '',
    listOrder: 'alphabetical',
    featuredFirst: false,
    groups: ['National', 'State', 'Local'],
    titleEs: 'Carta de la coalición a Lumidex: dejen de vender vigilancia facial',
    descriptionEs: 'Organizaciones comunitarias, de libertades civiles y de inquilinos piden a Lumidex Systems que ponga fin a sus contratos con la policía.',
    letterTextEs:
      'Estimada Sra. Whitfield y miembros de la junta directiva:\n\nLas organizaciones firmantes pedimos a Lumidex Systems que **deje de vender reconocimiento facial a la policía**, que ponga fin a los contratos que ya tiene y que borre las imágenes de rostros que recopiló sin consentimiento.\n\nNuestros miembros viven, rezan y protestan en las ciudades donde están sus cámaras.',
    groupsEs: ['Nacionales', 'Estatales', 'Locales'],
  });
  if (!fields) throw new Error(`the demo open letter is invalid: ${JSON.stringify(errors)}`);
  const letter = await createLetter(db, organizationId, fields, nowIso());
  for (const s of DEMO_SIGNATORIES) {
    const { organization } = checkOrganizationFields({ org_name: s.name, website: s.website, city: s.city, region: s.region, country: 'US', signer_role: s.role, show_signer: true });
    const now = nowIso();
    const signed = await db.transaction().execute(async (trx) => {
      const uow = new UnitOfWork(trx, now);
      const result = await signLetter(uow, letter, {
        person: { email: s.email, givenName: s.given, familyName: s.family, postalCode: '', country: '' },
        organization,
        optIn: null,
        optInWording: '',
        language: 'en',
        referral: { source: 'demo', referrer: null },
        confirmed: true,
      });
      await uow.flush();
      return result;
    });
    await moderateSignature(db, letter, signed.signatureId, 'approved', 'demo', nowIso());
    await placeSignature(db, letter, signed.signatureId, s.group, false, nowIso());
  }
}

/**
 * The demo's fundraising page takes pledges: the demo has no Stripe keys, and a pledge is
 * clearly a promise, never counted as money received. With keys, an organizer makes a Stripe page.
 */
async function seedDemoFundraising(db: Kysely<Database>, organizationId: string) {
  if (await findFundraisingPageBySlug(db, DEMO_FUNDRAISING_SLUG)) return;
  await createPage(
    db,
    organizationId,
    {
      slug: DEMO_FUNDRAISING_SLUG,
      title: 'Pledge to fund the lawsuit against Lumidex',
      description:
        'Our lawyers are ready to challenge the city’s contract with Lumidex in court. Pledge what you can give when the case is filed: we will write to you then, and **no money is taken today**.',
      currency: 'USD',
      goal_minor: 25_000_00,
      amounts: [10_00, 25_00, 50_00, 100_00],
      min_minor: 5_00,
      max_minor: 10_000_00,
      allow_monthly: false,
      offer_fee_cover: false,
      processor: 'pledge',
      actblue_form: null,
      actblue_refcode: null,
      status: 'open',
      title_es: 'Comprométete a financiar la demanda contra Lumidex',
      description_es:
        'Nuestros abogados están listos para impugnar en los tribunales el contrato de la ciudad con Lumidex. Comprométete a dar lo que puedas cuando se presente la demanda: te escribiremos entonces, y **hoy no se cobra nada**.',
    },
    nowIso(),
  );
}

export const DEMO_FORM_SLUG = 'volunteer-for-the-week-of-action';

/** The demo's form: volunteers say when and how they can help, with a question of each kind. */
async function seedDemoForm(db: Kysely<Database>, organizationId: string) {
  if (await findFormBySlug(db, DEMO_FORM_SLUG)) return;
  const { questions } = checkQuestions([
    {
      kind: 'choices', label: 'How can you help?', options: ['Hand out flyers', 'Host a teach-in', 'Call council members', 'Translate materials'], required: true, field: 'volunteer_roles',
      label_es: '¿Cómo puedes ayudar?', options_es: ['Repartir volantes', 'Organizar una charla', 'Llamar a concejales', 'Traducir materiales'],
    },
    { kind: 'one_choice', label: 'When are you free?', options: ['Weekday evenings', 'Weekends', 'Any time'], field: 'availability', label_es: '¿Cuándo tienes tiempo?', options_es: ['Tardes entre semana', 'Fines de semana', 'Cuando sea'] },
    { kind: 'short_text', label: 'Languages you speak besides English', hint: 'For translation and outreach.', field: 'languages', label_es: 'Idiomas que hablas además del inglés', hint_es: 'Para traducción y difusión.' },
    { kind: 'long_text', label: 'Anything else we should know?', label_es: '¿Algo más que debamos saber?' },
    { kind: 'checkbox', label: 'I can give rides to events', field: 'can_drive', label_es: 'Puedo llevar gente en coche a los eventos' },
  ]);
  await createForm(
    db,
    organizationId,
    {
      slug: DEMO_FORM_SLUG,
      title: 'Volunteer for the week of action',
      description: 'The week of action needs people in every neighborhood. Tell us **how** and **when** you can help, and an organizer near you will be in touch.',
      questions,
      status: 'open',
      title_es: 'Hazte voluntario para la semana de acción',
      description_es: 'La semana de acción necesita gente en cada barrio. Cuéntanos **cómo** y **cuándo** puedes ayudar, y una persona organizadora cerca de ti se pondrá en contacto.',
    },
    nowIso(),
  );
}

const DEMO_LETTERS_SLUG = 'write-the-council-no-lumidex';

/**
 * The demo's letter campaign: supporters write to the (fictional) city council members who vote
 * on the Lumidex contract, a few letters a minute to each, in council office hours.
 */
async function seedDemoLetters(db: Kysely<Database>, organizationId: string) {
  if (await findLetterCampaignBySlug(db, DEMO_LETTERS_SLUG)) return;
  const campaign = await createLetterCampaign(
    db,
    organizationId,
    {
      slug: DEMO_LETTERS_SLUG,
      title: 'Write to the city council: vote no on the Lumidex contract',
      description: 'The council votes on the city’s contract with Lumidex next month. A letter from someone who lives here counts: tell them why face surveillance has no place in our city.',
      subject: 'Vote no on the Lumidex face surveillance contract',
      subject_editable: true,
      letter_opening: 'I am writing as a resident of the city about the proposed contract with Lumidex Systems.',
      letter_body: 'Face recognition lets police identify anyone at a protest, a clinic or a place of worship. I ask you to vote no on the contract and to support a ban on face surveillance by city agencies.',
      body_editable: true,
      letter_closing: 'Thank you for reading my letter and for your service to the city.',
      body_max_length: 3000,
      ask_address: false,
      target_mode: 'fixed',
      hourly_cap: 30,
      window_start: '09:00',
      window_end: '17:00',
      time_zone: 'America/Chicago',
      status: 'open',
      title_es: 'Escribe al concejo municipal: voten no al contrato con Lumidex',
      description_es: 'El concejo vota el mes que viene el contrato de la ciudad con Lumidex. Una carta de alguien que vive aquí cuenta: diles por qué la vigilancia facial no tiene lugar en nuestra ciudad.',
      subject_es: 'Voten no al contrato de vigilancia facial con Lumidex',
      letter_opening_es: 'Le escribo como residente de la ciudad sobre el contrato propuesto con Lumidex Systems.',
      letter_body_es: 'El reconocimiento facial permite a la policía identificar a cualquiera en una protesta, una clínica o un lugar de culto. Le pido que vote no al contrato y que apoye la prohibición de la vigilancia facial por las agencias de la ciudad.',
      letter_closing_es: 'Gracias por leer mi carta y por su servicio a la ciudad.',
    },
    nowIso(),
  );
  const member = (name: string, email: string) => ({ name, title: 'Council Member', organization: 'City Council', email, state: null, zipCodes: [], district: null });
  await replaceLetterTargets(db, campaign, 'fixed', [member('Rosa Delgado', 'rosa.delgado@council.example.org'), member('Marcus Bell', 'marcus.bell@council.example.org'), member('Priya Natarajan', 'priya.natarajan@council.example.org')], nowIso());
}

/** The demo week of action's events: one in person in two cities and one online, two weeks from the day the demo is made. */
function demoEvents(now: DateTime): EventInput[] {
  const day = (zone: string, plus: number) => now.setZone(zone).plus({ days: plus }).toISODate()!;
  const base = { instructions: '', capacity: null, joinUrl: '', venue: '', addressLines: [], locality: '', region: '', postalCode: '', country: 'US', visibility: 'public', reminders: [...DEFAULT_REMINDERS] };
  return [
    {
      ...base,
      title: 'Teach-in: how face recognition reaches our streets',
      description: 'Neighbors explain how police use face recognition in Chicago, and how the ordinance we propose would stop it.',
      titleEs: 'Charla: cómo llega el reconocimiento facial a nuestras calles',
      descriptionEs: 'Vecinos explican cómo usa la policía el reconocimiento facial en Chicago y cómo lo detendría la ordenanza que proponemos.',
      startDate: day('America/Chicago', 14),
      startTime: '18:30',
      endDate: day('America/Chicago', 14),
      endTime: '20:30',
      timezone: 'America/Chicago',
      capacity: 60,
      online: false,
      venue: 'Logan Square Community Library',
      addressLines: ['3030 W Fullerton Ave'],
      locality: 'Chicago',
      region: 'IL',
      postalCode: '60647',
    },
    {
      ...base,
      title: 'Rally at Lumidex headquarters',
      description: 'Bring a sign. We deliver the petition and the open letter to the company at noon.',
      titleEs: 'Concentración en la sede de Lumidex',
      descriptionEs: 'Trae un cartel. Entregamos la petición y la carta abierta a la empresa al mediodía.',
      startDate: day('America/Los_Angeles', 16),
      startTime: '11:30',
      endDate: day('America/Los_Angeles', 16),
      endTime: '13:00',
      timezone: 'America/Los_Angeles',
      online: false,
      venue: 'Frank Ogawa Plaza',
      addressLines: ['1 Frank H Ogawa Plaza'],
      locality: 'Oakland',
      region: 'CA',
      postalCode: '94612',
    },
    {
      ...base,
      title: 'Online phone bank to city councils',
      description: 'We call council members in ten cities together; scripts and numbers are shared on the call.',
      startDate: day('America/New_York', 15),
      startTime: '19:00',
      endDate: day('America/New_York', 15),
      endTime: '20:30',
      timezone: 'America/New_York',
      online: true,
      joinUrl: 'https://meet.example.org/phone-bank',
    },
  ];
}

/** Creates the demo week of action with its events, once. */
async function seedDemoCampaign(db: Kysely<Database>, organizationId: string): Promise<void> {
  if (await findCampaignBySlug(db, DEMO_CAMPAIGN_SLUG)) return;
  const now = nowIso();
  const checked = demoEvents(DateTime.fromISO(now)).map((input) => {
    const { errors, columns } = checkEvent(input);
    if (!columns) throw new Error(`demo event "${input.title}" is invalid: ${JSON.stringify(errors)}`);
    return columns;
  });
  await db.transaction().execute(async (trx) => {
    const campaign = await createCampaign(
      trx,
      organizationId,
      {
        slug: DEMO_CAMPAIGN_SLUG,
        title: 'Week of action against face surveillance',
        description: 'Events across the country to ask cities to ban police face recognition. Find one near you, or offer to host your own.',
        status: 'open',
        title_es: 'Semana de acción contra la vigilancia facial',
        description_es: 'Eventos en todo el país para pedir a las ciudades que prohíban el reconocimiento facial policial. Encuentra uno cerca de ti, u ofrécete a organizar el tuyo.',
      },
      now,
    );
    const uow = new UnitOfWork(trx, now);
    for (const columns of checked) await addCampaignEvent(uow, campaign, columns, { status: 'confirmed', hostName: null, hostEmail: null });
    await uow.flush();
  });
}

/** Creates the demo organization, its petition, its week of action and its fundraising page once; running it again changes nothing. Names are fictional. */
export async function seedDemo(db: Kysely<Database>): Promise<{ created: boolean; petitionSlug: string; orgSlug: string }> {
  const existing = await findOrganizationBySlug(db, DEMO_ORG_SLUG);
  if (existing && (await findPetitionBySlug(db, DEMO_PETITION_SLUG))) {
    await seedDemoCampaign(db, existing.id);
    await seedDemoFundraising(db, existing.id);
    await seedDemoOpenLetter(db, existing.id);
    await seedDemoLetters(db, existing.id);
    await seedDemoForm(db, existing.id);
    return { created: false, petitionSlug: DEMO_PETITION_SLUG, orgSlug: DEMO_ORG_SLUG };
  }
  const org = existing ?? (await createOrganization(db, { name: 'Faces Not Data Coalition (demo)', slug: DEMO_ORG_SLUG }));
  await createPetition(
    db,
    org.id,
    {
      slug: DEMO_PETITION_SLUG,
      title: 'Tell Lumidex: stop selling face surveillance to police',
      description:
        'Lumidex Systems sells face recognition that lets police identify anyone at a protest, a clinic or a place of worship from a single camera frame. Fifty community groups are asking the company to stop.',
      petition_text:
        'To the board and chief executive of Lumidex Systems:\n\nStop selling face recognition products and services to police departments and other law enforcement agencies, end the contracts you already have, and delete the face images you collected without consent.',
      targets: [{ name: 'Dana Whitfield, CEO of Lumidex Systems' }, { name: 'Lumidex Systems board of directors' }],
      goal: null,
      confirmation_required: false,
      status: 'open',
      title_es: 'Dile a Lumidex: deja de vender vigilancia facial a la policía',
      description_es:
        'Lumidex Systems vende reconocimiento facial que permite a la policía identificar a cualquiera en una protesta, una clínica o un lugar de culto a partir de un solo fotograma. Cincuenta grupos comunitarios piden a la empresa que pare.',
      petition_text_es:
        'A la junta directiva y a la directora ejecutiva de Lumidex Systems:\n\nDejen de vender productos y servicios de reconocimiento facial a los departamentos de policía y otras fuerzas del orden, pongan fin a los contratos que ya tienen y borren las imágenes de rostros que recopilaron sin consentimiento.',
    },
    nowIso(),
  );
  await seedDemoCampaign(db, org.id);
  await seedDemoFundraising(db, org.id);
  await seedDemoOpenLetter(db, org.id);
  await seedDemoLetters(db, org.id);
  await seedDemoForm(db, org.id);
  return { created: true, petitionSlug: DEMO_PETITION_SLUG, orgSlug: DEMO_ORG_SLUG };
}
