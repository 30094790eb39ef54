import { describe, expect, it } from 'vitest';
import { type ScheduleInput, validSchedule } from '../../../src/digest/schedule-schema.ts';
import { thrown } from '../../helpers/errors.ts';

const base: ScheduleInput = {
  channel: 'console:desk',
  time: '08:00',
  timezone: 'UTC',
  weekdays: [],
  minRelevance: 0.3,
  query: null,
  maxStories: 10,
  postEmpty: false,
};

describe('the one schedule schema', () => {
  it('coerces numbers given as text (flags, chat) and normalises weekdays', () => {
    expect(
      validSchedule({ ...base, minRelevance: '0.5', maxStories: '7', weekdays: [5, 1, 1] }),
    ).toMatchObject({
      minRelevance: 0.5,
      maxStories: 7,
      weekdays: [1, 5],
    });
    expect(validSchedule({ ...base, query: '  ' }).query).toBeNull();
  });

  it.each([
    [{ maxStories: -3 }, /at least 1/],
    [{ maxStories: 'abc' }, /must be a number/],
    [{ maxStories: 51 }, /at most 50/],
    [{ minRelevance: 2 }, /between 0 and 1/],
    [{ minRelevance: 'abc' }, /must be a number/],
    [{ time: '8am' }, /HH:MM/],
    [{ timezone: 'Mars/Olympus' }, /IANA/],
    [{ weekdays: [0] }, /1 \(Mon\) to 7/],
  ] as Array<[Partial<ScheduleInput>, RegExp]>)('refuses %o', (over, message) => {
    const err = thrown(() => validSchedule({ ...base, ...over }));
    expect(err.code).toBe('schedule/invalid');
    expect(err.message).toMatch(message);
  });

  it('a bad channel filter keeps the query language’s own error, with its column', () => {
    expect(thrown(() => validSchedule({ ...base, query: 'steel AND (' })).code).toBe('query/parse');
  });
});
