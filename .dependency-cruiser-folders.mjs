/**
 * No folder-level cycles (src/queue may use src/digest, never both ways). Run once over src/ without
 * adapters/ and once over adapters/ without src/ (`npm run layers`): dependency-cruiser aggregates
 * every folder into its parents, so with both trees in one cruise the composition root would put
 * `src` (which holds src/cli/app.ts) and `adapters` in a cycle with any folder an adapter uses, and
 * it applies no `via` filters at folder scope. The only edge between the trees is the composition
 * root's, guarded by .dependency-cruiser.mjs.
 */
import base from './.dependency-cruiser.mjs';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment: 'Folders depend one way: move the file that makes the loop to the folder it belongs to.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: base.options,
};
