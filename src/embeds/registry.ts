import type { Context } from '../context.ts';
import type { EmbedKind } from './kinds.ts';
import { petitionKind } from './petition-kind.ts';
import { eventKind } from './event-kind.ts';
import { formKind } from './form-kind.ts';

/** The action types that can be embedded with a form; fundraising pages are embedded as a link (README). */
const ALL: readonly EmbedKind[] = [petitionKind, eventKind, formKind] as unknown as EmbedKind[];

/** The embeddable types whose capability this process mounts. */
export function embedKinds(ctx: Context): readonly EmbedKind[] {
  const mounted = new Set(ctx.capabilities.map((c) => c.name));
  return ALL.filter((k) => mounted.has(k.capability));
}
