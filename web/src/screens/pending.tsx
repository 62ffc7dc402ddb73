// Placeholder of the pending screen (routes.ts); replaced by the real screen.
import { Placeholder } from '../components/Placeholder.js';

export default function Screen() {
  return <Placeholder name="pending" titleKey="nav.pending" />;
}
