// How the console writes numbers and times: in English (the console is not translated), times in UTC.

/** 1,234: a count with thousands separators. */
export const number = (n: number) => n.toLocaleString('en-US');

/** 2026-03-14 18:30: a stored ISO time to the minute, in UTC. */
export const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');
