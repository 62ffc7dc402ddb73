// Placeholder of the gaps screen (routes.ts); replaced by the real screen.
import { Placeholder } from '../components/Placeholder.js';

export default function Screen() {
  return <Placeholder name="gaps" titleKey="nav.gaps" />;
}
