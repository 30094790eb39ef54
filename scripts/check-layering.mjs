#!/usr/bin/env node
// Dependencies point inward: src/ never imports adapters/, except the composition root in src/cli/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bad = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) check(p);
  }
}
function check(file) {
  const rel = relative(root, file);
  if (rel.startsWith('src/cli/')) return;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/from\s+['"]([^'"]+)['"]/g)) {
    if (/(^|\/)adapters\//.test(m[1])) bad.push(`${rel} imports ${m[1]}`);
  }
}
walk(join(root, 'src'));
if (bad.length > 0) {
  console.error(`src/ must not import adapters/ (only src/cli may):\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
