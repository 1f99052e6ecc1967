import { type BatonError, isBatonError } from 'baton-flow';

/** The BatonError `act` throws; anything else it throws goes on, and throwing nothing fails the test. */
export function thrown(act: () => unknown): BatonError {
  try {
    act();
  } catch (error) {
    if (isBatonError(error)) return error;
    throw error;
  }
  throw new Error('expected a BatonError');
}
