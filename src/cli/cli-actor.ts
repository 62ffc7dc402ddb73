/** The audit actor of changes made by the CLI: the operating-system user. */
import { userInfo } from 'node:os';
import type { Actor } from '../domain/catalog.js';

export function cliActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep 'unknown'
  }
  return { tokenId: 'cli', name, role: 'cli' };
}
