// Starts csv-file-thread.ts in its worker thread. A worker thread does not inherit the loader
// that bin/turnout.js (or the test runner) registered, so it registers tsx itself, as that file does.
import { register } from 'tsx/esm/api';

register();
await import('./csv-file-thread.ts');
