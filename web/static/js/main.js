// Board entry point: loads the configuration, draws the waterways and the
// zones, lists the vessels and the open alerts, and follows the live feed.

import { el, setText, plainText } from './dom.js';
import { setTimeZone, clock, position, isNum } from './format.js';
import { CATEGORIES } from './labels.js';
import { Fleet, label } from './fleet.js';
import { VesselList } from './list.js';
import { Details } from './details.js';
import { Live } from './live.js';
import { waterwayLayer } from './waterways.js';
import { ZoneLayer, zoneLegend } from './zones.js';
import { AlertPanel } from './alerts.js';

const L = window.L;
const $ = (id) => document.getElementById(id);

const DEFAULTS = { tile_url: '', tile_attribution: '', center: [43.9, 126.5], zoom: 7, timezone: 'Asia/Shanghai' };
const CONN_TEXT = { connecting: '连接中 Connecting', live: '已连接 Live', reconnecting: '重连中 Reconnecting' };
const MAX_LIST = 20000; // vessels accepted from one listing or snapshot

async function getJSON(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

function notice(text) {
  const n = $('notice');
  n.textContent = text;
  n.hidden = !text;
}

async function loadConfig() {
  try {
    const c = await getJSON('/api/v1/config');
    const cfg = { ...DEFAULTS };
    if (typeof c.tile_url === 'string') cfg.tile_url = c.tile_url;
    if (typeof c.tile_attribution === 'string') cfg.tile_attribution = c.tile_attribution;
    if (Array.isArray(c.center) && c.center.length === 2 && c.center.every(Number.isFinite)) cfg.center = c.center;
    if (Number.isFinite(c.zoom)) cfg.zoom = Math.min(18, Math.max(3, c.zoom));
    if (typeof c.timezone === 'string' && c.timezone) cfg.timezone = c.timezone;
    return cfg;
  } catch (_) {
    notice('配置加载失败，使用默认值 Config unavailable, using defaults');
    return { ...DEFAULTS };
  }
}

function buildMap(cfg) {
  const map = L.map('map', { zoomControl: false, preferCanvas: false, minZoom: 3, maxZoom: 18, worldCopyJump: false, zoomSnap: 0.25 })
    .setView(cfg.center, cfg.zoom);
  L.control.zoom({ position: 'topright', zoomInTitle: '放大 Zoom in', zoomOutTitle: '缩小 Zoom out' }).addTo(map);
  L.control.scale({ imperial: false, position: 'bottomright' }).addTo(map);
  map.createPane('waterPoints').style.zIndex = '550';
  // data-moving is set while the map pans or zooms (tests wait on it).
  const box = map.getContainer();
  map.on('movestart zoomstart', () => { box.dataset.moving = '1'; });
  map.on('moveend zoomend', () => { delete box.dataset.moving; });
  map.once('dragstart', () => { map._rwTouched = true; });
  const far = () => box.classList.toggle('zoom-far', map.getZoom() < 9);
  map.on('zoomend', far);
  far();
  map.attributionControl.addAttribution('水系 Waterways: riverwatch (Natural Earth, Wikipedia, GeoNames)');
  if (cfg.tile_url) {
    let errors = 0;
    L.tileLayer(cfg.tile_url, { attribution: plainText(cfg.tile_attribution), maxZoom: 18, crossOrigin: false })
      .on('tileerror', () => { if (++errors === 8) notice('底图不可用，仅显示水系 Base map unavailable, waterways only'); })
      .on('tileload', () => { if (errors) { errors = 0; notice(''); } })
      .addTo(map);
  }
  return map;
}

async function loadWaterways(map) {
  for (let wait = 2000; ; wait = Math.min(wait * 2, 60000)) {
    try {
      const gj = await getJSON('/api/v1/waterways');
      const layer = waterwayLayer(gj).addTo(map);
      layer.bringToBack();
      document.body.dataset.waterways = String(layer.getLayers().length);
      // Show all of Jilin's waterways at first, unless the officer has
      // already moved the map or picked a vessel.
      const bounds = layer.getBounds();
      if (!map._rwTouched && bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], animate: false });
      return;
    } catch (_) {
      notice('水系数据加载失败，重试中 Waterways unavailable, retrying');
      await new Promise((r) => setTimeout(r, wait));
      notice('');
    }
  }
}

