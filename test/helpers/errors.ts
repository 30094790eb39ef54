import { TradewireError } from '../../src/errors.ts';

/** The TradewireError `fn` throws (fails the test when it throws nothing or something else). */
export function thrown(fn: () => unknown): TradewireError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TradewireError) return err;
    throw err;
  }
  throw new Error('expected a TradewireError');
}
