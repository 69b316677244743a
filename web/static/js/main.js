// Board entry point: signs the user in (or sends them to the login page),
// loads the configuration, draws the waterways and the zones, lists the
// vessels and the alerts, and follows the live feed. Officers get the ban
// editor; a rescue station gets its own area, its alerts and its cameras.

import { el, setText, plainText } from './dom.js';
import { setTimeZone, position, isNum } from './format.js';
import { Fleet, label } from './fleet.js';
import { VesselList } from './list.js';
import { Details } from './details.js';
import { Live } from './live.js';
import { waterwayLayer } from './waterways.js';
import { ZoneLayer, zoneLegend } from './zones.js';
import { AlertPanel } from './alerts.js';
import { Alarm } from './alarm.js';
import { RescueInfo, stationName } from './rescue.js';
import { BanEditor } from './baneditor.js';
import { StatsPanel } from './stats.js';
import { AuditPanel } from './audit.js';
import { Replay } from './replay.js';
import { Rivers } from './rivers.js';
import { loadStations, drawArea, stationTitle, VideoWall } from './station.js';
import { getJSON, me } from './api.js';
import { L, localizeTree } from './i18n.js';
import { wireHeader } from './header.js';
import { gcj02CRS } from './gcj02.js';
import { legend, filters } from './sidebar.js';

const Lf = window.L;
const $ = (id) => document.getElementById(id);

const DEFAULTS = { tile_url: '', tile_attribution: '', center: [43.9, 126.5], zoom: 7, timezone: 'Asia/Shanghai' };
const CONN_TEXT = { connecting: '连接中 Connecting', live: '已连接 Live', reconnecting: '重连中 Reconnecting' };
const MAX_LIST = 20000; // vessels accepted from one listing or snapshot

let noticeTimer = 0;
function notice(text, ms) {
  const n = $('notice');
  n.textContent = text;
  n.hidden = !text;
  clearTimeout(noticeTimer);
  if (text && ms) noticeTimer = setTimeout(() => notice(''), ms);
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
    cfg.tile_gcj02 = c.tile_gcj02 === true;
    return cfg;
  } catch (_) {
    notice(L('配置加载失败，使用默认值 Config unavailable, using defaults'));
    return { ...DEFAULTS };
  }
}

function buildMap(cfg) {
  // On GCJ-02 tiles every WGS-84 layer is drawn through the shift.
  const crs = cfg.tile_gcj02 ? gcj02CRS(Lf) : Lf.CRS.EPSG3857;
  const map = Lf.map('map', { crs, zoomControl: false, minZoom: 3, maxZoom: 18, worldCopyJump: false, zoomSnap: 0.25 })
    .setView(cfg.center, cfg.zoom);
  Lf.control.zoom({ position: 'topright', zoomInTitle: L('放大 Zoom in'), zoomOutTitle: L('缩小 Zoom out') }).addTo(map);
  Lf.control.scale({ imperial: false, position: 'bottomright' }).addTo(map);
  map.createPane('waterPoints').style.zIndex = '550';
  // data-moving is set while the map pans or zooms (tests wait on it).
  const box = map.getContainer();
  map.on('movestart zoomstart', () => { box.dataset.moving = '1'; });
  map.on('moveend zoomend', () => { delete box.dataset.moving; });
  map.once('dragstart', () => { map._rwTouched = true; });
  map.attributionControl.addAttribution(L('水系 Waterways: riverwatch (Natural Earth, Wikipedia, GeoNames)'));
  if (cfg.tile_url) {
    let errors = 0;
    Lf.tileLayer(cfg.tile_url, { attribution: plainText(cfg.tile_attribution), maxZoom: 18, crossOrigin: false })
      .on('tileerror', () => { if (++errors === 8) notice(L('底图不可用，仅显示水系 Base map unavailable, waterways only')); })
      .on('tileload', () => { if (errors) { errors = 0; notice(''); } })
      .addTo(map);
  }
  return map;
}

// retry calls fn until it succeeds, backing off, with a notice meanwhile.
async function retry(fn, what) {
  for (let wait = 2000; ; wait = Math.min(wait * 2, 60000)) {
    try { return await fn(); } catch (_) {
      notice(L(what));
      await new Promise((r) => setTimeout(r, wait));
      notice('');
    }
  }
}

