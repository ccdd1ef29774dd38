// Silences: the list (GET /api/v1/silences, config ones included), a form that creates one and
// an "expire" action (DELETE) for active or pending API silences. Changes need the API token,
// asked for once and kept for the tab (sessionStorage); the API's error message is shown as is.
import {el, api, say, header, live, silenceForm, withToken, cells} from './common.js';

header('silences.html');
const main = document.querySelector('main');
const params = new URLSearchParams(location.search);
const tbody = el('tbody');
const initial = {
  packages: params.getAll('package'),
  rules: params.getAll('rule'),
  untilResolved: params.get('until-resolved') || '',
};
main.append(el('h1', {}, 'Silences'),
    el('table', {id: 'silences', class: 'data'},
        el('thead', {}, el('tr', {}, ['Status', 'Matches', 'From', 'Until', 'Comment', 'By', 'Source', '']
            .map(h => el('th', {}, h)))),
        tbody),
    el('h2', {}, 'New silence'),
    silenceForm(initial, created => {
      say('Silence ' + created.id + ' created.');
      live({}); // only for the header's badge: every page says whether it is live
load();
    }));

/** The match as text: "packages rocket*; rules spike". */
function describe(match) {
  const parts = [];
  for (const k of ['packages', 'rules', 'severities', 'states']) {
    if (match && match[k] && match[k].length) parts.push(k + ' ' + match[k].join(', '));
  }
  return parts.length ? parts.join('; ') : 'everything';
}

async function expire(s, button) {
  button.disabled = true;
  try {
    await withToken('/silences/' + encodeURIComponent(s.id), {method: 'DELETE'});
    say('Silence ' + s.id + ' expired.');
    live({}); // only for the header's badge: every page says whether it is live
load();
  } catch (e) {
    say('Could not expire ' + s.id + ': ' + e.message, 'error');
    button.disabled = false;
  }
}

let loads = 0;
async function load() {
  try {
    const data = await api('/silences');
    tbody.replaceChildren(...data.silences.map(s => {
      const tr = el('tr', {class: 'silence ' + s.status, dataset: {id: s.id}},
          cells(el('span', {class: 'status ' + s.status}, s.status), describe(s.match), s['starts-at'] || '',
              s['ends-at'] || (s['until-resolved'] ? 'resolved: ' + s['until-resolved'] : ''),
              s.comment || '', s['created-by'] || '', s.source));
      const td = el('td', {class: 'actions'});
      if (s.source === 'api' && s.status !== 'expired') {
        const b = el('button', {type: 'button', class: 'expire'}, 'Expire');
        b.addEventListener('click', () => expire(s, b));
        td.append(b);
      }
      tr.append(td);
      return tr;
    }));
    if (!data.silences.length) tbody.replaceChildren(el('tr', {}, el('td', {colspan: 8, class: 'muted'}, 'No silences.')));
  } catch (e) {
    say('Could not load the silences: ' + e.message, 'error');
  }
  document.body.dataset.loads = String(++loads);
}
live({}); // only for the header's badge: every page says whether it is live
load();
