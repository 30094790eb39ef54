import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.ts';
import { parseYamlSubset, type YamlValue } from '../../helpers/yaml-subset.ts';

/**
 * deploy/ is checked, not run (CI has no Docker or systemd): the compose file parses and wires every
 * role to the shared Redis and PostgreSQL, and the systemd units parse as INI with the keys a unit
 * needs, each running one role of the real CLI.
 */

const DEPLOY = join(REPO, 'deploy');
const ROLES = ['worker', 'scheduler', 'adapters'] as const;

type Map_ = { [key: string]: YamlValue };
const isMap = (v: YamlValue | undefined): v is Map_ =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const map = (v: YamlValue | undefined, what: string): Map_ => {
  if (!isMap(v)) throw new Error(`${what} is not a mapping`);
  return v;
};

/** systemd unit files: [Section] headers, Key=Value lines (keys may repeat), # and ; comments. */
function parseUnit(src: string, file: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  let section: Map<string, string[]> | null = null;
  src.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const head = /^\[([A-Za-z]+)\]$/.exec(line);
    if (head) {
      if (out.has(head[1]!)) throw new Error(`${file}:${i + 1}: section [${head[1]}] twice`);
      section = new Map();
      out.set(head[1]!, section);
      return;
    }
    const kv = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (!kv || !section) throw new Error(`${file}:${i + 1}: not "Key=Value" inside a section: ${line}`);
    if (raw.endsWith('\\')) throw new Error(`${file}:${i + 1}: no continuation lines`);
    const values = section.get(kv[1]!) ?? [];
    values.push(kv[2]!.trim());
    section.set(kv[1]!, values);
  });
  return out;
}

