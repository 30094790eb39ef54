// The CLI from source through tsx, for tests that spawn `node <BIN> …` (the packed, compiled CLI is
// tested in test/e2e/pack).
import { register } from 'tsx/esm/api';

register();
await import('../../src/cli/tradewire.ts');
