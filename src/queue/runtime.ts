import { type JobsOptions, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { type PrivateRedis, startPrivateRedis } from './private-redis.ts';

/** Retries with exponential backoff; bounded history so Redis does not grow without limit. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/** Connections and queues shared by one process; close() releases all of them. */
export class QueueRuntime {
  private readonly queues = new Map<string, Queue>();
  private readonly events = new Map<string, QueueEvents>();
  private readonly connections: Redis[] = [];

  private constructor(
    readonly redisUrl: string,
    readonly prefix: string,
    private readonly privateRedis: PrivateRedis | null,
    readonly log: Logger,
  ) {}

  static async start(
    config: Pick<Config, 'redisUrl' | 'dataDir' | 'queuePrefix'>,
    log: Logger,
  ): Promise<QueueRuntime> {
    const priv = config.redisUrl ? null : await startPrivateRedis(config.dataDir);
    const url = config.redisUrl ?? priv!.url;
    if (priv) log.debug('private redis', { url, owned: priv.owned });
    return new QueueRuntime(url, config.queuePrefix, priv, log);
  }

  /** A new connection for a Worker or QueueEvents (they block, so they cannot share). */
  connection(): Redis {
    const c = new Redis(this.redisUrl, {
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      lazyConnect: false,
    });
    c.on('error', (err) => this.log.debug('redis connection error', { err: err.message }));
    this.connections.push(c);
    return c;
  }

  private pinger: Redis | null = null;

  /** True when Redis answers PING (for /healthz). */
  async ping(): Promise<boolean> {
    this.pinger ??= this.connection();
    return this.pinger
      .ping()
      .then((p) => p === 'PONG')
      .catch(() => false);
  }

  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: this.connection(),
        prefix: this.prefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      this.queues.set(name, q);
    }
    return q;
  }

  queueEvents(name: string): QueueEvents {
    let e = this.events.get(name);
    if (!e) {
      // Start reading a few seconds in the past: BullMQ's waitUntilFinished can otherwise miss a completion
      // that lands between its "already finished?" check and the first blocking read of the event stream.
      e = new QueueEvents(name, {
        connection: this.connection(),
        prefix: this.prefix,
        lastEventId: `${Date.now() - 10_000}-0`,
      });
      e.setMaxListeners(0);
      this.events.set(name, e);
    }
    return e;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.events.values()].map((e) => e.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await Promise.allSettled(this.connections.map((c) => c.quit()));
    for (const c of this.connections) c.disconnect();
    await this.privateRedis?.stop();
  }
}
