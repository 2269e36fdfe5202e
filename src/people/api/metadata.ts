import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { apiUrl, curies, link } from '../../kits/api/hal.ts';
import { customFieldNames } from '../custom-fields.ts';

/**
 * Action Network's metadata: `GET /metadata` points at the custom fields, and
 * `GET /metadata/custom_fields` names every custom field the organization's people have.
 */
export function metadataApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    app.get('/metadata', async (request) => {
      organizationOf(request);
      return {
        name: 'turnout',
        _links: {
          self: link(apiUrl(baseUrl, '/metadata')),
          'action_network:custom_fields': link(apiUrl(baseUrl, '/metadata/custom_fields')),
          curies: curies(baseUrl),
        },
      };
    });

    app.get('/metadata/custom_fields', async (request) => {
      const org = organizationOf(request);
      const names = await customFieldNames(db, org.id);
      return {
        origin_system: 'turnout',
        name: 'Custom Fields',
        description: 'The custom fields of the people of this organization',
        'action_network:custom_fields': names.map((f) => ({ name: f.name, created_date: f.created_at, modified_date: f.modified_at, notes: '' })),
        _links: { self: link(apiUrl(baseUrl, '/metadata/custom_fields')), curies: curies(baseUrl) },
      };
    });
  };
}
