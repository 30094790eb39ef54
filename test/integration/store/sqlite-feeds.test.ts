import { join } from 'node:path';
import { SqliteFeedStore } from '../../../src/store/sqlite/sqlite-feeds.ts';
import { feedStoreConformance } from '../../conformance/feed-store.ts';
import { tempDir } from '../../helpers/cli.ts';

feedStoreConformance('sqlite', () => new SqliteFeedStore(join(tempDir('tw-feedstore-'), 'tradewire.db')));
