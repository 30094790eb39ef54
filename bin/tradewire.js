#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (`npm run build`; `npm install` in a checkout builds it).
// Development and tests run the sources through tsx instead: `npm run dev -- <args>`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/tradewire.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('tradewire: dist/ is missing; run `npm run build` (or `npm install`) first\n');
  process.exit(1);
}
await import(entry.href);
