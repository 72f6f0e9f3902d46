// Usage: spend and tokens per day for a period, totals, the top spenders by model, provider,
// key, team or customer, and the budget teams have left. Read from the spend reports, which
// are indexed by day; a period is at most a year.
import { api, attempt, barChart, canReadAll, el, everyDay, isoDay, money, num, table } from './common.js';

const DIMENSIONS = [['model', 'Model'], ['provider', 'Provider'], ['api_key', 'Key'], ['team', 'Team'], ['customer', 'Customer']];

export async function usagePage(main) {
  const from = el('input', { id: 'usage-from', type: 'date', value: isoDay(-29) });
  const to = el('input', { id: 'usage-to', type: 'date', value: isoDay(0) });
  const by = el('select', { id: 'usage-by' }, DIMENSIONS.filter(([v]) => canReadAll() || !['team', 'customer'].includes(v))
    .map(([value, label]) => el('option', { value }, label)));
  const out = el('div', { id: 'usage' });
  const load = async () => {
    const window = new URLSearchParams({ start_date: from.value, end_date: to.value });
    const activity = await api('GET', '/user/daily/activity?' + window);
    const spend = new Map(); const tokens = new Map();
    for (const day of activity.results) { spend.set(day.date, day.metrics.spend); tokens.set(day.date, day.metrics.total_tokens); }
    const totals = activity.metadata;
    out.replaceChildren(
      el('div', { class: 'tiles' },
        tile('Spend', money(totals.total_spend)), tile('Tokens', num(totals.total_tokens)),
        tile('Requests', num(totals.total_api_requests)), tile('Failed', num(totals.total_failed_requests))),
      barChart('Spend per day (UTC)', everyDay(from.value, to.value, spend), money),
      barChart('Tokens per day (UTC)', everyDay(from.value, to.value, tokens), num),
      el('h2', {}, 'Top spenders by ' + by.selectedOptions[0].textContent.toLowerCase()),
      await topSpenders(by.value, activity, window),
      canReadAll() ? await budgetsLeft() : null);
  };
  main.append(el('h1', {}, 'Usage'), el('div', { class: 'toolbar' }, el('label', {}, 'From', from), el('label', {}, 'To', to),
    el('label', {}, 'By', by), el('button', { id: 'usage-show', onclick: () => attempt(load) }, 'Show')), out);
  by.addEventListener('change', () => attempt(load));
  await load();
}

const tile = (label, value) => el('div', { class: 'tile' }, el('div', { class: 'muted' }, label), el('div', { class: 'tile-value' }, value));

async function topSpenders(dimension, activity, window) {
  const sums = new Map();
  const add = (name, spend, tokens, requests) => {
    const sum = sums.get(name) || { spend: 0, tokens: 0, requests: 0 };
    sum.spend += Number(spend); sum.tokens += Number(tokens || 0); sum.requests += Number(requests || 0);
    sums.set(name, sum);
  };
  if (['model', 'provider', 'api_key'].includes(dimension)) {
    const field = { model: 'models', provider: 'providers', api_key: 'api_keys' }[dimension];
    for (const day of activity.results) {
      for (const [name, m] of Object.entries(day.breakdown[field] || {})) add(name || '—', m.spend, m.total_tokens, m.api_requests);
    }
  } else {
    window.set('group_by', dimension);
    const report = await api('GET', '/global/spend/report?' + window);
    const list = dimension === 'team' ? 'teams' : 'customers';
    const nameField = dimension === 'team' ? 'team_name' : 'customer';
    for (const day of report) {
      for (const item of day[list] || []) {
        add(item[nameField] || '—', item.total_spend, (item.metadata || []).reduce((t, d) => t + Number(d.total_tokens || 0), 0), null);
      }
    }
  }
  const rows = [...sums.entries()].sort((a, b) => b[1].spend - a[1].spend).slice(0, 50);
  const label = dimension === 'api_key' ? (name) => name.length > 16 ? name.slice(0, 8) + '…' + name.slice(-6) : name : (name) => name;
  return table('top-spenders', [DIMENSIONS.find(([v]) => v === dimension)[1], '#Spend', '#Tokens', '#Requests'],
    rows.map(([name, sum]) => el('tr', {}, el('td', { class: dimension === 'api_key' ? 'mono' : null, title: name }, label(name)),
      el('td', { class: 'num' }, money(sum.spend)), el('td', { class: 'num' }, num(sum.tokens)),
      el('td', { class: 'num' }, sum.requests ? num(sum.requests) : '—'))), 'No spend in this period.');
}

async function budgetsLeft() {
  const teams = (await api('GET', '/team/list')).filter((t) => t.max_budget !== null && t.max_budget !== undefined);
  teams.sort((a, b) => (a.max_budget - a.spend) - (b.max_budget - b.spend));
  return el('div', {}, el('h2', {}, 'Budget left, teams'),
    table('budgets-left', ['Team', '#Spend', '#Budget', '#Left', 'Used'], teams.map((t) => {
      const used = t.max_budget > 0 ? Math.min(1, t.spend / t.max_budget) : 1;
      return el('tr', {}, el('td', {}, t.team_alias || t.team_id), el('td', { class: 'num' }, money(t.spend)),
        el('td', { class: 'num' }, money(t.max_budget) + (t.budget_duration ? ' / ' + t.budget_duration : '')),
        el('td', { class: 'num' }, money(Math.max(0, t.max_budget - t.spend))),
        el('td', {}, meter(used)));
    }), 'No team has a budget.'));
}

function meter(used) {
  const fill = el('div', { class: used >= 0.9 ? 'meter-fill bad' : 'meter-fill', title: Math.round(used * 100) + '%' });
  fill.style.width = Math.round(used * 100) + '%'; // through the CSSOM, which the content security policy allows
  return el('div', { class: 'meter' }, fill);
}
