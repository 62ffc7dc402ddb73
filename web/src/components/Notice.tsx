/** A screen's confirmation line (`.notice[role=status]`), shown while there is one. */
export function Notice(props: { text: string | null }) {
  return props.text ? (
    <p class="notice" role="status">
      {props.text}
    </p>
  ) : null;
}