// loadZones draws GET /api/v1/zones, retrying until it answers; then().
async function loadZones(zones, then) {
  for (let wait = 2000; ; wait = Math.min(wait * 2, 60000)) {
    try {
      const res = await fetch('/api/v1/zones', { headers: { Accept: 'application/geo+json' } });
      if (!res.ok) throw new Error(`zones: HTTP ${res.status}`);
      zones.setZones(await res.json());
      then();
      return;
    } catch (_) {
      notice('区域数据加载失败，重试中 Zones unavailable, retrying');
      await new Promise((r) => setTimeout(r, wait));
      notice('');
    }
  }
}

function legend() {
  const box = $('legend');
  for (const c of CATEGORIES) {
    box.append(el('span', { class: `legend-item cat-${c.key}` }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), c.label));
  }
  box.append(el('span', { class: 'legend-item stale' }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), '过时 Stale'));
  box.append(el('span', { class: 'legend-item flagged' }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), '异常标记 Flagged'));
  for (const [kind, text] of [['rescue_station', '救助站 Rescue station'], ['quay', '码头 Quay'], ['ferry_crossing', '渡口 Ferry'], ['bridge', '桥梁 Bridge']]) {
    box.append(el('span', { class: `legend-item wp wp-${kind}` }, el('span', { class: 'legend-wp' }, el('span', { class: 'wp-mark', 'aria-hidden': 'true' })), text));
  }
}

