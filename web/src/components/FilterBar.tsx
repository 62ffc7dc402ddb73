/** A row of filter controls: submitting (Enter or the button) applies, reset clears. `data-action="filter"|"reset"`. */
import type { ComponentChildren } from 'preact';
import { useT } from '../i18n/use-t.js';

export interface FilterBarProps {
  name?: string;
  onApply?: () => void;
  onReset?: () => void;
  /** Text of the apply button (default: 筛选 / Filter). */
  applyLabel?: string;
  children: ComponentChildren;
}

export function FilterBar(props: FilterBarProps) {
  const t = useT();
  return (
    <form
      class="filter-bar"
      role="search"
      data-filter={props.name}
      onSubmit={(e) => {
        e.preventDefault();
        props.onApply?.();
      }}
    >
      {props.children}
      {props.onApply && (
        <button type="submit" data-action="filter">
          {props.applyLabel ?? t('filter.apply')}
        </button>
      )}
      {props.onReset && (
        <button type="button" class="secondary" data-action="reset" onClick={props.onReset}>
          {t('filter.reset')}
        </button>
      )}
    </form>
  );
}
