/**
 * The foot of a form: its error box, then the submit button (`data-action` "submit" unless named), any further
 * buttons, and cancel (`data-action="cancel"`).
 */
import type { ComponentChildren } from 'preact';
import { ErrorBox } from './Field.js';

export function FormFooter(props: { error: unknown; submit?: { label: string; action?: string; disabled: boolean }; cancelLabel: string; onCancel: () => void; children?: ComponentChildren }) {
  const { submit } = props;
  return (
    <>
      <ErrorBox error={props.error} />
      <div class="row">
        {submit && (
          <button type="submit" data-action={submit.action ?? 'submit'} disabled={submit.disabled}>
            {submit.label}
          </button>
        )}
        {props.children}
        <button type="button" class="secondary" data-action="cancel" onClick={props.onCancel}>
          {props.cancelLabel}
        </button>
      </div>
    </>
  );
}
