/** The signed-in session as a Preact context, so screens can hide what the role may not do. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Role, Session } from './api.js';

export const SessionContext = createContext<Session | null>(null);

/** The session of a signed-in screen (the shell renders screens only when there is one). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in shell');
  return session;
}

/** True when the signed-in role is one of `roles` (the API route's `config.roles`). */
export function useCan(roles: readonly Role[]): boolean {
  return roles.includes(useSession().user.role);
}
