// The status page's own script: it draws the view the master pushes over /events (the same
// JSON as /status.json) and never builds markup from strings, so no value can inject any.
(() => {
  const byId = (id) => document.getElementById(id);
  const readJson = (id) => JSON.parse(byId(id).textContent);
  const descriptions = readJson('state-descriptions');
  let payload = readJson('initial-payload');
  let clockOffset = Date.now() - payload.now;

  function element(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props);
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  const serverNow = () => Date.now() - clockOffset;

  function age(since) {
    if (since === null || since === undefined) return '—';
    const seconds = Math.max(0, Math.round((serverNow() - since) / 1000));
    if (seconds < 120) return `${seconds}s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 120) return `${minutes}m ${seconds % 60}s`;
    return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
  }

  const clock = (at) => new Date(at).toLocaleTimeString([], { hour12: false });

  function requestsServed(view) {
    let total = view.totals.retired.requests;
    for (const worker of view.workers) total += worker.stats ? worker.stats.requests : 0;
    return total;
  }

  function renderMaster(view) {
    const master = view.master;
    const live = view.workers.filter((w) => w.outgoing === null && w.phase !== 'stopping');
    const serving = live.filter((w) => !w.standby);
    const held = live.filter((w) => w.standby && w.phase === 'standby').length;
    const facts = [
      ['pid', master.pid],
      ['state', master.state],
      ['workers', `${serving.length} of ${master.target}`],
      ...(master.standby > 0 ? [['standby', `${held} of ${master.standby} held`]] : []),
      ['generation', master.generation],
      ['up', age(master.startedAt)],
      ['requests', requestsServed(view)],
      ['restarts', view.totals.restarts],
      ['reloads', `${view.totals.reloads.done} done, ${view.totals.reloads.failed} rolled back`],
    ];
    if (master.paused) facts.push(['paused', 'WINCH: no workers until HUP']);
    if (master.upgrading) facts.push(['upgrade', 'a new master is starting']);
    byId('master').replaceChildren(
      ...facts.map(([name, value]) =>
        element(
          'div',
          {},
          element('dt', { textContent: name }),
          element('dd', { textContent: String(value) }),
        ),
      ),
    );
    byId('master-description').textContent = master.description;
  }

  /** Every state a path is in: `serving.watching` is in `serving` too. */
  function withAncestors(path) {
    const keys = path.split('.');
    return keys.map((_, i) => keys.slice(0, i + 1).join('.'));
  }

  function markChart(machine, counts) {
    for (const node of document.querySelectorAll(`g.state[id^="${machine}:"]`)) {
      const path = node.id.slice(machine.length + 1);
      const count = counts.get(path) ?? 0;
      node.classList.toggle('active', count > 0);
      const label = node.querySelector('text');
      if (label === null) continue;
      label.dataset.name ??= label.textContent;
      label.textContent =
        machine === 'worker' && count > 0 ? `${label.dataset.name} ×${count}` : label.dataset.name;
    }
  }

  function renderCharts(view) {
    markChart('arbiter', new Map(withAncestors(view.master.state).map((path) => [path, 1])));
    const counts = new Map();
    for (const worker of view.workers) {
      for (const path of withAncestors(worker.state)) counts.set(path, (counts.get(path) ?? 0) + 1);
    }
    markChart('worker', counts);
  }

  function workerRow(worker) {
    const state = element(
      'td',
      {},
      element('code', { textContent: worker.state }),
      worker.outgoing ? ` (outgoing: ${worker.outgoing})` : null,
      element('span', { className: 'description', textContent: worker.description }),
    );
    const number = (value) => element('td', { className: 'number', textContent: String(value) });
    const row = element(
      'tr',
      { className: worker.outgoing ? 'outgoing' : '' },
      number(worker.slot),
      element('td', { textContent: worker.key }),
      number(worker.pid ?? '—'),
      number(worker.generation),
      state,
      number(age(worker.spawnedAt)),
      number(worker.stats ? worker.stats.requests : '—'),
      number(age(worker.lastHeartbeatAt)),
      number(worker.restarts),
      element('td', { className: 'exit', textContent: worker.lastExit ?? '—' }),
    );
    row.dataset.worker = worker.key;
    return row;
  }

  function renderWorkers(view) {
    byId('workers').tBodies[0].replaceChildren(...view.workers.map(workerRow));
  }

  function renderEvents(view) {
    const latest = view.events.slice(-50).reverse();
    byId('events').replaceChildren(
      ...latest.map((entry) =>
        element(
          'li',
          { className: entry.level },
          element('time', { textContent: clock(entry.at) }),
          entry.message,
        ),
      ),
    );
  }

  function render() {
    const view = payload.view;
    renderMaster(view);
    renderCharts(view);
    renderWorkers(view);
    renderEvents(view);
  }

  function describeCharts() {
    for (const node of document.querySelectorAll('g.state')) {
      const [machine, path] = node.id.split(':');
      const title = node.querySelector('title');
      const description = descriptions[machine]?.[path];
      if (title !== null && description) title.textContent = `${path}: ${description}`;
    }
  }

  function setConnection(state, text) {
    const badge = byId('connection');
    badge.className = `connection ${state}`;
    badge.textContent = text;
  }

  function listen() {
    const source = new EventSource('events');
    source.addEventListener('open', () => setConnection('live', 'live'));
    source.addEventListener('error', () => setConnection('lost', 'reconnecting…'));
    source.addEventListener('view', (event) => {
      payload = JSON.parse(event.data);
      clockOffset = Date.now() - payload.now;
      render();
    });
  }

  function enableControls() {
    if (!payload.control) return;
    const controls = byId('controls');
    controls.hidden = false;
    controls.addEventListener('click', async (event) => {
      const command = event.target?.dataset?.command;
      if (!command) return;
      const result = byId('control-result');
      result.textContent = `${command}…`;
      try {
        const response = await fetch(`control/${command}`, {
          method: 'POST',
          headers: { 'X-Corral-Control': '1' },
        });
        const answer = await response.json();
        result.textContent = answer.ok ? answer.message : answer.error;
      } catch (error) {
        result.textContent = `${command} failed: ${error}`;
      }
    });
  }

  describeCharts();
  render();
  enableControls();
  listen();
  // Ages move between pushes.
  setInterval(render, 1000);
})();
