import type { Schedule, ThreadState, Watch } from '../domain.ts';

/** What channels asked for: keyword watches and digest schedules. */
export interface WatchStore {
  /** Rejects with `watch/limit` when the channel already has `maxPerChannel` watches. */
  addWatch(w: Watch, maxPerChannel: number): Promise<Watch>;
  removeWatch(id: string): Promise<boolean>;
  /** One channel's watches (oldest first), or every watch (by channel). */
  listWatches(channel?: string): Promise<Watch[]>;
}

export interface ScheduleStore {
  /** One schedule per channel: setting it again replaces it. */
  setSchedule(s: Schedule): Promise<void>;
  removeSchedule(channel: string): Promise<boolean>;
  getSchedule(channel: string): Promise<Schedule | null>;
  /** By channel. */
  listSchedules(): Promise<Schedule[]>;
}

/** Conversation state of digest and answer threads, for follow-up questions. */
export interface ThreadStore {
  getThread(threadId: string): Promise<ThreadState | null>;
  /** Replaces the thread's state. */
  saveThread(t: ThreadState): Promise<void>;
}
