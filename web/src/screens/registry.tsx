// Placeholder of the registry screen (routes.ts); replaced by the real screen.
import { Placeholder } from '../components/Placeholder.js';

export default function Screen() {
  return <Placeholder name="registry" titleKey="nav.registry" />;
}
