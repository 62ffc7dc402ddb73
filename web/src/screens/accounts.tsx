// Placeholder of the accounts screen (routes.ts); replaced by the real screen.
import { Placeholder } from '../components/Placeholder.js';

export default function Screen() {
  return <Placeholder name="accounts" titleKey="nav.accounts" />;
}
