import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { describeStoreConformance } from '../../conformance/store.ts';

describeStoreConformance('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-store-conformance-'));
  const file = join(dir, 'tradewire.sqlite');
  const opened: Store[] = [];
  const track = (s: Store) => {
    opened.push(s);
    return s;
  };
  return {
    // Stores in one process share the file's connection (and its group commit).
    open: async () => track(new SqliteStore(file)),
    openIndependent: async () => track(new SqliteStore(file, { privateConnection: true })),
    destroy: async () => {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
