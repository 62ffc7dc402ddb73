/**
 * The ONE table of the console's screens: hash path, title, the roles that may open it (the same roles the API
 * routes the screen calls accept, src/api/routes/*.ts `config.roles`) and the lazily loaded screen module.
 * Paths are hash routes (`#/collectors/3301…`), so the API serves a single index.html at `/`.
 */
import type { ComponentType } from 'preact';
import type { Role } from './api.js';

/** What a screen gets from the shell. */
export interface ScreenProps {
  /** Path parameters (`:mn` → `params.mn`), decoded. */
  params: Readonly<Record<string, string>>;
  /** Query of the hash (`#/frames?mn=…`). */
  query: Readonly<Record<string, string>>;
}

export interface RouteDef {
  /** Screen name: `data-screen` of its root and the name of web/src/screens/<name>.tsx. */
  name: string;
  path: string;
  /** Message key of its title (common namespace). */
  titleKey: string;
  roles: readonly Role[];
  /** Listed in the side navigation (detail pages are reached from their list). */
  nav: boolean;
  load: () => Promise<{ default: ComponentType<ScreenProps> }>;
}

const ALL: readonly Role[] = ['admin', 'ops', 'regulator', 'enterprise', 'reader'];
const REGISTRY_READERS: readonly Role[] = ['admin', 'ops', 'regulator', 'enterprise'];

export const ROUTES: readonly RouteDef[] = [
  { name: 'collectors', path: '/collectors', titleKey: 'nav.collectors', roles: REGISTRY_READERS, nav: true, load: () => import('./screens/collectors.js') },
  { name: 'collector', path: '/collectors/:mn', titleKey: 'nav.collector', roles: REGISTRY_READERS, nav: false, load: () => import('./screens/collector.js') },
  { name: 'pending', path: '/pending', titleKey: 'nav.pending', roles: ['admin', 'ops'], nav: true, load: () => import('./screens/pending.js') },
  { name: 'frames', path: '/frames', titleKey: 'nav.frames', roles: ['admin', 'ops', 'enterprise'], nav: true, load: () => import('./screens/frames.js') },
  { name: 'reviews', path: '/reviews', titleKey: 'nav.reviews', roles: ['admin', 'regulator'], nav: true, load: () => import('./screens/reviews.js') },
  { name: 'gaps', path: '/gaps', titleKey: 'nav.gaps', roles: ALL, nav: true, load: () => import('./screens/gaps.js') },
  { name: 'backfills', path: '/backfills', titleKey: 'nav.backfills', roles: ALL, nav: true, load: () => import('./screens/backfills.js') },
  { name: 'registrations', path: '/registrations', titleKey: 'nav.registrations', roles: ALL, nav: true, load: () => import('./screens/registrations.js') },
  { name: 'ledger', path: '/ledger', titleKey: 'nav.ledger', roles: ALL, nav: true, load: () => import('./screens/ledger.js') },
  { name: 'registry', path: '/registry', titleKey: 'nav.registry', roles: REGISTRY_READERS, nav: true, load: () => import('./screens/registry.js') },
  { name: 'accounts', path: '/accounts', titleKey: 'nav.accounts', roles: ['admin', 'enterprise'], nav: true, load: () => import('./screens/accounts.js') },
  { name: 'account', path: '/account', titleKey: 'nav.account', roles: ALL, nav: false, load: () => import('./screens/account.js') },
  { name: 'audit', path: '/audit', titleKey: 'nav.audit', roles: ['admin', 'ops', 'regulator'], nav: true, load: () => import('./screens/audit.js') },
];

export interface Match {
  route: RouteDef;
  params: Record<string, string>;
  query: Record<string, string>;
}

function safeDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** Match `#/collectors/X?y=1` (or `/collectors/X?y=1`) against the table; undefined when no route fits. */
export function matchRoute(hash: string, routes: readonly RouteDef[] = ROUTES): Match | undefined {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const pathPart = (q < 0 ? raw : raw.slice(0, q)).replace(/\/+$/, '') || '/';
  const query: Record<string, string> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(raw.slice(q + 1))) query[k] = v;
  const segments = pathPart.split('/').filter((s) => s !== '');
  for (const route of routes) {
    const pattern = route.path.split('/').filter((s) => s !== '');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const p = pattern[i]!;
      const s = segments[i]!;
      if (p.startsWith(':')) {
        const value = safeDecode(s);
        if (value === undefined || value === '') ok = false;
        else params[p.slice(1)] = value;
      } else ok = p === s;
    }
    if (ok) return { route, params, query };
  }
  return undefined;
}

/** The hash of a route with its parameters filled in: `hrefOf('/collectors/:mn', { mn })` → `#/collectors/<mn>`. */
export function hrefOf(path: string, params: Readonly<Record<string, string>> = {}, query?: Readonly<Record<string, string | undefined>>): string {
  const filled = path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const qs = query ? new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString() : '';
  return `#${filled}${qs ? `?${qs}` : ''}`;
}

/** Routes a role may open, in table order. */
export function routesFor(role: Role, routes: readonly RouteDef[] = ROUTES): RouteDef[] {
  return routes.filter((r) => r.roles.includes(role));
}

/** Where a role lands after signing in: its first navigable screen. */
export function homeOf(role: Role, routes: readonly RouteDef[] = ROUTES): string {
  const first = routesFor(role, routes).find((r) => r.nav);
  return first ? hrefOf(first.path) : '#/';
}
