import type { Routes } from './context.ts';

/**
 * Routes whose module is loaded only when the app is built. A capability's index.ts names its
 * surfaces this way, so that a command that only migrates or exports (and loads the capability
 * list for the migrations) does not load every page, map and calendar library.
 */
export function lazyRoutes(load: () => Promise<Routes>): Routes {
  return (ctx) => async (app) => {
    await app.register((await load())(ctx));
  };
}
