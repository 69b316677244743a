// The zone layer: the geofences of GET /api/v1/zones drawn by kind, with
// the zones under a navigation ban in force hatched. Polygons are areas,
// a Point with radius_m a circle, a LineString with buffer_m a band as wide
// as the buffer at every zoom, a border line a dashed red line.

import { el, svg, setText } from './dom.js';
import { clip, parseTime, shortTime, zoneLabel } from './format.js';
import { ZONE_KINDS, zoneKind, BAN_KIND, BAN_REASON } from './zonelabels.js';
import { L } from './i18n.js';

const Lf = window.L;
const MAX_ZONES = 5000;
const HATCH = 'zone-hatch'; // id of the SVG pattern of banned zones
const EARTH = 40075016.686; // m, equator

// banActive reports whether a ban is in force at now (ms), as
// zones.Ban.ActiveAt decides it: within from–until (a yearly ban in that
// season of this year or the last), and not lifted.
export function banActive(b, now) {
  const lifted = parseTime(b.lifted_at);
  if (lifted && now >= lifted.getTime()) return false;
  const from = parseTime(b.from);
  const until = parseTime(b.until);
  if (!from || !until || now < from.getTime()) return false;
  if (!b.yearly) return now < until.getTime();
  const years = new Date(now).getUTCFullYear() - from.getUTCFullYear();
  for (const y of [years, years - 1]) {
    if (y < 0) continue;
    const f = new Date(from); f.setUTCFullYear(from.getUTCFullYear() + y);
    const u = new Date(until); u.setUTCFullYear(until.getUTCFullYear() + y);
    if (now >= f.getTime() && now < u.getTime()) return true;
  }
  return false;
}

function num(v) { return typeof v === 'number' && Number.isFinite(v) ? v : 0; }

function validLatLng(c) {
  return Array.isArray(c) && c.length >= 2 && Number.isFinite(c[0]) && Number.isFinite(c[1]) &&
    Math.abs(c[1]) <= 90 && Math.abs(c[0]) <= 180;
}

// shapeOf builds the Leaflet path of one zone feature, or null.
function shapeOf(f, renderer) {
  const g = f.geometry || {};
  const p = f.properties || {};
  const kind = zoneKind(p.kind);
  const base = { renderer, color: kind.color, weight: 2, opacity: 0.9, fillColor: kind.color, fillOpacity: 0.14 };
  try {
    switch (g.type) {
      case 'Polygon':
      case 'MultiPolygon': {
        const lls = Lf.GeoJSON.coordsToLatLngs(g.coordinates, g.type === 'Polygon' ? 1 : 2);
        return { shape: 'area', layer: Lf.polygon(lls, base) };
      }
      case 'Point':
        if (!validLatLng(g.coordinates) || num(p.radius_m) <= 0) return null;
        return { shape: 'area', layer: Lf.circle(Lf.GeoJSON.coordsToLatLng(g.coordinates), { ...base, radius: num(p.radius_m) }) };
      case 'LineString': {
        const lls = Lf.GeoJSON.coordsToLatLngs(g.coordinates, 0);
        if (p.kind === 'border') {
          return { shape: 'line', layer: Lf.polyline(lls, { ...base, weight: 3, dashArray: '10 7', lineCap: 'butt' }) };
        }
        if (num(p.buffer_m) <= 0) return { shape: 'line', layer: Lf.polyline(lls, { ...base, weight: 3 }) };
        return { shape: 'band', layer: Lf.polyline(lls, { ...base, opacity: 0.35, lineJoin: 'round' }) };
      }
    }
  } catch (_) { /* malformed coordinates: not drawn */ }
  return null;
}

export class ZoneLayer {
  // map: the Leaflet map. The zones get their own pane above the waterways
  // and under the vessels, and an SVG renderer holding the hatch pattern.
  constructor(map) {
    this.map = map;
    map.createPane('zones').style.zIndex = '420';
    this.renderer = Lf.svg({ pane: 'zones', padding: 0.5 });
    map.addLayer(this.renderer);
    this._defineHatch(map.getPane('zones').querySelector('svg'));
    this.group = Lf.layerGroup().addTo(map);
    this.items = new Map(); // id -> {props, layer, shape, tipBan, banned}
    this.bans = new Map(); // id -> ban
    this.onPick = null; // set by the ban editor while it picks zones
    map.on('zoomend', () => this._scaleBands());
    setInterval(() => this._restyle(), 30000); // bans start and end with time
  }

  _defineHatch(root) {
    const pattern = svg('pattern', {
      id: HATCH, patternUnits: 'userSpaceOnUse', width: '9', height: '9', patternTransform: 'rotate(45)',
    },
    svg('rect', { width: '9', height: '9', fill: '#fee2e2', 'fill-opacity': '0.35' }),
    svg('line', { x1: '0', y1: '0', x2: '0', y2: '9', stroke: '#b91c1c', 'stroke-width': '3.5', 'stroke-opacity': '0.8' }));
    root.prepend(svg('defs', null, pattern));
  }

