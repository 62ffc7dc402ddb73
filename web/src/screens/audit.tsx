// Placeholder of the audit screen (routes.ts); replaced by the real screen.
import { Placeholder } from '../components/Placeholder.js';

export default function Screen() {
  return <Placeholder name="audit" titleKey="nav.audit" />;
}
