/**
 * 数据录入 (manual back-fill): the form (POST /backfills, several factors of one period at once, each value's
 * problem shown at its field from the problem document's `/factors/<i>/values/<field>` paths), prefilled from a gap
 * (`#/backfills?mn=…&factor=…&kind=…&periodStart=…`); the list of back-fills with their review state (GET
 * /backfills) and the regulator's review (POST /backfills/:id/review).
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { CollectorStatus } from '../api-types.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, Field, SelectField, TextField } from '../components/Field.js';
import { FormFooter } from '../components/FormFooter.js';
import { Notice } from '../components/Notice.js';
import { FilterBar } from '../components/FilterBar.js';
import { Pager } from '../components/Pager.js';
import { useLoad } from '../components/use-load.js';
import { useSubmit, validationError } from '../components/use-submit.js';
import { showNumber } from '../format.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/backfills.js';
import zh from '../i18n/zh-CN/backfills.js';
import { BACKFILL_STATES, VALUE_FIELDS, VALUE_KINDS, type BackfillEntry } from '../ledger-types.js';
import { fetchAll } from '../list.js';
import type { ScreenProps } from '../routes.js';
import { useCan } from '../session.js';
import { backfillBodyOf, LEDGER_ROLES, ledgerFilterFromQuery, nextOffsetOf, NO_LEDGER_FILTER, type BackfillForm } from './ledger-logic.js';
import { CreateButton, entryHeadColumns, LedgerFilterFields, reviewedTailColumns, useLedgerList } from './ledger-list.js';
import { ledgerMessages, ReviewForm, showPeriod, TextArea } from './ledger-parts.js';
import { keyedByQuery } from './query-keyed.js';

const messages = defineMessages('backfills', { 'zh-CN': zh, en });

const showValues = (values: BackfillEntry['values']) => Object.entries(values).map(([k, v]) => `${k}=${showNumber(v)}`).join(' ');
const emptyRow = (factor = '') => ({ factor, values: Object.fromEntries(VALUE_FIELDS.map((f) => [f, ''])) as Record<string, string> });

function BackfillsScreen(props: ScreenProps) {
  const t = useT(messages);
  const tl = useT(ledgerMessages);
  const canAct = useCan(LEDGER_ROLES.act);
  const mayReview = useCan(LEDGER_ROLES.review);
  const prefill = props.query.mn !== undefined;
  const [showForm, setShowForm] = useState(canAct && prefill);
  const list = useLedgerList<BackfillEntry>(
    '/backfills',
    () => ({ ...ledgerFilterFromQuery(props.query), mn: prefill ? '' : (props.query.mn ?? '') }),
    (f) => ({ ...f, rule: '' }),
  );
  const { draft, setDraft, pager, enterprises, page, apply, review } = list;

  const what = (e: BackfillEntry) => t('what', { mn: e.mn ?? '', factor: e.factor ?? '', period: showPeriod(e.periodStart, e.periodEnd) });
  const columns: Column<BackfillEntry>[] = [
    ...entryHeadColumns<BackfillEntry>(tl, enterprises),
    { id: 'values', header: t('valuesCol'), render: (e) => showValues(e.values) },
    { id: 'reason', header: t('reason'), render: (e) => <span title={e.reason}>{e.reason}</span> },
    ...reviewedTailColumns<BackfillEntry>(tl, mayReview, review.open),
  ];

  return (
    <section data-screen="backfills" class="screen">
      <h1>{t('title')}</h1>
      <p class="muted">{t('hint')}</p>
      {canAct && !showForm && <CreateButton label={t('showForm')} onClick={() => (review.setNotice(null), setShowForm(true))} />}
      <Notice text={review.notice} />
      {canAct && showForm && (
        <BackfillFormView
          initial={{ mn: props.query.mn ?? '', kind: props.query.kind ?? 'hour', periodStart: props.query.periodStart ?? '', factors: [emptyRow(props.query.factor ?? '')], reason: '' }}
          onCancel={() => setShowForm(false)}
          onDone={(count) => {
            setShowForm(false);
            review.setNotice(t('submitted', { count }));
            page.reload();
          }}
        />
      )}
      {review.panel && (
        <ReviewForm key={review.panel.id} path={`/backfills/${encodeURIComponent(review.panel.id)}`} what={what(review.panel)} onCancel={review.close} onDone={review.done(t('reviewedOk'))}>
          <p>
            {showValues(review.panel.values)} · {review.panel.reason}
          </p>
        </ReviewForm>
      )}
      <FilterBar name="backfills" onApply={() => apply(draft)} onReset={() => (setDraft(NO_LEDGER_FILTER), apply(NO_LEDGER_FILTER))}>
        <LedgerFilterFields draft={draft} setDraft={setDraft} states={BACKFILL_STATES} enterprises={enterprises} mn />
      </FilterBar>
      <ErrorBox error={page.error ?? enterprises.error} onRetry={page.reload} />
      <DataTable name="backfills" columns={columns} rows={page.data?.items ?? []} rowKey={(e) => e.id} />
      <Pager pager={pager} total={page.data?.total} nextCursor={nextOffsetOf(page.data)} />
    </section>
  );
}

function BackfillFormView(props: { initial: BackfillForm; onCancel: () => void; onDone: (count: number) => void }) {
  const t = useT(messages);
  const tl = useT(ledgerMessages);
  const [form, setForm] = useState<BackfillForm>(props.initial);
  const { error, setError, busy, run } = useSubmit();
  const collectors = useLoad(() => fetchAll<CollectorStatus>(api, '/status'), []);

  const setRow = (i: number, row: BackfillForm['factors'][number]) => setForm({ ...form, factors: form.factors.map((r, j) => (j === i ? row : r)) });
  const submit = async (e: Event) => {
    e.preventDefault();
    const { body, invalid } = backfillBodyOf(form);
    if (invalid.length > 0) {
      setError(validationError(t('invalidNumber'), Object.fromEntries(invalid.map((f) => [f, t('invalidNumber')]))));
      return;
    }
    await run(async () => props.onDone((await api.post<{ items: unknown[] }>('/backfills', body)).items.length));
  };

  return (
    <form name="backfill" class="panel" onSubmit={submit}>
      <h2>{t('newTitle')}</h2>
      <div class="row">
        <Field name="mn" label={tl('mn')} error={error}>
          {(c) => <input {...c} class="mono" list="backfill-mns" required value={form.mn} onInput={(e) => setForm({ ...form, mn: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
        <datalist id="backfill-mns">
          {(collectors.data ?? []).map((c) => (
            <option key={c.mn} value={c.mn} />
          ))}
        </datalist>
        <SelectField name="kind" label={tl('kind')} value={form.kind} onChange={(v) => setForm({ ...form, kind: v })} error={error} options={VALUE_KINDS.map((k) => ({ value: k, label: tl(`kind.${k}`) }))} />
        <TextField name="periodStart" label={t('periodStart')} type="datetime-local" required value={form.periodStart} onInput={(v) => setForm({ ...form, periodStart: v })} error={error} />
      </div>
      {form.factors.map((row, i) => (
        <fieldset key={i} class="row factor-row" data-factor-row={i}>
          <legend class="sr-only">{`${tl('factor')} ${i + 1}`}</legend>
          <TextField name={`factors.${i}.factor`} label={tl('factor')} value={row.factor} onInput={(v) => setRow(i, { ...row, factor: v })} error={error} required />
          {VALUE_FIELDS.map((f) => (
            <Field key={f} name={`factors.${i}.values.${f}`} label={t(`field.${f}`)} error={error}>
              {(c) => <input {...c} inputMode="decimal" size={8} value={row.values[f] ?? ''} onInput={(e) => setRow(i, { ...row, values: { ...row.values, [f]: (e.currentTarget as HTMLInputElement).value } })} />}
            </Field>
          ))}
          {error?.fieldErrors[`factors.${i}.values`] && (
            <small class="field-error" role="alert" data-error-for={`factors.${i}.values`}>
              {error.fieldErrors[`factors.${i}.values`]}
            </small>
          )}
          {form.factors.length > 1 && (
            <button type="button" class="secondary" data-action="remove-factor" onClick={() => setForm({ ...form, factors: form.factors.filter((_, j) => j !== i) })}>
              {t('removeFactor')}
            </button>
          )}
        </fieldset>
      ))}
      <p>
        <button type="button" class="secondary" data-action="add-factor" onClick={() => setForm({ ...form, factors: [...form.factors, emptyRow()] })}>
          {t('addFactor')}
        </button>
      </p>
      <TextArea name="reason" label={t('reason')} value={form.reason} onInput={(v) => setForm({ ...form, reason: v })} error={error} required />
      <FormFooter error={error ?? collectors.error} submit={{ label: tl('submit'), disabled: busy }} cancelLabel={tl('cancel')} onCancel={props.onCancel} />
    </form>
  );
}

export default keyedByQuery(BackfillsScreen);