  // setZones replaces every zone with those of a FeatureCollection.
  setZones(fc) {
    this.group.clearLayers();
    this.items.clear();
    const features = fc && Array.isArray(fc.features) ? fc.features.slice(0, MAX_ZONES) : [];
    for (const f of features) {
      if (!f || typeof f !== 'object') continue;
      const props = f.properties || {};
      const id = typeof props.id === 'string' && props.id ? props.id : (typeof f.id === 'string' ? f.id : '');
      if (!id || this.items.has(id)) continue;
      const made = shapeOf(f, this.renderer);
      if (!made) continue;
      const kind = zoneKind(props.kind);
      const tipBan = el('span', { class: 'ztip-ban' });
      const tip = el('span', { class: 'wtip' },
        el('strong', null, clip(props.name_zh, 40) || clip(props.name, 60) || clip(id, 64)),
        props.name_zh && props.name ? el('span', { class: 'wtip-en' }, clip(props.name, 60)) : null,
        el('span', { class: 'wtip-kind' }, kind.label),
        tipBan);
      made.layer.bindTooltip(tip, { sticky: true, direction: 'top', className: 'water-tip' });
      made.layer.on('click', () => { if (this.onPick) this.onPick(id); });
      made.layer.addTo(this.group);
      const path = made.layer.getElement();
      path.classList.add('zone', `zone-${kind.key}`, `zone-${made.shape}`);
      path.dataset.zone = id;
      path.dataset.kind = kind.key;
      this.items.set(id, { props, layer: made.layer, shape: made.shape, tipBan, banned: null });
    }
    this._scaleBands();
    this._restyle();
    document.body.dataset.zones = String(this.items.size);
  }

  // name is the display name of a zone id, '' if unknown.
  name(id) {
    const z = this.items.get(id);
    if (!z) return '';
    const zh = clip(z.props.name_zh, 40);
    const en = clip(z.props.name, 60);
    return zh && en ? `${zh} ${en}` : zh || en || clip(id, 64);
  }

  // list is every zone as [id, props], in id order.
  list() {
    return [...this.items].map(([id, z]) => [id, z.props]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  // markPicked outlines the zones in ids (the ban editor's choice).
  markPicked(ids) {
    for (const [id, z] of this.items) {
      const el = z.layer.getElement();
      if (el) el.classList.toggle('zone-picked', ids.has(id));
    }
  }

  // setBans replaces the bans; upsertBan files one set or lifted ban.
  setBans(list) {
    this.bans.clear();
    for (const b of Array.isArray(list) ? list.slice(0, MAX_ZONES) : []) this._putBan(b);
    this._restyle();
  }

  upsertBan(b) {
    this._putBan(b);
    this._restyle();
  }

  _putBan(b) {
    if (b && typeof b.id === 'string' && Array.isArray(b.zone_ids)) this.bans.set(b.id, b);
  }

  // _restyle hatches the zones under a ban in force and outlines the rest
  // in their kind's colour.
  _restyle() {
    const now = Date.now();
    const under = new Map(); // zone id -> the ban in force on it
    for (const b of this.bans.values()) {
      if (!banActive(b, now)) continue;
      for (const id of b.zone_ids) if (!under.has(id)) under.set(id, b);
    }
    let banned = 0;
    for (const [id, z] of this.items) {
      const ban = under.get(id) || null;
      if (ban) banned++;
      if (z.banned === ban) continue;
      z.banned = ban;
      const color = zoneKind(z.props.kind).color;
      if (z.shape === 'band') z.layer.setStyle({ color: ban ? `url(#${HATCH})` : color, opacity: ban ? 1 : 0.35 });
      else if (z.shape === 'area') z.layer.setStyle({ fillColor: ban ? `url(#${HATCH})` : color, fillOpacity: ban ? 1 : 0.14, weight: ban ? 3 : 2, dashArray: ban ? '8 4' : null });
      else z.layer.setStyle({ weight: ban ? 5 : 3 });
      z.layer.getElement().classList.toggle('zone-banned', !!ban);
      setText(z.tipBan, ban ? this._banText(ban) : '');
    }
    document.body.dataset.bannedZones = String(banned);
  }

  _banText(b) {
    const until = parseTime(b.until);
    return `${BAN_KIND[b.kind] || L('禁航 Ban')} · ${BAN_REASON[b.reason] || clip(b.reason, 16)}` +
      (until && !b.yearly ? ` · 至 until ${shortTime(until)} ${zoneLabel()}` : '');
  }

  // _scaleBands keeps each buffered line as wide on the map as its buffer.
  _scaleBands() {
    const zoom = this.map.getZoom();
    for (const z of this.items.values()) {
      if (z.shape !== 'band') continue;
      const lat = z.layer.getBounds().getCenter().lat;
      const mPerPx = EARTH * Math.cos(lat * Math.PI / 180) / 2 ** (zoom + 8);
      z.layer.setStyle({ weight: Math.min(400, Math.max(4, 2 * num(z.props.buffer_m) / mPerPx)) });
    }
  }
}

// zoneLegend is the map control naming each kind's colour.
export function zoneLegend() {
  const box = el('div', { class: 'zone-legend', 'aria-label': '区域图例 Zone legend' },
    el('div', { class: 'zone-legend-title' }, L('区域 Zones')));
  for (const k of ZONE_KINDS) {
    const sw = el('span', { class: `zone-swatch zs-${k.key}`, 'aria-hidden': 'true' });
    sw.style.borderColor = k.color;
    if (k.key !== 'border') sw.style.backgroundColor = k.color;
    box.append(el('div', { class: 'zone-legend-item', dataset: { kind: k.key } }, sw, k.label));
  }
  box.append(el('div', { class: 'zone-legend-item', dataset: { kind: 'banned' } },
    el('span', { class: 'zone-swatch zs-banned', 'aria-hidden': 'true' }), L('禁航中 Under ban')));
  const ctl = Lf.control({ position: 'bottomright' });
  ctl.onAdd = () => {
    Lf.DomEvent.disableClickPropagation(box);
    return box;
  };
  return ctl;
}