async function main() {
  const user = await me();
  localizeTree(document.body);
  document.title = L(document.title);
  const isOfficer = user.roles.includes('officer');
  const isStation = !isOfficer && user.roles.includes('station') && user.station !== '';
  document.body.classList.toggle('role-officer', isOfficer);
  document.body.classList.toggle('role-station', isStation);
  document.body.dataset.user = user.username;
  $('open-bans').hidden = !isOfficer;
  $('open-audit').hidden = !isOfficer;
  $('open-video').hidden = false; // viewers watch too: wall screens

  const cfg = await loadConfig();
  setText($('clock-label'), setTimeZone(cfg.timezone));
  legend();

  const map = buildMap(cfg);
  const rivers = new Rivers();
  const zones = new ZoneLayer(map);
  zoneLegend().addTo(map);

  let details = null;
  let list = null;
  let fleet = null;
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
  fleet = new Fleet(map, select);
  const flt = filters(fleet, rivers, () => list.refresh(true));
  const closeDetails = () => {
    details.close();
    fleet.select(null);
    list.setSelected(null, false);
  };

  // Alerts: "show on map" picks the vessel (highlighted, details open),
  // centres the alert's position in the part of the map left free and draws
  // the way of the nearest rescue station's boat.
  let focus = null;
  const showAlert = (a, rescue) => {
    const mmsi = Number.isInteger(a.mmsi) && fleet.get(a.mmsi) ? a.mmsi : null;
    if (mmsi !== null) select(mmsi, false);
    const ll = isNum(a.lat) && isNum(a.lon) && Math.abs(a.lat) <= 90 && Math.abs(a.lon) <= 180 && (a.lat !== 0 || a.lon !== 0)
      ? Lf.latLng(a.lat, a.lon) : (mmsi !== null ? fleet.latLng(mmsi) : null);
    if (!ll) return;
    map._rwTouched = true;
    if (focus) focus.remove();
    focus = Lf.layerGroup().addTo(map);
    Lf.circleMarker(ll, { radius: 18, weight: 3, fill: false, interactive: false, className: 'alert-focus' }).addTo(focus);
    if (rescue && rescue.path.length > 1) Lf.polyline(rescue.path, { className: 'rescue-path', weight: 4, dashArray: '8 6', interactive: false }).addTo(focus);
    if (rescue && isNum(rescue.station.lat) && isNum(rescue.station.lon)) {
      Lf.circleMarker([rescue.station.lat, rescue.station.lon], { radius: 8, className: 'rescue-station', interactive: true })
        .bindTooltip(el('span', null, stationName(rescue.station)), { permanent: true, direction: 'right', className: 'water-tip' }).addTo(focus);
    }
    const zoom = Math.max(map.getZoom(), 13);
    const panel = $('details');
    const shift = panel.hidden ? 0 : (panel.offsetWidth + panel.offsetLeft) / 2;
    map.setView(map.unproject(map.project(ll, zoom).subtract([shift, 0]), zoom), zoom);
  };
  const vesselName = (mmsi) => { const v = fleet.get(mmsi); return v ? label(v) : ''; };
  const alarmBox = $('alarm');
  const alarm = new Alarm((state) => {
    alarmBox.dataset.state = state;
    alarmBox.hidden = state === 'silent';
    alarmBox.title = state === 'blocked' ? L('点击页面以启用告警声音 Click the page to enable the alarm sound') : L('告警声音 Alarm sound');
    document.body.dataset.alarm = state;
  });
  let alerts = null;
  const rescue = new RescueInfo(() => alerts.render());
  alerts = new AlertPanel({ list: $('alert-list'), count: $('alert-count') },
    { vessel: vesselName, zone: (id) => zones.name(id) }, showAlert, {
      rescue, alarm,
      canAck: () => isOfficer || isStation,
      canResolve: () => isOfficer,
      onError: (t) => notice(t, 6000),
      onChange: () => fleet.setAlerting(alerts.alerting()),
    });
  details = new Details($('details'), map, closeDetails, (mmsi) => alerts.forVessel(mmsi));

  const bans = isOfficer ? new BanEditor($('bans'), zones, map, fleet, notice) : null;
  const stats = new StatsPanel($('stats'), fleet, zones, rivers);
  const video = new VideoWall($('video-wall'));
  const audit = isOfficer ? new AuditPanel($('audit')) : null;
  const panels = { bans: $('bans'), stats: $('stats'), video: $('video') };
  const closeOthers = (keep) => {
    if (keep !== 'bans' && bans) bans.close();
    if (keep !== 'stats') stats.close();
    if (keep !== 'audit' && audit) audit.close();
    if (keep !== 'video') { panels.video.hidden = true; video.close(); }
  };
  $('open-bans').addEventListener('click', () => { if (!bans) return; if (bans.isOpen) bans.close(); else { closeOthers('bans'); bans.open(); } });
  $('open-audit').addEventListener('click', () => { if (!audit) return; if (audit.isOpen) audit.close(); else { closeOthers('audit'); audit.open(); } });
  $('open-stats').addEventListener('click', () => { if (stats.isOpen) stats.close(); else { closeOthers('stats'); stats.open(); } });
  $('open-video').addEventListener('click', () => {
    if (!panels.video.hidden) { panels.video.hidden = true; video.close(); return; }
    closeOthers('video');
    panels.video.hidden = false;
    video.load();
  });
  $('video-close').addEventListener('click', () => { panels.video.hidden = true; video.close(); });

  let zonesReload = 0;
  const zonesLoaded = () => { alerts.render(); if (bans && bans.isOpen) bans.renderBans(); };
  const loadZones = () => retry(async () => {
    zones.setZones(await getJSON('/api/v1/zones', { accept: 'application/geo+json' }));
    zonesLoaded();
  }, '区域数据加载失败，重试中 Zones unavailable, retrying');
  const reloadZones = () => {
    clearTimeout(zonesReload);
    zonesReload = setTimeout(loadZones, 300);
  };
  loadZones();
  retry(async () => {
    const gj = await getJSON('/api/v1/waterways', { accept: 'application/geo+json' });
    rivers.load(gj);
    flt.fillRivers();
    const layer = waterwayLayer(gj).addTo(map);
    layer.bringToBack();
    document.body.dataset.waterways = String(layer.getLayers().length);
    // Show all of Jilin's waterways at first, unless the officer has
    // already moved the map or picked a vessel (or is a station).
    const bounds = layer.getBounds();
    if (!map._rwTouched && !isStation && bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], animate: false });
  }, '水系数据加载失败，重试中 Waterways unavailable, retrying');

  if (isStation) {
    loadStations().then((features) => {
      setText($('station-name'), stationTitle(features, user.station));
      setText($('video-title'), `${L('视频墙 Video wall')} · ${stationTitle(features, user.station)}`);
      if (drawArea(map, features, user.station)) map._rwTouched = true;
    });
  }

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
    setText($('counts'), L(`船舶 Vessels ${fleet.size} · 有位置 With position ${pos} · 过时 Stale ${stale} · 异常 Flagged ${flagged}`));
  };
  list = new VesselList(fleet, { list: $('list'), spacer: $('list-spacer'), search: $('search'), count: $('list-count') }, select, counts, (v) => flt.accept(v));
  wireHeader(user, () => { fleet.layer.dark = document.documentElement.dataset.theme === 'dark'; fleet.layer.schedule(); alerts.render(true); if (details.mmsi !== null && details.current) details.render(details.current); });
  fleet.layer.dark = document.documentElement.dataset.theme === 'dark';
  new Replay($('replay'), fleet, (live) => document.body.classList.toggle('replaying', !live));

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
        if (Array.isArray(msg.bans)) { zones.setBans(msg.bans); if (bans && bans.isOpen) bans.renderBans(); }
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
        if (msg.ban && typeof msg.ban === 'object') { zones.upsertBan(msg.ban); if (bans && bans.isOpen) bans.renderBans(); }
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
    notice(L('船舶列表加载失败 Vessel list unavailable'));
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
    // A live connection refused may be a session that ended: asking who
    // we are sends the browser to the login page if so.
    if (state === 'reconnecting') me().catch(() => {});
    conn.dataset.state = state;
    conn.className = `conn conn-${state}`;
    setText(conn, L(CONN_TEXT[state] || state));
  }).start();
  // The handles tests and the console use to read what the board shows.
  window.rw = { map, fleet, zones, alerts, details, list, bans, stats, rivers, user };
  document.body.dataset.ready = '1';
}

main().catch((err) => {
  if (err && err.status === 401) return; // on the way to the login page
  notice(`${L('加载失败 Failed to load')}: ${String(err && err.message ? err.message : err).slice(0, 200)}`);
});
