import type { Role } from '../db/schema.ts';

/**
 * What each role may do in its organization. Every console route names one permission, and
 * one call decides: `can(role, permission)`.
 */
export const PERMISSIONS = {
  view_reports: ['owner', 'admin', 'organizer', 'viewer'],
  manage_actions: ['owner', 'admin', 'organizer'],
  see_people: ['owner', 'admin', 'organizer'],
  export_data: ['owner', 'admin', 'organizer'],
  import_people: ['owner', 'admin', 'organizer'],
  erase_people: ['owner', 'admin'],
  manage_members: ['owner', 'admin'],
  manage_webhooks: ['owner', 'admin'],
  view_audit: ['owner'],
  manage_settings: ['owner'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const ROLES: readonly Role[] = ['owner', 'admin', 'organizer', 'viewer'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** An admin may grant roles up to admin; only an owner makes owners. */
export function canGrant(granter: Role, role: Role): boolean {
  if (granter === 'owner') return true;
  return granter === 'admin' && role !== 'owner';
}
