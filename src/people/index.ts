import type { Capability } from '../context.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import { apiUrl, link } from '../kits/api/hal.ts';
import { CUSTOM_FIELDS_PERSONAL_DATA, eraseCustomFields } from './custom-fields.ts';
import * as m014 from './migrations/014_custom_fields.ts';
import * as m016 from './migrations/016_api_people.ts';

// What other folders use: a person's custom fields (forms write their answers there).
export {
  checkCustomFieldName,
  checkCustomFieldValue,
  customFieldNames,
  customFieldsOf,
  customFieldsOfPeople,
  CustomFieldError,
  CUSTOM_FIELD_LIMITS,
  setCustomFields,
  setCustomFieldsInWork,
  type CustomFieldChanges,
  type CustomFieldName,
  type CustomFieldProblem,
} from './custom-fields.ts';

/** An organization's list: search, a person's page, tags, export and erasure; the API's people and tags. */
export const people: Capability = {
  name: 'people',
  consoleRoutes: lazyRoutes(async () => (await import('./console/routes.tsx')).peopleConsoleRoutes),
  consoleSections: [{ href: '/admin/people', label: 'People', permission: 'see_people', order: 50 }],
  apiRoutes: (ctx) => async (app) => {
    const [{ peopleApi }, { tagApi }, { metadataApi }] = await Promise.all([import('./api/people.ts'), import('./api/tags.ts'), import('./api/metadata.ts')]);
    await app.register(peopleApi(ctx));
    await app.register(tagApi(ctx));
    await app.register(metadataApi(ctx));
  },
  apiLinks: (baseUrl) => ({
    'osdi:people': link(apiUrl(baseUrl, '/people'), 'The collection of people in the system'),
    'osdi:person_signup_helper': link(apiUrl(baseUrl, '/people'), 'The person signup helper for the system'),
    'osdi:tags': link(apiUrl(baseUrl, '/tags'), 'The collection of tags in the system'),
  }),
  migrations: { '014_custom_fields': m014, '016_api_people': m016 },
  // Told to webhooks as Action Network's `osdi:person` (src/webhooks/); raised where the record is made.
  webhooks: [{ event: 'person', key: 'osdi:person', label: 'People added or changed (signup helper)', present: async (db, baseUrl, organizationId, ids) => (await import('./webhook-records.ts')).presentPeople(db, baseUrl, organizationId, ids) }],
  personalData: CUSTOM_FIELDS_PERSONAL_DATA,
  // A person's custom fields are deleted with them: a field's value is what they answered.
  erase: async (trx, organizationId, personId): Promise<Record<string, number>> => {
    const n = await eraseCustomFields(trx, organizationId, personId);
    return n > 0 ? { custom_fields_deleted: n } : {};
  },
};
