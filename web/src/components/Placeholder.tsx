/** A screen not built yet: its title and a note, with the screen's test hook. */
import { useT } from '../i18n/use-t.js';

export function Placeholder(props: { name: string; titleKey: string }) {
  const t = useT();
  return (
    <section data-screen={props.name} class="screen">
      <h1>{t(props.titleKey)}</h1>
      <p class="muted">{t('placeholder')}</p>
    </section>
  );
}
