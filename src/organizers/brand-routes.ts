import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { findBrandBySlug, findLogo } from '../orgs/repository.ts';
import { darker } from '../orgs/accent.ts';
import { notFound } from '../kits/pages/page.ts';

// What an organization's public pages fetch of it from this site: its logo and the small
// stylesheet that gives buttons and links its accent colour (a stylesheet, since the pages'
// Content-Security-Policy allows no inline style). Both addresses carry a version (`?v=`) that
// changes with the settings, so each is kept by browsers for a year.

const YEAR = 'public, max-age=31536000, immutable';

export function brandRoutes(ctx: Context) {
  const db = ctx.database.db;
  return async function (app: FastifyInstance) {
    app.get<{ Params: { slug: string } }>('/organizations/:slug/logo.png', async (request, reply) => {
      const org = await findBrandBySlug(db, request.params.slug);
      const logo = org?.logo_version ? await findLogo(db, org.id) : undefined;
      if (!org || !logo) return notFound(request, reply);
      const current = (request.query as { v?: unknown }).v === org.logo_version;
      return reply
        .header('cache-control', current ? YEAR : 'public, max-age=300')
        .header('etag', `"${org.logo_version}"`)
        .header('content-security-policy', "default-src 'none'")
        .type(logo.content_type)
        .send(Buffer.from(logo.bytes));
    });

    app.get<{ Params: { slug: string } }>('/organizations/:slug/brand.css', async (request, reply) => {
      const org = await findBrandBySlug(db, request.params.slug);
      if (!org) return notFound(request, reply);
      // Only a colour the settings checked (#rrggbb, 4.5:1 on white) ever reaches this text.
      const accent = org.accent_color && /^#[0-9a-f]{6}$/.test(org.accent_color) ? org.accent_color : null;
      const css = accent
        ? `button:not(.secondary):not(.link):not(.danger){background:${accent};border-bottom-color:${darker(accent)}}main a{color:${accent}}.meter-fill{fill:${accent}}\n`
        : '\n';
      const current = accent !== null && (request.query as { v?: unknown }).v === accent.slice(1);
      return reply.header('cache-control', current ? YEAR : 'public, max-age=300').type('text/css; charset=utf-8').send(css);
    });
  };
}
