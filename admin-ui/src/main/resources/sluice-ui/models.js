// Models: every deployment with its state (healthy, failing, cooling down); models stored in
// the database (store_model_in_db) can be added, edited and deleted here, at once, no restart.
import { api, attempt, badge, button, closeDialog, confirmed, el, formDialog, isAdmin, table } from './common.js';

const STATES = { healthy: 'healthy', failing: 'failing this minute', cooling_down: 'cooling down' };

function modelFields(model) {
  const params = (model && model.litellm_params) || {};
  const info = (model && model.model_info) || {};
  return [
    { name: 'model_name', label: 'Model name callers use', value: model && model.model_name },
    { name: 'litellm_params.model', label: 'Provider/model (e.g. openai/gpt-4o)', value: params.model },
    { name: 'litellm_params.api_base', label: 'API base (empty: the provider\'s)', value: params.api_base },
    { name: 'litellm_params.api_key', label: model ? 'API key (empty: keep the stored one)' : 'API key', type: 'password' },
    { name: 'litellm_params.api_version', label: 'API version (Azure)', value: params.api_version },
    { name: 'litellm_params.rpm', label: 'RPM', type: 'number', value: params.rpm },
    { name: 'litellm_params.tpm', label: 'TPM', type: 'number', value: params.tpm },
    { name: 'model_info.input_cost_per_token', label: 'Input cost per token (USD)', type: 'number', value: info.input_cost_per_token },
    { name: 'model_info.output_cost_per_token', label: 'Output cost per token (USD)', type: 'number', value: info.output_cost_per_token },
  ];
}

export async function modelsPage(main) {
  const list = el('div');
  const load = async () => {
    const data = await api('GET', '/model/info');
    list.replaceChildren(table('models', ['Model', 'Deployment id', 'Upstream', 'API base', '#RPM', '#TPM', 'State', 'Source', ''],
      data.data.map((m) => {
        const info = m.model_info || {};
        const params = m.litellm_params || {};
        const state = info.sluice_state || 'healthy';
        return el('tr', { 'data-model': m.model_name },
          el('td', {}, m.model_name), el('td', { class: 'muted mono' }, info.id),
          el('td', {}, params.model, info.provider_plugin_loaded === false ? el('span', { class: 'badge bad', title: 'No loaded plugin serves this provider' }, 'no plugin') : null),
          el('td', { class: 'muted' }, params.api_base || '—'),
          el('td', { class: 'num' }, params.rpm || '—'), el('td', { class: 'num' }, params.tpm || '—'),
          el('td', {}, badge(state === 'healthy', STATES[state] || state),
            info.sluice_cooldown_until ? el('div', { class: 'muted' }, 'until ' + new Date(info.sluice_cooldown_until).toLocaleTimeString()) : null),
          el('td', {}, info.db_model ? 'database' : 'config.yaml'),
          el('td', { class: 'actions' }, isAdmin() && info.db_model ? [
            button('Edit', () => formDialog('Edit model ' + m.model_name, modelFields(m), async (body) => {
              body.model_info = { ...(body.model_info || {}), id: info.id };
              await api('POST', '/model/update', body);
              closeDialog(); await load();
            })),
            button('Delete', () => confirmed('Delete model ' + m.model_name + ' (' + info.id + ')? Calls to it will be refused.', async () => {
              await api('POST', '/model/delete', { id: info.id }); await load();
            }), 'link danger'),
          ] : null));
      }), 'No models. Add one here, or in config.yaml\'s model_list.'));
  };
  main.append(el('h1', {}, 'Models'),
    isAdmin() ? el('div', { class: 'toolbar' }, el('button', { id: 'new-model', class: 'primary', onclick: () =>
      formDialog('Add a model', modelFields(null), async (body) => {
        await api('POST', '/model/new', body);
        closeDialog(); await load();
      }, 'Add model') }, 'Add model'),
    el('span', { class: 'muted' }, 'Models added here are stored in the database with their keys encrypted (needs store_model_in_db).')) : null,
    list);
  await load();
}
