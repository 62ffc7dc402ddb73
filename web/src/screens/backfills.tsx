// Placeholder of the backfills screen (routes.ts); replaced by the real screen.
import { Placeholder } from '../components/Placeholder.js';

export default function Screen() {
  return <Placeholder name="backfills" titleKey="nav.backfills" />;
}
