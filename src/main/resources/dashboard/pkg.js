// One package: downloads with and without mirrors (alert days pinned, hover shows the alerts),
// Python minor and OS shares over time (stacked areas, with the newest day as a table), its
// alerts with their evidence, and the "silence" action.
import {el, fmt, api, say, header, live, debounce, alertRow, silenceForm, cells} from './common.js';
import {downloadsChart, shares, sharesChart} from './charts.js';

header('');
const name = new URLSearchParams(location.search).get('name') || '';
const main = document.querySelector('main');
const title = el('h1', {id: 'package-name'}, name || '(no package named)');
const facts = el('p', {id: 'facts', class: 'muted'});
const downloads = el('div', {id: 'downloads-chart', class: 'chart'});
const python = el('div', {id: 'python-chart', class: 'chart'});
const pythonTable = el('table', {id: 'python-newest', class: 'data shares'});
const os = el('div', {id: 'os-chart', class: 'chart'});
const osTable = el('table', {id: 'os-newest', class: 'data shares'});
const alertsBody = el('tbody');
const silenceBox = el('section', {id: 'silence', class: 'silence', hidden: true});
const silenceButton = el('button', {type: 'button', id: 'silence-package', onclick: () => openSilence({packages: [name]})},
    'Silence this package...');
document.title = 'pypiwatch: ' + name;
main.append(title, facts,
    el('h2', {}, 'Daily downloads'), downloads,
    el('div', {class: 'two'},
        el('section', {}, el('h2', {}, 'Python versions (share of downloads)'), python,
            el('h3', {}, 'Newest day'), pythonTable),
        el('section', {}, el('h2', {}, 'Operating systems (share of downloads)'), os,
            el('h3', {}, 'Newest day'), osTable)),
    el('h2', {}, 'Alerts ', silenceButton), silenceBox,
    el('table', {id: 'package-alerts', class: 'data'},
        el('thead', {}, el('tr', {}, ['Day', 'State', 'Severity', 'Rule', 'Series', 'Summary', 'Evidence', '']
            .map(h => el('th', {}, h)))),
        alertsBody));

/** Shows the silence form prefilled; one at a time. */
function openSilence(initial) {
  silenceBox.hidden = false;
  silenceBox.replaceChildren(el('h3', {}, 'New silence'), silenceForm({comment: '', ...initial}, created => {
    say('Silence ' + created.id + ' created.');
  }));
  silenceBox.scrollIntoView({block: 'nearest'});
}

/** The newest day's shares as a table (category as text, share). */
function newestTable(table, s) {
  const last = s.dates.length - 1;
  table.replaceChildren(el('thead', {}, el('tr', {}, el('th', {}, 'Category'), el('th', {}, 'Share on ' + (s.dates[last] || 'n/a')))),
      el('tbody', {}, s.categories.slice().reverse().map(c => el('tr', {dataset: {category: c}},
          cells(c, last >= 0 && s.shares[c][last] !== null ? s.shares[c][last].toFixed(1) + '%' : 'n/a')))));
}

let loads = 0;
async function load() {
  if (!name) {
    say('No package given: open this page from the overview.', 'error');
    return;
  }
  try {
    const p = await api('/packages/' + encodeURIComponent(name));
    title.textContent = p.package;
    document.title = 'pypiwatch: ' + p.package;
    facts.textContent = 'newest day ' + (p.newest_day || 'none yet') + '; last poll ' + fmt.instant(p.last_poll)
        + '; ' + p.firing_alerts.length + ' firing';
    downloadsChart(downloads, p.series.overall || {}, p.recent_alerts.filter(a => a.state === 'firing'));
    const py = shares(p.series.python_minor || {});
    sharesChart(python, py, 'share');
    newestTable(pythonTable, py);
    const sys = shares(p.series.system || {});
    sharesChart(os, sys, 'share');
    newestTable(osTable, sys);
    const firing = new Set(p.firing_alerts.map(a => a.fingerprint + '|' + a.date));
    alertsBody.replaceChildren(...p.recent_alerts.map(a => alertRow(a, {
      withPackage: false,
      actions: a.state === 'firing' && firing.has(a.fingerprint + '|' + a.date)
          ? el('button', {type: 'button', class: 'silence-alert',
            onclick: () => openSilence({packages: [a.package], rules: [a.rule], untilResolved: a.fingerprint,
              comment: a.summary.slice(0, 120)})}, 'Silence...')
          : null,
    })));
    if (!p.recent_alerts.length) alertsBody.replaceChildren(el('tr', {}, el('td', {colspan: 8, class: 'muted'}, 'No alerts.')));
    say('');
  } catch (e) {
    say('Could not load ' + name + ': ' + e.message, 'error');
  }
  document.body.dataset.loads = String(++loads);
}

const refresh = debounce(load, 300);
live({
  alert: a => {
    if (a.package === title.textContent) refresh();
  },
  cycle: refresh,
});
load();
