/**
 * A lockfile for an empty project that depends on the packed tarball, built from the checkout's own
 * lockfile (the same pinned versions, runtime entries only). Each entry gets its registry tarball URL
 * beside its integrity, so `npm ci --offline` takes every tarball from the local npm cache by
 * integrity and needs no registry metadata (the checkout's lockfile carries no `resolved` URLs, and
 * `npm install --offline <tarball>` fails on metadata the cache lacks).
 */

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  link?: boolean;
  name?: string;
  [key: string]: unknown;
}

interface Manifest {
  version: string;
  license?: string;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
}

const REGISTRY = 'https://registry.npmjs.org';

export function consumerProject(
  lock: { packages: Record<string, LockEntry> },
  manifest: Manifest,
  tarballSpec: string,
): { packageJson: object; packageLock: object } {
  const name = 'tradewire-pack-check';
  const packages: Record<string, LockEntry> = {
    '': { name, dependencies: { tradewire: tarballSpec } },
    'node_modules/tradewire': {
      version: manifest.version,
      resolved: tarballSpec,
      ...(manifest.license ? { license: manifest.license } : {}),
      dependencies: manifest.dependencies ?? {},
      bin: manifest.bin ?? {},
      engines: manifest.engines ?? {},
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev || entry.link || !entry.version) continue;
    const pkg = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const file = `${pkg.split('/').pop()}-${entry.version}.tgz`;
    packages[path] = { ...entry, resolved: entry.resolved ?? `${REGISTRY}/${pkg}/-/${file}` };
  }
  return {
    packageJson: { name, private: true, dependencies: { tradewire: tarballSpec } },
    packageLock: { name, lockfileVersion: 3, requires: true, packages },
  };
}
