/**
 * Pieces the ledger screens share: the ledger messages, state badge, period text, the enterprise picker, and the
 * explain (原因说明, `form[name="explain"]`) and review (`form[name="review"]`, data-action review-approve /
 * review-reject) forms posting to `<entry path>/explanation` and `<entry path>/review`.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, type ApiError, type Role } from '../api.js';
import type { Enterprise } from '../api-types.js';
import { Field } from '../components/Field.js';
import { FormFooter } from '../components/FormFooter.js';
import { StateBadge } from '../components/StateBadge.js';
import { useLoad } from '../components/use-load.js';
import { useSubmit } from '../components/use-submit.js';
import { showTime } from '../format.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/ledger-common.js';
import zh from '../i18n/zh-CN/ledger-common.js';
import { fetchAll } from '../list.js';
import { reviewBody, stateTone } from './ledger-logic.js';

export const ledgerMessages = defineMessages('ledger', { 'zh-CN': zh, en });

export { asApiError } from '../components/use-submit.js';

export function LedgerState(props: { state: string }) {
  const t = useT(ledgerMessages);
  return <StateBadge state={props.state} tone={stateTone(props.state)} label={t(`state.${props.state}`)} />;
}

/** `2024-05-01 08:00:00 – 09:00:00` (the end's date only when it differs). */
export function showPeriod(start: string, end: string): string {
  const a = showTime(start);
  const b = showTime(end);
  return a.slice(0, 10) === b.slice(0, 10) ? `${a} – ${b.slice(11)}` : `${a} – ${b}`;
}

/** Roles that may read the enterprise list (GET /enterprises) and so pick an enterprise in filters. */
const ENTERPRISE_PICKERS: readonly Role[] = ['admin', 'ops', 'regulator'];

/** The enterprises for a filter's picker; empty for roles that see only their own (enterprise) or none (reader). */
export function useEnterprises(role: Role) {
  const pick = ENTERPRISE_PICKERS.includes(role);
  const loaded = useLoad(() => (pick ? fetchAll<Enterprise>(api, '/enterprises') : Promise.resolve([])), [pick]);
  return { pick, list: loaded.data ?? [], error: loaded.error, nameOf: (id: string) => loaded.data?.find((e) => e.id === id)?.name ?? id };
}

export function EnterprisePicker(props: { enterprises: readonly Enterprise[]; value: string; onChange: (id: string) => void; name?: string; allLabel?: string }) {
  const t = useT(ledgerMessages);
  return (
    <Field name={props.name ?? 'enterpriseId'} label={t('enterprise')}>
      {(c) => (
        <select {...c} value={props.value} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{props.allLabel ?? t('allEnterprises')}</option>
          {props.enterprises.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A text area field (explanations, comments, reasons). */
export function TextArea(props: { name: string; label: string; value: string; onInput: (v: string) => void; error?: ApiError | null; required?: boolean; maxLength?: number }) {
  return (
    <Field name={props.name} label={props.label} error={props.error}>
      {(c) => <textarea {...c} rows={3} cols={60} value={props.value} required={props.required} maxLength={props.maxLength ?? 2000} onInput={(e) => props.onInput((e.currentTarget as HTMLTextAreaElement).value)} />}
    </Field>
  );
}

/** 原因说明 of a gap or anomaly: POST `<path>/explanation` `{ text }`. */
export function ExplainForm<T>(props: { path: string; what: string; onDone: (entry: T) => void; onCancel: () => void }) {
  const t = useT(ledgerMessages);
  const [text, setText] = useState('');
  const { error, busy, run } = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => props.onDone(await api.post<T>(`${props.path}/explanation`, { text: text.trim() })));
  };
  return (
    <form name="explain" class="panel" onSubmit={submit}>
      <h2>{t('explainTitle', { what: props.what })}</h2>
      <TextArea name="text" label={t('explainText')} value={text} onInput={setText} error={error} required />
      <FormFooter error={error} submit={{ label: t('submit'), disabled: busy || text.trim() === '' }} cancelLabel={t('cancel')} onCancel={props.onCancel} />
    </form>
  );
}

/** A regulator's decision: POST `<path>/review` `{ decision, comment }`. */
export function ReviewForm<T>(props: { path: string; what: string; children?: ComponentChildren; onDone: (entry: T) => void; onCancel: () => void }) {
  const t = useT(ledgerMessages);
  const [comment, setComment] = useState('');
  const { error, busy, run } = useSubmit();
  const decide = (decision: 'accepted' | 'rejected') => run(async () => props.onDone(await api.post<T>(`${props.path}/review`, reviewBody(decision, comment))));
  return (
    <form name="review" class="panel" onSubmit={(e) => (e.preventDefault(), void decide('accepted'))}>
      <h2>{t('reviewTitle', { what: props.what })}</h2>
      {props.children}
      <TextArea name="comment" label={t('comment')} value={comment} onInput={setComment} error={error} required />
      <FormFooter error={error} cancelLabel={t('cancel')} onCancel={props.onCancel}>
        <button type="button" data-action="review-approve" disabled={busy || comment.trim() === ''} onClick={() => void decide('accepted')}>
          {t('approve')}
        </button>
        <button type="button" class="danger" data-action="review-reject" disabled={busy || comment.trim() === ''} onClick={() => void decide('rejected')}>
          {t('reject')}
        </button>
      </FormFooter>
    </form>
  );
}

/** Who decided what, when, with which comment. */
export function ReviewNote(props: { review?: { decision: string; comment: string; by: { name: string }; at: string } | undefined }) {
  const t = useT(ledgerMessages);
  if (!props.review) return null;
  const r = props.review;
  return (
    <span class="muted" title={r.comment}>
      {t(`state.${r.decision}`)} · {r.by.name} · {showTime(r.at)} · {r.comment}
    </span>
  );
}
