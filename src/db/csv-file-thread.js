// Starts csv-file-thread.ts in its worker thread. A worker thread does not inherit the loader
// that bin/turnout.js (or the test runner) registered, so it registers tsx itself, as that file does.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's tsconfig (JSX through @kitajs/html), wherever the command is run from: tsx
// would otherwise look for one in the current folder and compile pages for React.
register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
await import('./csv-file-thread.ts');
