// Usage: spend and tokens per day for a period, totals, the top spenders by model, provider,
// key, team, customer or user, and the budget teams have left. Summed in the database by
// /spend/summary, so the page is as quick with 100k keys as with ten; a period is at most a year.
import { api, attempt, barChart, canReadAll, el, everyDay, isoDay, money, num, table } from './common.js';

const DIMENSIONS = [['model', 'Model'], ['provider', 'Provider'], ['api_key', 'Key'], ['team', 'Team'],
  ['customer', 'Customer'], ['user', 'User']];

export async function usagePage(main) {
  const from = el('input', { id: 'usage-from', type: 'date', value: isoDay(-29) });
  const to = el('input', { id: 'usage-to', type: 'date', value: isoDay(0) });
  const by = el('select', { id: 'usage-by' }, DIMENSIONS.filter(([v]) => canReadAll() || ['model', 'provider', 'api_key'].includes(v))
    .map(([value, label]) => el('option', { value }, label)));
  const out = el('div', { id: 'usage' });
  const load = async () => {
    const params = new URLSearchParams({ start_date: from.value, end_date: to.value, group_by: by.value, limit: 25 });
    const summary = await api('GET', '/spend/summary?' + params);
    const spend = new Map(summary.days.map((d) => [d.date, Number(d.spend)]));
    const tokens = new Map(summary.days.map((d) => [d.date, d.total_tokens]));
    const totals = summary.totals;
    const label = DIMENSIONS.find(([v]) => v === by.value)[1];
    out.replaceChildren(
      el('div', { class: 'tiles' },
        tile('Spend', money(totals.spend)), tile('Tokens', num(totals.total_tokens)),
        tile('Requests', num(totals.api_requests)), tile('Failed', num(totals.failed_requests))),
      barChart('Spend per day (UTC)', everyDay(from.value, to.value, spend), money),
      barChart('Tokens per day (UTC)', everyDay(from.value, to.value, tokens), num),
      el('h2', {}, 'Top spenders by ' + label.toLowerCase()),
      table('top-spenders', [label, '#Spend', '#Share', '#Tokens', '#Requests'], summary.top.map((g) => el('tr', {},
        el('td', { class: by.value === 'api_key' && !g.name ? 'mono' : null, title: g.group || '' }, g.name || (g.group ? g.group.slice(0, 10) + '…' : '(none)')),
        el('td', { class: 'num' }, money(g.spend)),
        el('td', { class: 'num' }, Number(totals.spend) > 0 ? Math.round(100 * Number(g.spend) / Number(totals.spend)) + '%' : '—'),
        el('td', { class: 'num' }, num(g.total_tokens)), el('td', { class: 'num' }, num(g.api_requests)))),
      'No spend in this period.'),
      canReadAll() ? await budgetsLeft() : null);
  };
  main.append(el('h1', {}, 'Usage'), el('div', { class: 'toolbar' }, el('label', {}, 'From', from), el('label', {}, 'To', to),
    el('label', {}, 'Top spenders by', by), el('button', { id: 'usage-show', onclick: () => attempt(load) }, 'Show')), out);
  by.addEventListener('change', () => attempt(load));
  await load();
}

const tile = (label, value) => el('div', { class: 'tile' }, el('div', { class: 'muted' }, label), el('div', { class: 'tile-value' }, value));

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
