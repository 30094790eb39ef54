/**
 * Layering rules, run by `npm run check` (`npm run layers`): module rules here, folder cycles in
 * .dependency-cruiser-folders.mjs. Static and dynamic `import()` both count, type-only imports too.
 * test/unit/layering/rules.test.ts shows each rule catching a deliberate violation.
 */

/** The one file in src/ that may import adapters/: it wires the platforms into the app. */
export const COMPOSITION_ROOT = 'src/cli/app.ts';

/** The core modules adapters may import: the ports, shared shapes, and the use cases. */
export const ADAPTER_MAY_IMPORT = [
  'src/platform/port.ts',
  'src/platform/http.ts', // body caps and JSON answers shared by every inbound route
  'src/domain.ts',
  'src/messages.ts',
  'src/errors.ts',
  'src/channels.ts',
  'src/log.ts',
  'src/config.ts', // types only: see adapters-config-types-only
  'src/usecases/',
];

const exact = (p) => `^${p.replace(/[.]/g, '\\.')}${p.endsWith('/') ? '' : '$'}`;

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'No module imports itself back, directly or through others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-not-to-adapters',
      severity: 'error',
      comment: `src/ knows chat platforms only through the port; only ${COMPOSITION_ROOT} wires adapters in.`,
      from: { path: '^src/', pathNot: exact(COMPOSITION_ROOT) },
      to: { path: '^adapters/' },
    },
    {
      name: 'adapters-only-to-ports',
      severity: 'error',
      comment: `adapters/ may import from src/ only: ${ADAPTER_MAY_IMPORT.join(', ')}.`,
      from: { path: '^adapters/' },
      to: { path: '^src/', pathNot: ADAPTER_MAY_IMPORT.map(exact) },
    },
    {
      name: 'adapters-config-types-only',
      severity: 'error',
      comment: 'Adapters get their settings passed in; they may name the Config types, not load config.',
      from: { path: '^adapters/' },
      to: { path: exact('src/config.ts'), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import the cruiser cannot resolve would escape every rule above.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // No includeOnly: it would hide unresolvable imports (their names match no path) from the rule above.
    doNotFollow: { path: 'node_modules' },
  },
};
