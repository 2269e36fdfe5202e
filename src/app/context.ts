import type { Config } from '../config.ts';
import type { Context } from '../context.ts';
import { openContext, openWorker } from '../open-context.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Worker, WorkerOptions } from '../jobs/worker.ts';
import { CAPABILITIES } from './capabilities.ts';

export type { Context };

/** The context of a process running every capability turnout has. */
export function createContext(config: Config, opts: { migrate?: boolean; mailer?: Mailer } = {}): Promise<Context> {
  return openContext(config, CAPABILITIES, opts);
}

/** The job worker with the handlers of every capability. */
export function createWorker(
  ctx: Context,
  log?: (msg: string, extra?: Record<string, unknown>) => void,
  opts: Pick<WorkerOptions, 'busy' | 'serving' | 'maxDeferMs' | 'lockMs'> = {},
): Promise<Worker> {
  return openWorker(ctx, log, opts);
}
