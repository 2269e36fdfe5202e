import type { Children } from '@kitajs/html';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfToken } from './session.ts';
import { AdminLayout, CsrfField, ErrorSummary, type AdminPage } from './layout.tsx';
import type { ConsoleSection } from '../../context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The console's menu, every capability's sections in order (set where the console is mounted). */
    consoleSections: readonly ConsoleSection[];
  }
}

export function adminPage(request: FastifyRequest, reply: FastifyReply, notice?: string): AdminPage {
  return { organizer: request.organizer, csrf: csrfToken(request, reply), path: request.url.split('?')[0]!, notice, sections: request.consoleSections };
}

export function sendAdmin(reply: FastifyReply, html: JSX.Element, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

/** A console page that says no: an expired form, a sign-in needed, a role that does not allow it. */
export function refuse(request: FastifyRequest, reply: FastifyReply, status: number, title: string, body: string) {
  return sendAdmin(
    reply,
    AdminLayout({
      page: adminPage(request, reply),
      title,
      children: [<h1 safe>{title}</h1>, <p safe>{body}</p>],
    }),
    status,
  );
}

/** Where a console page's "Back to …" link leads. */
export interface Back {
  href: string;
  label: string;
}

/** A console page under a way back and its heading, which is also its title unless `title` is given. */
export function HeadedPage(props: { page: AdminPage; heading: string; title?: string; back: Back; children?: Children }): JSX.Element {
  return (
    <AdminLayout page={props.page} title={props.title ?? props.heading}>
      <p>
        <a href={props.back.href} safe>
          {props.back.label}
        </a>
      </p>
      <h1 safe>{props.heading}</h1>
      {props.children as 'safe'}
    </AdminLayout>
  );
}

/**
 * The page of one action (a petition, a form, an event, a fundraising page): the way back to its
 * list, its title, what `notice` warns of, then its facts (`Fact`s) and the rest.
 */
export function ActionPage(props: { page: AdminPage; title: string; back: Back; notice?: JSX.Element; facts: JSX.Element | JSX.Element[]; children?: Children }): JSX.Element {
  return (
    <HeadedPage page={props.page} heading={props.title} back={props.back}>
      {(props.notice ?? '') as 'safe'}
      <dl class="facts">{props.facts as 'safe'}</dl>
      {props.children as 'safe'}
    </HeadedPage>
  );
}

/** One fact of an action's page: its text, or an address (`link`) shown as a link to itself. */
export function Fact(props: { label: string; id?: string } & ({ value: string; link?: never } | { link: string; value?: never })): JSX.Element {
  return (
    <>
      <dt safe>{props.label}</dt>
      {props.link === undefined ? (
        <dd id={props.id} safe>
          {props.value}
        </dd>
      ) : (
        <dd id={props.id}>
          <a href={props.link} safe>
            {props.link}
          </a>
        </dd>
      )}
    </>
  );
}

/** The button that closes an open action (`path`/close) or opens a closed one (`path`/open). */
export function OpenCloseButton(props: { csrf: string; path: string; open: boolean; noun: string }): JSX.Element {
  return (
    <form method="post" action={`${props.path}/${props.open ? 'close' : 'open'}`} class="inline">
      <CsrfField token={props.csrf} />
      <button type="submit" class="secondary" safe>
        {`${props.open ? 'Close' : 'Open'} the ${props.noun}`}
      </button>
    </form>
  );
}

/**
 * A console form page: the way back, the heading (the title says "Error: " first while the form
 * has errors), `intro`, the errors' summary, then the form posting to `action` with its CSRF
 * field and `children`; `after` comes under the form.
 */
export function FormPage(props: {
  page: AdminPage;
  heading: string;
  back: Back;
  errors: Record<string, string | undefined>;
  action: string;
  intro?: JSX.Element | JSX.Element[];
  after?: JSX.Element | JSX.Element[];
  children: Children;
}): JSX.Element {
  const wrong = Object.values(props.errors).some(Boolean);
  return (
    <HeadedPage page={props.page} heading={props.heading} title={wrong ? `Error: ${props.heading}` : props.heading} back={props.back}>
      {(props.intro ?? '') as 'safe'}
      <ErrorSummary errors={props.errors} />
      <form method="post" action={props.action} novalidate>
        <CsrfField token={props.page.csrf} />
        {props.children as 'safe'}
      </form>
      {(props.after ?? '') as 'safe'}
    </HeadedPage>
  );
}
