import { z } from 'zod';
import type { Schedule } from '../domain.ts';
import { TradewireError } from '../errors.ts';
import { parseQuery } from '../watch/query.ts';
import { parseTimeOfDay, validTimezone } from './schedule.ts';

/**
 * One schema for a digest schedule, used by every surface that writes one (CLI, chat commands) and by
 * every read from the store, so a value no surface would accept can never reach a digest.
 * Numbers may arrive as strings (command-line flags, chat text): they are coerced, then checked.
 */
export const MAX_DIGEST_STORIES = 50;

const number = (what: string) =>
  z.union([z.number(), z.string().trim().min(1)]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: `${what} must be a number, not "${v}"` });
      return z.NEVER;
    }
    return n;
  });

export const ScheduleSchema = z.object({
  channel: z.string().min(1),
  time: z.string().refine((t) => {
    try {
      parseTimeOfDay(t);
      return true;
    } catch {
      return false;
    }
  }, 'time must be HH:MM, e.g. 08:00'),
  timezone: z.string().refine(validTimezone, 'timezone must be an IANA name such as Europe/Berlin or UTC'),
  weekdays: z
    .array(
      z.number().int().min(1, 'weekdays are 1 (Mon) to 7 (Sun)').max(7, 'weekdays are 1 (Mon) to 7 (Sun)'),
    )
    .transform((d) => [...new Set(d)].sort()),
  minRelevance: number('min relevance').pipe(
    z
      .number()
      .min(0, 'min relevance must be between 0 and 1')
      .max(1, 'min relevance must be between 0 and 1'),
  ),
  query: z
    .string()
    .trim()
    .nullable()
    .transform((q) => (q === '' ? null : q))
    // A bad query throws query/parse with the column at fault, which says more than a schema message.
    .refine((q) => q === null || parseQuery(q) !== null),
  maxStories: number('max stories').pipe(
    z
      .number()
      .int('max stories must be a whole number')
      .min(1, 'max stories must be at least 1')
      .max(MAX_DIGEST_STORIES, `max stories must be at most ${MAX_DIGEST_STORIES}`),
  ),
  postEmpty: z.boolean(),
});

export type ScheduleInput = z.input<typeof ScheduleSchema>;

/** Validates a schedule; one `schedule/invalid` error naming every bad field (a bad query keeps its own code). */
export function validSchedule(input: ScheduleInput): Schedule {
  const r = ScheduleSchema.safeParse(input);
  if (!r.success) {
    throw new TradewireError('schedule/invalid', r.error.issues.map((i) => i.message).join('; '));
  }
  return r.data;
}
