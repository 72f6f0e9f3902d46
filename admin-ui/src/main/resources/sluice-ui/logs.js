// Logs: recent calls with status, model, deployment, latency, tokens, cost and cache hit, filtered
// on the server (key, user, team, model, status; at most 31 days) and paged, newest first; a
// row opens the call's details.
import { api, attempt, badge, closeDialog, el, isoDay, money, num, showDialog, table, when } from './common.js';

const PAGE_SIZE = 50;

export async function logsPage(main) {
  const query = { page: 1 };
  const input = (name, label, attrs = {}) => el('label', {}, label, el('input', { id: 'logs-' + name, ...attrs }));
  const filters = {
    start_date: input('start_date', 'From', { type: 'date', value: isoDay(-1) }),
    end_date: input('end_date', 'To', { type: 'date', value: isoDay(0) }),
    api_key: input('api_key', 'Key (sk-… or hash)'), user_id: input('user_id', 'User id'),
    team_id: input('team_id', 'Team id'), model: input('model', 'Model'),
  };
  const status = el('select', { id: 'logs-status' }, [['', 'any'], ['success', 'success'], ['failure', 'failure']]
    .map(([v, l]) => el('option', { value: v }, l)));
  const out = el('div');
  const load = async () => {
    const params = new URLSearchParams({ page: query.page, page_size: PAGE_SIZE });
    for (const [name, label] of Object.entries(filters)) {
      const value = label.querySelector('input').value.trim();
      if (value) params.set(name, value);
    }
    if (status.value) params.set('status', status.value);
    const rows = await api('GET', '/spend/logs?' + params);
    out.replaceChildren(table('logs', ['Time', 'Status', 'Model', 'Deployment', 'Key', '#Latency', '#Tokens', '#Cost', 'Cache'],
      rows.map((r) => el('tr', { class: 'clickable', 'data-request': r.request_id, onclick: () => details(r) },
        el('td', {}, when(r.startTime)), el('td', {}, badge(r.status === 'success', r.status)),
        el('td', {}, r.model_group || r.model), el('td', { class: 'muted mono' }, r.model_id || '—'),
        el('td', {}, (r.metadata && r.metadata.user_api_key_alias) || short(r.api_key)),
        el('td', { class: 'num' }, latency(r)), el('td', { class: 'num' }, num(r.prompt_tokens) + ' / ' + num(r.completion_tokens)),
        el('td', { class: 'num' }, money(r.spend)), el('td', {}, r.cache_hit === 'true' ? 'hit' : '—'))),
      'No calls match in this period.'),
    el('div', { class: 'pager' },
      el('button', { disabled: query.page <= 1, onclick: () => { query.page--; attempt(load); } }, 'Newer'),
      'Page ' + query.page,
      el('button', { disabled: rows.length < PAGE_SIZE, onclick: () => { query.page++; attempt(load); } }, 'Older')));
  };
  main.append(el('h1', {}, 'Logs'),
    el('div', { class: 'toolbar' }, Object.values(filters), el('label', {}, 'Status', status),
      el('button', { id: 'logs-search', onclick: () => { query.page = 1; attempt(load); } }, 'Search')),
    out);
  await load();
}

const short = (hash) => hash ? hash.slice(0, 8) + '…' : '—';
const latency = (r) => r.startTime && r.endTime ? num(new Date(r.endTime) - new Date(r.startTime)) + ' ms' : '—';

function details(r) {
  const rows = [['Request id', r.request_id], ['Status', r.status], ['Call type', r.call_type], ['Started', when(r.startTime)],
    ['Ended', when(r.endTime)], ['Latency', latency(r)], ['Model asked for', r.model_group], ['Upstream model', r.model],
    ['Deployment id', r.model_id], ['API base', r.api_base], ['Key alias', r.metadata && r.metadata.user_api_key_alias],
    ['Key hash', r.api_key], ['User', r.user], ['Team', r.team_id], ['End user', r.end_user],
    ['Prompt tokens', num(r.prompt_tokens)], ['Cached prompt tokens', num(r.cached_tokens)],
    ['Completion tokens', num(r.completion_tokens)], ['Cost', money(r.spend)], ['Cache hit', r.cache_hit]];
  showDialog(el('h2', {}, 'Call ' + r.request_id),
    el('table', { id: 'log-details', class: 'details' }, el('tbody', {}, rows.map(([label, value]) =>
      el('tr', {}, el('th', {}, label), el('td', { class: 'mono' }, value === null || value === undefined || value === '' ? '—' : value))))),
    el('p', { class: 'muted' }, 'Sluice does not keep prompts or answers; the request log and traces carry the rest.'),
    el('div', { class: 'toolbar' }, el('button', { id: 'close-dialog', onclick: closeDialog }, 'Close')));
}
