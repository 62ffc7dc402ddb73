/** Factor codes accepted for monitoring items: those of the protocol's factor table, 2017 or 2005 codes. */
import { lookupFactor } from '../../protocol/index.js';
import { AppError } from '../errors.js';

/**
 * The code is kept as given: 2005-era collectors report 2005 codes, and an item should name the code its readings
 * carry (the protocol's `toCode2017` relates the two).
 * @throws AppError APP_ERR_UNKNOWN_FACTOR
 */
export function assertKnownFactor(code: string): void {
  if (!lookupFactor(code)) throw new AppError('APP_ERR_UNKNOWN_FACTOR', code);
}
