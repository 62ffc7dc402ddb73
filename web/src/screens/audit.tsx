/**
 * The audit trail: every change newest first (GET /audit) or one entity's complete trail (GET /audit/:type/:id),
 * paged with `before` (the API's `nextBefore`), kept in the hash (`#/audit?type=item&id=…`). The action filter works
 * on the page shown (the API filters by entity only). A row opens its before / after.
 */
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorBox, Field } from '../components/Field.js';
import { FilterBar } from '../components/FilterBar.js';
import { Pager, useCursorPager } from '../components/Pager.js';
import { useLoad } from '../components/use-load.js';
import { showTime } from '../format.js';
import { defineMessages } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';
import en from '../i18n/en/audit.js';
import zh from '../i18n/zh-CN/audit.js';
import { hrefOf, type ScreenProps } from '../routes.js';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, auditPathOf, changedFields, type AuditEntry, type AuditPage } from './audit-logic.js';
import { keyedByQuery } from './query-keyed.js';

const messages = defineMessages('audit', { 'zh-CN': zh, en });

interface Filter {
  type: string;
  id: string;
  action: string;
}

function AuditScreen(props: ScreenProps) {
  const t = useT(messages);
  const tc = useT();
  const [draft, setDraft] = useState<Filter>({ type: props.query.type ?? '', id: props.query.id ?? '', action: props.query.action ?? '' });
  const [filter, setFilter] = useState<Filter>(draft);
  const [selected, setSelected] = useState<AuditEntry | null>(null);
  const pager = useCursorPager();
  const path = auditPathOf(filter.type, filter.id);
  const page = useLoad(() => api.get<AuditPage>(path, { limit: 100, before: pager.cursor }), [path, pager.cursor]);
  const rows = useMemo(() => (page.data?.entries ?? []).filter((e) => !filter.action || e.action === filter.action), [page.data, filter.action]);

  const apply = (f: Filter) => {
    pager.reset();
    setSelected(null);
    setFilter(f);
    history.replaceState(null, '', hrefOf('/audit', {}, { type: f.type, id: f.id, action: f.action }));
  };
  const label = (prefix: string, v: string) => (t(`${prefix}.${v}`).startsWith('audit.') ? v : t(`${prefix}.${v}`));

  const columns: Column<AuditEntry>[] = [
    { id: 'at', header: t('at'), render: (e) => showTime(e.at), width: '160px' },
    { id: 'actor', header: t('actor'), render: (e) => `${e.actor.name} · ${tc(`role.${e.actor.role}`).startsWith('common.') ? e.actor.role : tc(`role.${e.actor.role}`)}` },
    { id: 'action', header: t('action'), render: (e) => label('action', e.action) },
    {
      id: 'entity',
      header: t('entity'),
      render: (e) => (
        <a
          href={hrefOf('/audit', {}, { type: e.entity.type, id: e.entity.id })}
          onClick={(ev) => (ev.preventDefault(), ev.stopPropagation(), setDraft({ type: e.entity.type, id: e.entity.id, action: '' }), apply({ type: e.entity.type, id: e.entity.id, action: '' }))}
        >
          {label('type', e.entity.type)} <span class="mono">{e.entity.id}</span>
        </a>
      ),
    },
    { id: 'changed', header: t('changed'), render: (e) => changedFields(e.before, e.after).join(', ') },
  ];

  return (
    <section data-screen="audit" class="screen">
      <h1>{t('title')}</h1>
      <p class="muted">{t('hint')}</p>
      <FilterBar name="audit" onApply={() => apply(draft)} onReset={() => (setDraft({ type: '', id: '', action: '' }), apply({ type: '', id: '', action: '' }))}>
        <Field name="type" label={t('entityType')}>
          {(c) => (
            <select {...c} value={draft.type} onChange={(e) => setDraft({ ...draft, type: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{t('anyType')}</option>
              {AUDIT_ENTITY_TYPES.map((x) => (
                <option key={x} value={x}>
                  {label('type', x)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="id" label={t('entityId')}>
          {(c) => <input {...c} class="mono" value={draft.id} onInput={(e) => setDraft({ ...draft, id: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
        <Field name="action" label={t('action')} hint={t('actionHint')}>
          {(c) => (
            <select {...c} value={draft.action} onChange={(e) => setDraft({ ...draft, action: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{t('anyAction')}</option>
              {AUDIT_ACTIONS.map((x) => (
                <option key={x} value={x}>
                  {label('action', x)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </FilterBar>
      <ErrorBox error={page.error} onRetry={page.reload} />
      {selected && (
        <div class="panel" data-selected-entry={selected.id}>
          <div class="row">
            <strong>
              {showTime(selected.at)} · {selected.actor.name} · {label('action', selected.action)} · {label('type', selected.entity.type)} {selected.entity.id}
            </strong>
            <button type="button" class="secondary" data-action="close" onClick={() => setSelected(null)}>
              {t('close')}
            </button>
          </div>
          <div class="grid2">
            <div>
              <h3>{t('before')}</h3>
              <pre class="raw">{selected.before === undefined ? '—' : JSON.stringify(selected.before, null, 2)}</pre>
            </div>
            <div>
              <h3>{t('after')}</h3>
              <pre class="raw">{selected.after === undefined ? '—' : JSON.stringify(selected.after, null, 2)}</pre>
            </div>
          </div>
        </div>
      )}
      <DataTable name="audit" columns={columns} rows={rows} rowKey={(e) => e.id} onActivate={setSelected} clickToActivate />
      <Pager pager={pager} nextCursor={page.data?.nextBefore} />
    </section>
  );
}

export default keyedByQuery(AuditScreen);
