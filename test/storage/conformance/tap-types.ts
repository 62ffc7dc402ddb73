/** The type of a tap subtest, so shared suites can take one. */
import type tap from 'tap';

export type Tap = Parameters<Parameters<typeof tap.test>[0]>[0];
