/**
 * Who may call a route, by name (docs/api.md "Roles"). Each route's `config.roles` is one of these sets; the order
 * is the order the OpenAPI description lists them in.
 */
import type { Role } from '../domain/catalog.js';

/** Every role: reading readings, status and ledgers (an enterprise token sees its own enterprise only). */
export const EVERYONE = ['admin', 'ops', 'regulator', 'enterprise', 'reader'] as const satisfies readonly Role[];
/** Who reads the registry (enterprises, sites, points, items, collectors): everyone but the read-only `reader`. */
export const REGISTRY_READERS = ['admin', 'ops', 'regulator', 'enterprise'] as const satisfies readonly Role[];
/** Who runs the platform: registry changes, pending devices, metrics. */
export const OPERATORS = ['admin', 'ops'] as const satisfies readonly Role[];
/** Who oversees: the audit trail and the monthly ledger's recomputation. */
export const OVERSEERS = ['admin', 'ops', 'regulator'] as const satisfies readonly Role[];
/** Who drives collectors: reverse-control commands and the frame log (an enterprise its own). */
export const DEVICE_OPERATORS = ['admin', 'ops', 'enterprise'] as const satisfies readonly Role[];
/** Who acts for an enterprise: explanations, back-fills, registrations, its own tokens. */
export const ENTERPRISE_ACTORS = ['admin', 'enterprise'] as const satisfies readonly Role[];
/** Who reviews: a regulator's decisions on explanations, back-fills and registrations. */
export const REVIEWERS = ['admin', 'regulator'] as const satisfies readonly Role[];
