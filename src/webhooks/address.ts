import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

// The rule against requests into the operator's own network (SSRF): an endpoint is https:// and
// every address its host resolves to is public unicast. Checked when the endpoint is saved, and
// again at each delivery, where the connection goes to the address that was checked (a custom
// `lookup`), so a DNS answer that changes between the check and the connection cannot slip in.
// WEBHOOKS_ALLOW_PRIVATE=1 lifts both for development and tests.

/** Why an address was refused, in a sentence an organizer can act on. */
export class UnsafeAddressError extends Error {}

const MAX_URL = 2000;

/** The URL's shape: https (or http when private addresses are allowed), a host, no credentials. Returns the error, or null. */
export function urlProblem(raw: string, allowPrivate: boolean): string | null {
  if (!raw) return 'Enter the address that receives the webhooks, like https://example.org/hooks/turnout';
  if (raw.length > MAX_URL) return `The address must be ${MAX_URL} characters or fewer`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Enter a full address that starts with https://';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return 'The address must start with https:// (webhooks carry personal data)';
  if (url.username || url.password) return 'The address must not carry a user name or password; the signature says who sent it';
  if (!url.hostname) return 'The address needs a host name';
  if (url.hash) return 'The address must not have a #fragment';
  return null;
}

/** True for an address on the public internet: not private, loopback, link-local, unique-local, CGNAT, multicast, reserved or unspecified. */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  let address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
  return address.range() === 'unicast';
}

function bare(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * Resolves a host and checks every address it has; returns the one to connect to. Throws
 * UnsafeAddressError when one of them is not public (unless allowed), or the host does not resolve.
 */
export async function resolveChecked(hostname: string, allowPrivate: boolean): Promise<{ address: string; family: 4 | 6 }> {
  const host = bare(hostname);
  const literal = isIP(host);
  let addresses: { address: string; family: number }[];
  if (literal) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await dnsLookup(host, { all: true, verbatim: true });
    } catch {
      throw new UnsafeAddressError(`The host ${host} does not resolve to an address`);
    }
  }
  if (addresses.length === 0) throw new UnsafeAddressError(`The host ${host} does not resolve to an address`);
  if (!allowPrivate) {
    const inner = addresses.find((a) => !isPublicAddress(a.address));
    if (inner) throw new UnsafeAddressError(`The host ${host} resolves to ${inner.address}, a private or reserved address: webhooks go only to the public internet`);
  }
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void;

/** A `lookup` for node:http(s) that resolves through `resolveChecked`, so the socket connects only to a checked address. */
export function checkedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean } | number | undefined, callback: LookupCallback): void => {
    resolveChecked(hostname, allowPrivate).then(
      ({ address, family }) => {
        if (typeof options === 'object' && options?.all) callback(null, [{ address, family }]);
        else callback(null, address, family);
      },
      (error: Error) => callback(Object.assign(error, { code: 'EWEBHOOKADDRESS' }) as NodeJS.ErrnoException, '', 0),
    );
  };
}
