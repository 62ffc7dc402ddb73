/** A small coloured state label (online/offline, open/closed, accepted/rejected...). `data-state` carries the raw state. */
export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

export function StateBadge(props: { state: string; label: string; tone: Tone }) {
  return (
    <span class={`badge ${props.tone}`} data-state={props.state}>
      {props.label}
    </span>
  );
}
