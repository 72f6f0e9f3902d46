// Customers (end users), budget tiers and the loaded plugins.
import { api, attempt, badge, button, closeDialog, confirmed, el, formDialog, isAdmin, money, table } from './common.js';

const LIMITS = [['max_budget', 'Max budget (USD)', 'number'], ['budget_duration', 'Budget resets every (e.g. 30d)'],
  ['rpm_limit', 'RPM limit', 'number'], ['tpm_limit', 'TPM limit', 'number'], ['max_parallel_requests', 'Parallel requests', 'number']];
const fields = (list, values = {}) => list.map(([name, label, type]) => ({ name, label, type, value: values[name] }));
const limits = (r) => [r.rpm_limit ? r.rpm_limit + ' rpm' : null, r.tpm_limit ? r.tpm_limit + ' tpm' : null,
  r.max_parallel_requests ? r.max_parallel_requests + ' parallel' : null].filter(Boolean).join(', ') || '—';

export async function customersPage(main) {
  const list = el('div');
  const customerFields = [['alias', 'Alias'], ['budget_id', 'Budget tier id'], ['default_model', 'Default model'], ...LIMITS];
  const load = async () => {
    const customers = await api('GET', '/customer/list');
    list.replaceChildren(table('customers', ['Customer', 'Alias', 'Tier', '#Spend', '#Budget', 'Limits', 'Status', ''],
      customers.map((c) => el('tr', { 'data-customer': c.user_id }, el('td', { class: 'mono' }, c.user_id), el('td', {}, c.alias || '—'),
        el('td', {}, c.budget_id || '—'), el('td', { class: 'num' }, money(c.spend)),
        el('td', { class: 'num' }, c.max_budget === null || c.max_budget === undefined ? '—' : money(c.max_budget)),
        el('td', { class: 'muted' }, limits(c)), el('td', {}, badge(!c.blocked, c.blocked ? 'blocked' : 'active')),
        el('td', { class: 'actions' }, isAdmin() ? [
          button('Edit', () => formDialog('Edit customer ' + c.user_id, fields(customerFields, c), async (body) => {
            await api('POST', '/customer/update', { user_id: c.user_id, ...body }); closeDialog(); await load();
          })),
          button(c.blocked ? 'Unblock' : 'Block', () => attempt(async () => {
            await api('POST', c.blocked ? '/customer/unblock' : '/customer/block', { user_ids: [c.user_id] }); await load();
          })),
          button('Delete', () => confirmed('Delete customer ' + c.user_id + '?', async () => {
            await api('POST', '/customer/delete', { user_ids: [c.user_id] }); await load();
          }), 'link danger'),
        ] : null))), 'No customers yet: they are the "user" field of calls, created here or on first use.'));
  };
  main.append(el('h1', {}, 'Customers'), el('p', { class: 'muted' }, 'End users: the "user" a call names, budgeted and limited on their own.'),
    isAdmin() ? el('div', { class: 'toolbar' }, el('button', { id: 'new-customer', class: 'primary', onclick: () =>
      formDialog('New customer', [{ name: 'user_id', label: 'Customer id (the calls\' "user")' }, ...fields(customerFields)], async (body) => {
        await api('POST', '/customer/new', body); closeDialog(); await load();
      }, 'Create customer') }, 'New customer')) : null, list);
  await load();
}

export async function budgetsPage(main) {
  const list = el('div');
  const load = async () => {
    const tiers = await api('GET', '/budget/list');
    list.replaceChildren(table('budgets', ['Tier', '#Max budget', 'Resets every', 'Limits', ''],
      tiers.map((b) => el('tr', { 'data-budget': b.budget_id }, el('td', { class: 'mono' }, b.budget_id),
        el('td', { class: 'num' }, b.max_budget === null || b.max_budget === undefined ? '—' : money(b.max_budget)),
        el('td', {}, b.budget_duration || '—'), el('td', { class: 'muted' }, limits(b)),
        el('td', { class: 'actions' }, isAdmin() ? [
          button('Edit', () => formDialog('Edit tier ' + b.budget_id, fields(LIMITS, b), async (body) => {
            await api('POST', '/budget/update', { budget_id: b.budget_id, ...body }); closeDialog(); await load();
          })),
          button('Delete', () => confirmed('Delete budget tier ' + b.budget_id + '?', async () => {
            await api('POST', '/budget/delete', { id: b.budget_id }); await load();
          }), 'link danger'),
        ] : null))), 'No budget tiers yet.'));
  };
  main.append(el('h1', {}, 'Budget tiers'), el('p', { class: 'muted' }, 'Limits a customer, key or user takes by its budget_id, where it sets none of its own.'),
    isAdmin() ? el('div', { class: 'toolbar' }, el('button', { id: 'new-budget', class: 'primary', onclick: () =>
      formDialog('New budget tier', [{ name: 'budget_id', label: 'Tier id' }, ...fields(LIMITS)], async (body) => {
        await api('POST', '/budget/new', body); closeDialog(); await load();
      }, 'Create tier') }, 'New tier')) : null, list);
  await load();
}

export async function pluginsPage(main) {
  const ready = await api('GET', '/health/readiness');
  const started = (state) => String(state).toUpperCase() === 'STARTED';
  main.append(el('h1', {}, 'Plugins'),
    el('p', { class: 'muted' }, 'Plugin API ' + ready.plugin_api_version + ' · Sluice ' + ready.sluice_version
      + ' · database ' + ready.db_type + ' (' + ready.db + ')' + (ready.redis ? ' · Redis ' + ready.redis : '')),
    table('plugins', ['Plugin', 'Version', 'Plugin API', 'State', 'File'],
      (ready.plugins || []).map((p) => el('tr', {}, el('td', {}, p.id), el('td', {}, p.version), el('td', { class: 'muted' }, p.requires),
        el('td', {}, badge(started(p.state), String(p.state).toLowerCase()), p.problem ? el('div', { class: 'muted' }, p.problem) : null),
        el('td', { class: 'muted mono' }, p.file))), 'No plugins loaded.'));
}