async function main() {
  const cfg = await loadConfig();
  setText($('clock-label'), setTimeZone(cfg.timezone));
  const tick = () => setText($('clock'), clock(new Date()));
  tick();
  setInterval(tick, 1000);
  legend();

  const map = buildMap(cfg);
  loadWaterways(map);
  const zones = new ZoneLayer(map);
  zoneLegend().addTo(map);

  let details = null;
  let list = null;
  const select = (mmsi, center) => {
    const v = fleet.get(mmsi);
    if (!v) return;
    map._rwTouched = true;
    fleet.select(mmsi);
    list.setSelected(mmsi, !center);
    details.show(v);
    const ll = fleet.latLng(mmsi);
    if (center && ll) {
      // Centre the vessel in the part of the map the details panel leaves free.
      const panel = $('details');
      const shift = panel.hidden ? 0 : (panel.offsetWidth + panel.offsetLeft) / 2;
      map.panTo(map.unproject(map.project(ll).subtract([shift, 0])));
    }
  };
  const fleet = new Fleet(map, select);
  const closeDetails = () => {
    details.close();
    fleet.select(null);
    list.setSelected(null, false);
  };
  details = new Details($('details'), map, closeDetails);

  // Alerts: "show on map" picks the vessel (highlighted, details open) and
  // centres the alert's position in the part of the map left free.
  let focusMark = null;
  const showAlert = (a) => {
    const mmsi = Number.isInteger(a.mmsi) && fleet.get(a.mmsi) ? a.mmsi : null;
    if (mmsi !== null) select(mmsi, false);
    const ll = isNum(a.lat) && isNum(a.lon) && Math.abs(a.lat) <= 90 && Math.abs(a.lon) <= 180 && (a.lat !== 0 || a.lon !== 0)
      ? L.latLng(a.lat, a.lon) : (mmsi !== null ? fleet.latLng(mmsi) : null);
    if (!ll) return;
    map._rwTouched = true;
    if (focusMark) focusMark.remove();
    focusMark = L.circleMarker(ll, { radius: 18, weight: 3, fill: false, interactive: false, className: 'alert-focus' }).addTo(map);
    const zoom = Math.max(map.getZoom(), 13);
    const panel = $('details');
    const shift = panel.hidden ? 0 : (panel.offsetWidth + panel.offsetLeft) / 2;
    map.setView(map.unproject(map.project(ll, zoom).subtract([shift, 0]), zoom), zoom);
  };
  const vesselName = (mmsi) => { const v = fleet.get(mmsi); return v ? label(v) : ''; };
  const alerts = new AlertPanel({ list: $('alert-list'), count: $('alert-count') },
    { vessel: vesselName, zone: (id) => zones.name(id) }, showAlert);
  let zonesReload = 0;
  const reloadZones = () => {
    clearTimeout(zonesReload);
    zonesReload = setTimeout(() => loadZones(zones, () => alerts.render()), 300);
  };
  loadZones(zones, () => alerts.render());
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && details.mmsi !== null) closeDetails();
  });
  let countsSeen = -1;
  const counts = () => {
    if (countsSeen === fleet.version) return;
    countsSeen = fleet.version;
    let pos = 0; let stale = 0; let flagged = 0;
    for (const v of fleet.vessels()) {
      if (position(v)) pos++;
      if (v.stale) stale++;
      if (Array.isArray(v.flags) && v.flags.length) flagged++;
    }
    setText($('counts'), `船舶 Vessels ${fleet.size} · 有位置 With position ${pos} · 过时 Stale ${stale} · 异常 Flagged ${flagged}`);
  };
  list = new VesselList(fleet, { list: $('list'), spacer: $('list-spacer'), search: $('search'), count: $('list-count') }, select, counts);

  const changed = () => list.schedule();
  let alertNames = -1;
  setInterval(() => {
    counts();
    if (alerts.size && alertNames !== fleet.version) { alertNames = fleet.version; alerts.render(); }
    list.paint(); // refresh "x 秒前 s ago"
    if (details.mmsi !== null) { const v = fleet.get(details.mmsi); if (v) details.update(v); }
  }, 5000);

  // applyZones handles the alert, ban and zone messages; false for others.
  const applyZones = (msg) => {
    switch (msg.type) {
      case 'snapshot':
        if (Array.isArray(msg.alerts)) alerts.replaceAll(msg.alerts);
        if (Array.isArray(msg.bans)) zones.setBans(msg.bans);
        return false; // the vessels too
      case 'alert_opened':
      case 'alert_updated':
      case 'alert_acked':
      case 'alert_resolved':
        if (msg.alert && typeof msg.alert === 'object') {
          if (msg.type === 'alert_resolved') alerts.remove(msg.alert.id);
          else alerts.upsert(msg.alert);
        }
        return true;
      case 'ban_set':
      case 'ban_lifted':
        if (msg.ban && typeof msg.ban === 'object') zones.upsertBan(msg.ban);
        return true;
      case 'zone_put':
      case 'zone_deleted':
        reloadZones();
        return true;
    }
    return false;
  };

  // apply handles one live message (or the initial listing as a snapshot).
  const apply = (msg) => {
    if (applyZones(msg)) return;
    const mmsi = msg.vessel && Number.isInteger(msg.vessel.mmsi) ? msg.vessel.mmsi : null;
    switch (msg.type) {
      case 'snapshot':
        if (!Array.isArray(msg.vessels)) return;
        fleet.replaceAll(msg.vessels.slice(0, MAX_LIST));
        break;
      case 'update':
      case 'stale':
        if (mmsi === null) return;
        fleet.upsert(msg.vessel);
        break;
      case 'lost':
        if (mmsi === null) return;
        fleet.remove(mmsi);
        break;
      default:
        return;
    }
    const open = details.mmsi;
    if (open !== null && (mmsi === null || mmsi === open)) {
      const v = fleet.get(open);
      if (v) details.update(v);
      else closeDetails();
    }
    changed();
  };

  try {
    const body = await getJSON('/api/v1/vessels');
    if (Array.isArray(body.vessels)) apply({ type: 'snapshot', vessels: body.vessels });
  } catch (_) {
    notice('船舶列表加载失败 Vessel list unavailable');
  }
  list.refresh(true);

  const conn = $('conn');
  // A live snapshot after the first follows a reconnect or a skip ahead:
  // zone changes may have been missed.
  let snapshots = 0;
  const onLive = (msg) => {
    if (msg.type === 'snapshot' && snapshots++ > 0) reloadZones();
    apply(msg);
  };
  new Live('/api/v1/live', onLive, (state) => {
    conn.dataset.state = state;
    conn.className = `conn conn-${state}`;
    setText(conn, CONN_TEXT[state] || state);
  }).start();
  document.body.dataset.ready = '1';
}

main();
