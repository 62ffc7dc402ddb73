/** Internal helper for maps built from wire data (not exported from the package). */

/**
 * Sets an own enumerable property, also when the key is `__proto__`: plain assignment would change the prototype
 * instead, and a device could make a CP key vanish (or pollute) that way.
 */
export function setKey(map: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}
