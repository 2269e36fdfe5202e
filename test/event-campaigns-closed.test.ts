// A closed week of action's host form: the notice names the campaign in the reader's language,
// and marks the title's language when only the other version has one.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { createCampaign } from '../src/event-campaigns/service.ts';
import { nowIso } from '../src/util/ids.ts';

for (const target of targets()) {
  describe(`a closed week of action on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    before(async () => {
      h = await harness(target);
      orgId = (await createOrganization(h.ctx.database.db, { name: 'Closed Org' })).id;
    });
    after(() => h.close());

    const closed = (title: string, title_es: string | null) =>
      createCampaign(h.ctx.database.db, orgId, { title, description: 'Done.', title_es, description_es: null, status: 'closed' }, nowIso());

    it('names the campaign in the reader’s version on its closed notice', async () => {
      const c = await closed('Week of Action for Privacy', 'Semana de acción por la privacidad');
      const es = await h.app.inject({ method: 'GET', url: `/event_campaigns/${c.slug}/host?lang=es` });
      assert.equal(es.statusCode, 409);
      assert.match(es.body, /<h1>Semana de acción por la privacidad<\/h1>/);
      assert.match(es.body, /<p role="status">Esta campaña ya no recibe eventos nuevos\./);
      const en = await h.app.inject({ method: 'GET', url: `/event_campaigns/${c.slug}/host?lang=en` });
      assert.match(en.body, /<h1>Week of Action for Privacy<\/h1>/);
    });

    it('marks an English title on the Spanish notice as English', async () => {
      const c = await closed('Week of Action, English only', null);
      const es = await h.app.inject({ method: 'GET', url: `/event_campaigns/${c.slug}/host?lang=es` });
      assert.equal(es.statusCode, 409);
      assert.match(es.body, /<html lang="es">/);
      assert.match(es.body, /<h1 lang="en">Week of Action, English only<\/h1>/);
    });
  });
}
