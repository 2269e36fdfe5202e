#!/usr/bin/env node
// Runs turnout's TypeScript sources directly through tsx, so there is no build step.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's tsconfig (JSX through @kitajs/html), wherever the command is run from: tsx
// would otherwise look for one in the current folder and compile pages for React.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
// serve and worker keep running; every other command ends here.
if (code !== 0 || !['serve', 'worker'].includes(process.argv[2] ?? '') || process.argv.includes('--once') || process.argv.includes('--help')) {
  process.exitCode = code;
}
