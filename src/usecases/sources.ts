import type { SourceInfo } from '../domain.ts';
import type { UseCaseDeps } from './deps.ts';

/** The sources stored articles came from, most articles first (`/trade sources`). */
export function listSources(deps: Pick<UseCaseDeps, 'store'>): Promise<SourceInfo[]> {
  return deps.store.listSources();
}
