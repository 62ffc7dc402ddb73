/**
 * The shell keeps a screen mounted while only the query of its hash changes (`#/gaps` → `#/gaps?state=open`), so a
 * screen that reads its filters from the query once would miss a link or a typed URL to itself. Wrapping it here
 * remounts it whenever the query differs; the screens' own `history.replaceState` of their filters fires no
 * `hashchange` and so keeps them mounted.
 */
import type { ComponentType } from 'preact';
import type { ScreenProps } from '../routes.js';
import { queryKey } from './query-key.js';

export function keyedByQuery(Screen: ComponentType<ScreenProps>): ComponentType<ScreenProps> {
  return function Keyed(props: ScreenProps) {
    return <Screen key={queryKey(props.query)} {...props} />;
  };
}
