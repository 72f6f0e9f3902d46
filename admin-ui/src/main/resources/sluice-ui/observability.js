// The loggers, alert channels and guardrails in effect, with a test alert per channel.
import { api, attempt, button, el, isAdmin, table } from './common.js';

export async function observabilityPage(main) {
  const [callbacks, guardrails] = await Promise.all([api('GET', '/get/config/callbacks'), api('GET', '/guardrails/list')]);
  const sent = el('p', { id: 'alert-sent', class: 'muted' });
  const test = (channel) => attempt(async () => {
    const answer = await api('GET', '/health/services?service=' + encodeURIComponent(channel));
    sent.textContent = answer.message;
  });
  main.append(el('h1', {}, 'Loggers, alerts and guardrails'),
    el('p', { class: 'muted' }, 'As config.yaml sets them: litellm_settings.callbacks, general_settings.alerting, guardrails. '
      + 'Settings (endpoints, keys) are not shown.'),
    el('h2', {}, 'Loggers'),
    table('loggers', ['Callback', 'Type', 'Events', '#Batch', '#Waiting'],
      callbacks.callbacks.map((c) => el('tr', { 'data-logger': c.name }, el('td', {}, c.name), el('td', { class: 'mono' }, c.type),
        el('td', { class: 'muted' }, c.event_types.join(', ')), el('td', { class: 'num' }, String(c.batch_size)),
        el('td', { class: 'num' }, String(c.queue_depth)))),
      'No logging callbacks: add them to litellm_settings.callbacks.'),
    el('h2', {}, 'Alerts'),
    table('alert-channels', ['Channel', 'Alert types', ''],
      callbacks.alerts.map((a) => el('tr', { 'data-channel': a.name }, el('td', {}, a.name),
        el('td', { class: 'muted' }, a.active_alerts.join(', ')),
        el('td', { class: 'actions' }, isAdmin() ? button('Send test alert', () => test(a.name), 'link', { 'data-test-alert': a.name }) : null))),
      'No alert channels: add them to general_settings.alerting.'),
    sent,
    el('h2', {}, 'Guardrails'),
    table('guardrails', ['Guardrail', 'Type', 'Modes', 'On for', 'Info'],
      guardrails.guardrails.map((g) => el('tr', { 'data-guardrail': g.guardrail_name }, el('td', {}, g.guardrail_name),
        el('td', { class: 'mono' }, g.litellm_params.guardrail), el('td', {}, g.litellm_params.mode.join(', ')),
        el('td', {}, g.litellm_params.default_on ? 'every call' : 'keys and requests that name it'),
        el('td', { class: 'muted mono' }, Object.keys(g.guardrail_info || {}).length ? JSON.stringify(g.guardrail_info) : '—'))),
      'No guardrails: add them to the guardrails list.'));
}
