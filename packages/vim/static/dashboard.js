/* Auto Cloud Scaler live dashboard: reads GET /api/v1/dashboard/stream (Server-Sent Events) and draws
 * with uPlot. Plain script, no build step; everything shown is built with textContent, never innerHTML,
 * because container names and event messages come from the cluster. */
'use strict';
(function () {
  var STREAM_URL = '/api/v1/dashboard/stream';
  var WINDOW_SAMPLES = 300;
  var RECONNECT_MS = 5000;
  var PALETTE = ['#2f7ed8', '#1f9d55', '#d64545', '#8e44ad', '#d98b00', '#16a2b8', '#6b7a8f', '#e0568a', '#7a9e1f', '#b5651d', '#3b4cc0', '#999999'];

  var samples = [];
  var latest = null;
  var charts = {};

  // ---- small DOM helpers ----
  function h(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }
  function $(id) { return document.getElementById(id); }
  function fmt(n, digits) {
    if (n === null || n === undefined || !isFinite(n)) return '–';
    return n.toFixed(digits === undefined ? (Math.abs(n) >= 10 ? 0 : 1) : digits);
  }
  function zeroBased(_u, _min, max) { return [0, max > 0 ? max * 1.1 : 1]; }
  var clockLabel = uPlot.fmtDate('{HH}:{mm}:{ss}');
  // Clock time only: uPlot's default adds a date line under the first tick, noise on a live view.
  function clockTicks(_u, splits) { return splits.map(function (s) { return clockLabel(new Date(s * 1000)); }); }
  // Short tick labels ("2.5k", not "2,500") so they fit the axis at any load.
  function compactTicks(_u, splits) {
    return splits.map(function (v) {
      if (v === null) return '';
      var a = Math.abs(v);
      return a >= 1e6 ? +(v / 1e6).toFixed(1) + 'M' : a >= 1e3 ? +(v / 1e3).toFixed(1) + 'k' : String(+v.toFixed(2));
    });
  }

  // ---- charts ----
  function plotSize(box) {
    return { width: Math.max(200, box.clientWidth), height: Math.max(100, box.clientHeight - 28) };
  }

  function chart(id, series, extra) {
    var existing = charts[id];
    if (existing) existing.u.destroy();
    var box = $(id).querySelector('.plot');
    var opts = Object.assign({
      series: [{}].concat(series),
      scales: { x: { time: true }, y: { range: zeroBased } },
      axes: [{ stroke: '#69707d', grid: { stroke: '#eef0f3' }, values: clockTicks, space: 80 }, { stroke: '#69707d', grid: { stroke: '#eef0f3' }, size: 46, values: compactTicks }],
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
    }, extra || {}, plotSize(box));
    var empty = [[]].concat(series.map(function () { return []; }));
    var u = new uPlot(opts, empty, box);
    charts[id] = { u: u, key: (extra && extra.key) || '' };
    return charts[id];
  }

  function line(label, color, more) {
    return Object.assign({ label: label, stroke: color, width: 2, spanGaps: false, points: { show: false } }, more || {});
  }

  function setData(id, data) {
    var c = charts[id];
    c.u.setData(data);
    $(id).dataset.points = String(data[0].length);
  }

  function stepped() { return uPlot.paths.stepped({ align: 1 }); }

  function createFixedCharts() {
    chart('chart-rps', [line('offered', PALETTE[0]), line('served', PALETTE[1]), line('errors', PALETTE[2], { width: 1 })]);
    chart('chart-latency', [line('p50', PALETTE[0]), line('p99', PALETTE[4])]);
    chart('chart-replicas', [
      line('desired', PALETTE[3], { paths: stepped(), dash: [6, 3] }),
      line('ready', PALETTE[1], { paths: stepped() }),
      line('starting', PALETTE[4], { paths: stepped(), width: 1 }),
    ]);
  }

  function vmIds() {
    var seen = {};
    samples.forEach(function (s) { Object.keys(s.vms).forEach(function (id) { seen[id] = true; }); });
    return Object.keys(seen).sort();
  }

  function perVmCharts(ids) {
    var key = ids.join('\n');
    if (charts['chart-cpu'] && charts['chart-cpu'].key === key) return;
    var lines = function (more) { return ids.map(function (id, i) { return line(id, PALETTE[i % PALETTE.length], more()); }); };
    chart('chart-cpu', lines(function () { return {}; }), { key: key, scales: { x: { time: true }, y: { range: [0, 100] } } });
    chart('chart-containers', lines(function () { return { paths: stepped() }; }), { key: key, scales: { x: { time: true }, y: { range: function (_u, _min, max) { return [0, Math.max(4, max + 1)]; } } } });
  }

  function drawTimeCharts() {
    var t = samples.map(function (s) { return s.t / 1000; });
    var col = function (f) { return samples.map(f); };
    setData('chart-rps', [t, col(function (s) { return s.offeredRps; }), col(function (s) { return s.servedRps; }), col(function (s) { return s.errorRps; })]);
    setData('chart-latency', [t, col(function (s) { return s.latencyMs.p50; }), col(function (s) { return s.latencyMs.p99; })]);
    setData('chart-replicas', [t, col(function (s) { return s.replicas.desired; }), col(function (s) { return s.replicas.ready; }), col(function (s) { return s.replicas.starting; })]);
    var ids = vmIds();
    perVmCharts(ids);
    var cpu = [t], count = [t];
    ids.forEach(function (id) {
      cpu.push(col(function (s) { var v = s.vms[id]; return v ? v.cpuPct : null; }));
      count.push(col(function (s) { var v = s.vms[id]; return v ? v.containers : null; }));
    });
    setData('chart-cpu', cpu);
    setData('chart-containers', count);
  }

  function drawForecast(snapshot) {
    var f = snapshot.forecasts.filter(function (x) { return x.service === 'web'; })[0] || snapshot.forecasts[0];
    var box = $('chart-forecast');
    $('forecast-off').hidden = !!f;
    box.querySelector('.plot').style.visibility = f ? 'visible' : 'hidden';
    if (!f) { box.dataset.points = '0'; return; }
    $('forecast-caption').textContent = f.service + ', ' + f.mode + ', ' + Math.round(f.level * 100) + '% interval';
    if (!charts['chart-forecast']) {
      chart('chart-forecast', [
        line('observed', PALETTE[0]),
        line('forecast', PALETTE[3], { dash: [5, 3] }),
        line('interval low', 'rgba(142,68,173,0.35)', { width: 1 }),
        line('interval high', 'rgba(142,68,173,0.35)', { width: 1 }),
      ], { bands: [{ series: [4, 3], fill: 'rgba(142,68,173,0.12)' }] });
    }
    var t = [], obs = [], mean = [], lo = [], hi = [];
    f.history.forEach(function (p) { t.push(p.t / 1000); obs.push(p.rps); mean.push(null); lo.push(null); hi.push(null); });
    if (t.length > 0 && f.forecast.length > 0) {
      // Start the forecast at the last observation so the two lines join.
      var last = obs[obs.length - 1];
      mean[mean.length - 1] = last; lo[lo.length - 1] = last; hi[hi.length - 1] = last;
    }
    f.forecast.forEach(function (p) { t.push(p.t / 1000); obs.push(null); mean.push(p.mean); lo.push(p.lower); hi.push(p.upper); });
    setData('chart-forecast', [t, obs, mean, lo, hi]);
  }

  // ---- summary, tree, events ----
  function stat(value, label) {
    var el = h('span', 'stat');
    el.appendChild(h('b', null, value));
    el.appendChild(h('span', null, label));
    return el;
  }

  function drawSummary(snapshot) {
    var s = snapshot.sample;
    var box = $('summary');
    box.replaceChildren(
      stat(fmt(s.offeredRps), 'offered req/s'),
      stat(fmt(s.servedRps), 'served req/s'),
      stat(fmt(s.latencyMs.p99), 'ms p99'),
      stat(s.replicas.ready + '/' + s.replicas.desired, 'ready/desired'),
      stat(String(snapshot.totalVms), snapshot.totalVms === 1 ? 'VM' : 'VMs')
    );
    snapshot.services.forEach(function (svc) {
      box.appendChild(stat(svc.name, svc.autoscale ? 'autoscale on' : 'pinned (autoscale off)'));
    });
  }

  function bar(pct) {
    var el = h('div', 'meter');
    var track = h('div', 'bar');
    var fill = h('i', pct !== null && pct >= 80 ? 'hot' : '');
    fill.style.width = (pct === null ? 0 : Math.max(0, Math.min(100, pct))) + '%';
    track.appendChild(fill);
    el.appendChild(track);
    el.appendChild(h('span', null, pct === null ? '–' : fmt(pct, 0) + '%'));
    return el;
  }

  function badge(text, tone) { return h('span', 'badge' + (tone ? ' ' + tone : ''), text); }

  function drawTree(snapshot) {
    var tree = $('tree');
    var rows = [h('div', 'head', 'VM / container'), h('div', 'head', 'CPU'), h('div', 'head', 'state'), h('div', 'head num', 'in-flight')];
    snapshot.vms.forEach(function (vm) {
      var name = h('div', 'vm' + (vm.status === 'down' ? ' down' : ''), vm.id);
      if (vm.draining) name.appendChild(badge('draining', 'warn'));
      if (vm.status !== 'down' && vm.dockerUp === false) name.appendChild(badge('docker down', 'bad'));
      rows.push(name);
      var cpu = h('div', 'vm'); cpu.appendChild(bar(vm.cpuPct)); rows.push(cpu);
      var live = vm.containers.filter(function (c) { return c.state !== 'exited'; }).length;
      rows.push(h('div', 'vm muted', vm.status === 'down' ? 'down' : live + '/' + vm.maxContainers + ' · ' + fmt(vm.requestsPerSecond) + ' req/s'));
      rows.push(h('div', 'vm num', vm.containers.reduce(function (a, c) { return a + c.inflight; }, 0)));
      vm.containers.forEach(function (c) {
        var label = h('div', 'ctr', c.name);
        label.title = c.name + ' (' + c.id.slice(0, 12) + ', ' + c.service + ')';
        rows.push(label);
        var cc = h('div'); cc.appendChild(bar(c.cpuPct)); rows.push(cc);
        var st = h('div');
        st.appendChild(c.draining ? badge('draining', 'warn') : c.ready ? badge('ready', 'ok') : badge(c.state, c.state === 'running' ? '' : 'warn'));
        rows.push(st);
        rows.push(h('div', 'num', c.inflight));
      });
    });
    tree.replaceChildren.apply(tree, rows);
    $('tree-count').textContent = snapshot.vms.length < snapshot.totalVms ? '(first ' + snapshot.vms.length + ' of ' + snapshot.totalVms + ')' : '';
    if (snapshot.vms.length === 0) tree.appendChild(h('div', 'muted whole', 'No VM has connected yet. Start an agent: acs-vmm --vim <host:port> --secret-file <file>'));
  }

  var KIND_TONE = { decision: 'ok', placement: '', command: '', operator: 'warn', 'vm-up': 'ok', 'vm-down': 'bad', 'docker-down': 'bad', 'docker-up': 'ok', error: 'bad', 'insufficient-capacity': 'bad' };

  function drawEvents(snapshot) {
    var list = $('events');
    var items = snapshot.events.map(function (e) {
      var li = h('li');
      var time = h('time', null, new Date(e.at).toLocaleTimeString([], { hour12: false }));
      time.dateTime = e.at;
      li.appendChild(time);
      var kind = h('span', 'kind'); kind.appendChild(badge(e.kind, KIND_TONE[e.kind] || '')); li.appendChild(kind);
      var msg = h('span', 'msg', e.message);
      var reason = e.data && typeof e.data.reason === 'string' ? e.data.reason : null;
      if (reason && e.message.indexOf(reason) < 0) msg.appendChild(h('span', 'reason', 'reason: ' + reason));
      li.appendChild(msg);
      return li;
    });
    if (items.length === 0) items.push(h('li', 'muted whole', 'No events yet.'));
    list.replaceChildren.apply(list, items);
  }

  function render() {
    if (!latest) return;
    drawSummary(latest);
    drawTimeCharts();
    drawForecast(latest);
    drawTree(latest);
    drawEvents(latest);
  }

  // ---- the stream ----
  function setConnection(text, tone) {
    var el = $('connection');
    el.textContent = text;
    el.className = 'pill pill-' + tone;
  }

  function connect() {
    var source = new EventSource(STREAM_URL);
    source.addEventListener('open', function () { setConnection('live', 'live'); });
    source.addEventListener('history', function (msg) {
      samples = JSON.parse(msg.data).samples.slice(-WINDOW_SAMPLES);
    });
    source.addEventListener('snapshot', function (msg) {
      latest = JSON.parse(msg.data);
      var last = samples[samples.length - 1];
      if (!last || last.t < latest.sample.t) samples.push(latest.sample);
      if (samples.length > WINDOW_SAMPLES) samples.splice(0, samples.length - WINDOW_SAMPLES);
      setConnection('live', 'live');
      render();
    });
    source.addEventListener('error', function () {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (e.g. too many streams open) or the VIM went away for good: try again later ourselves.
        setConnection('disconnected, retrying', 'bad');
        source.close();
        setTimeout(connect, RECONNECT_MS);
      } else {
        setConnection('reconnecting…', 'wait');
      }
    });
  }

  function start() {
    createFixedCharts();
    perVmCharts([]);
    var resize = new ResizeObserver(function () {
      Object.keys(charts).forEach(function (id) { charts[id].u.setSize(plotSize($(id).querySelector('.plot'))); });
    });
    document.querySelectorAll('.plot').forEach(function (el) { resize.observe(el); });
    connect();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
