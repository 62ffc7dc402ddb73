/** Internal helper for maps built from wire data (not exported from the package). */

/**
 * Sets an own enumerable property, also when the key is `__proto__`: plain assignment would change the prototype
 * instead, and a device could make a CP key vanish (or pollute) that way.
 */
export function setKey(map: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

/**
 * `new PlainRecord()` is `{}` (prototype Object.prototype, nothing else differs) built by a constructor, so V8 sizes
 * it from the objects it built before (in-object slack tracking): a CP map of a dozen keys is not re-allocated as
 * its keys are added one by one.
 */
export const PlainRecord = function PlainRecord(): void {} as unknown as new () => Record<string, string>;
PlainRecord.prototype = Object.prototype as Record<string, string>;