describe('deploy/compose.yaml', () => {
  const doc = map(parseYamlSubset(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8')), 'the file');
  const services = map(doc.services, 'services');

  it('runs Redis and PostgreSQL with health checks and volumes', () => {
    for (const name of ['redis', 'postgres']) {
      const s = map(services[name], name);
      expect(String(s.image)).toMatch(name === 'redis' ? /^redis:\d/ : /^postgres:\d/);
      expect(map(s.healthcheck, `${name}.healthcheck`).test).toBeInstanceOf(Array);
      expect(s.volumes).toBeInstanceOf(Array);
    }
    expect(Object.keys(map(doc.volumes, 'volumes')).sort()).toEqual(['pg-data', 'redis-data']);
    // BullMQ needs Redis never to evict keys.
    expect(map(services.redis, 'redis').command).toContain('noeviction');
  });

  it('runs every role of the one image against the shared Redis and PostgreSQL', () => {
    const pgPassword = map(
      map(services.postgres, 'postgres').environment,
      'postgres.environment',
    ).POSTGRES_PASSWORD;
    expect(pgPassword).toMatch(/^\$\{POSTGRES_PASSWORD/);
    for (const role of ROLES) {
      const s = map(services[role], role);
      expect(s.command).toEqual(expect.arrayContaining(['run', '--role', role]));
      expect((s.command as string[]).slice(0, 3)).toEqual(['run', '--role', role]);
      expect(map(s.build, `${role}.build`)).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
      expect(s.image).toBe('tradewire:latest');
      const env = map(s.environment, `${role}.environment`);
      expect(env.DATABASE_URL).toMatch(
        /^postgres:\/\/tradewire:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432\/tradewire$/,
      );
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      const deps = map(s.depends_on, `${role}.depends_on`);
      for (const base of ['redis', 'postgres']) {
        expect(map(deps[base], `${role}.depends_on.${base}`).condition).toBe('service_healthy');
      }
      expect(s.restart).toBe('unless-stopped');
    }
    expect(Number(map(map(services.worker, 'worker').deploy, 'worker.deploy').replicas)).toBeGreaterThan(1);
    expect(map(services.adapters, 'adapters').ports).toEqual(['3000:3000']);
    // No service the file does not explain.
    expect(Object.keys(services).sort()).toEqual(['adapters', 'postgres', 'redis', 'scheduler', 'worker']);
  });

  it('builds from a Dockerfile whose entry point is the CLI', () => {
    const docker = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
    expect(docker).toMatch(/^FROM node:20/m);
    expect(docker).toMatch(/^ENTRYPOINT \["node", "bin\/tradewire\.js"\]$/m);
    expect(docker).toMatch(/^RUN npm ci\b/m);
  });
});

describe('deploy/systemd', () => {
  const dir = join(DEPLOY, 'systemd');
  const files = readdirSync(dir).sort();

  it('has a unit per role and a target that groups them', () => {
    expect(files).toEqual([
      'tradewire-adapters.service',
      'tradewire-scheduler.service',
      'tradewire-worker@.service',
      'tradewire.target',
    ]);
  });

  for (const file of files.filter((f) => f.endsWith('.service'))) {
    it(`${file} parses and runs one role of the CLI`, () => {
      const unit = parseUnit(readFileSync(join(dir, file), 'utf8'), file);
      expect([...unit.keys()]).toEqual(['Unit', 'Service', 'Install']);
      const [u, s, i] = [unit.get('Unit')!, unit.get('Service')!, unit.get('Install')!];
      expect(u.get('Description')?.[0]).toBeTruthy();
      expect(u.get('After')?.join(' ')).toContain('network-online.target');
      expect(u.get('PartOf')).toEqual(['tradewire.target']);
      const role = /^tradewire-(\w+)@?\.service$/.exec(file)![1]!;
      const exec = s.get('ExecStart') ?? [];
      expect(exec).toHaveLength(1);
      expect(exec[0]).toMatch(
        new RegExp(`^/usr/bin/node /opt/tradewire/bin/tradewire\\.js run --role ${role}( |$)`),
      );
      expect(s.get('EnvironmentFile')).toEqual(['/etc/tradewire/tradewire.env']);
      expect(s.get('Restart')).toEqual(['on-failure']);
      expect(s.get('User')).toEqual(['tradewire']);
      expect(s.get('Type')).toEqual(['simple']);
      // Each process keeps its own data dir (the console channel's files): instances never share one.
      const dataDir = (s.get('Environment') ?? []).find((e) => e.startsWith('TRADEWIRE_DATA_DIR='));
      expect(dataDir).toMatch(file.includes('@') ? /%i$/ : new RegExp(`/${role}$`));
      expect(i.get('WantedBy')).toEqual(['tradewire.target']);
    });
  }

  it('tradewire.target wants the single roles and is wanted at boot', () => {
    const unit = parseUnit(readFileSync(join(dir, 'tradewire.target'), 'utf8'), 'tradewire.target');
    expect(unit.get('Unit')?.get('Wants')?.[0]?.split(' ').sort()).toEqual([
      'tradewire-adapters.service',
      'tradewire-scheduler.service',
    ]);
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });
});

describe('the YAML subset parser', () => {
  it('rejects what it does not understand, naming the line', () => {
    expect(() => parseYamlSubset('a: 1\n\tb: 2')).toThrow(/line 2: tab/);
    expect(() => parseYamlSubset('a: &x 1')).toThrow(/line 1: .*outside the supported subset/);
    expect(() => parseYamlSubset('a: 1\na: 2')).toThrow(/line 2: duplicate key "a"/);
    expect(() => parseYamlSubset('a:\n  b: 1\n c: 2')).toThrow(/line 3/);
    expect(() => parseYamlSubset('a: "open')).toThrow(/line 1: unterminated quote/);
  });

  it('reads a flow sequence broken over lines, with a trailing comma, and refuses one left open', () => {
    expect(parseYamlSubset('f:\n  [\n    "[1]",\n    g,\n  ]\nh: [x]\n')).toEqual({
      f: ['[1]', 'g'],
      h: ['x'],
    });
    expect(() => parseYamlSubset('a: [x,\n  y')).toThrow(/line 1: unclosed \[/);
  });

  it('reads mappings, sequences at either indentation, quoted scalars and flow sequences', () => {
    expect(
      parseYamlSubset(
        'a:\n  - x\n  - "y # not a comment"\nb:\n- k: v\n  j: [p, "q, r"]\nc: # note\n  d: \'it\'\'s\'\ne:\n',
      ),
    ).toEqual({
      a: ['x', 'y # not a comment'],
      b: [{ k: 'v', j: ['p', 'q, r'] }],
      c: { d: "it's" },
      e: null,
    });
  });
});
