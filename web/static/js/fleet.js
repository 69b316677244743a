// Fleet keeps the live vessel records and their map markers. A marker is
// created once per vessel and then moved, turned and restyled in place, so a
// few thousand vessels with frequent updates stay cheap.

import { el, svg, setText } from './dom.js';
import { clip, LIMIT, position, validHeading, validCOG } from './format.js';
import { category } from './labels.js';

const L = window.L;

// label is the short display name of a vessel: its name, else its MMSI.
export function label(v) {
  const n = clip(v.name, LIMIT.name);
  return n !== '' ? n : `MMSI ${v.mmsi}`;
}

// bearing is the direction the icon points: heading, else COG, else null.
export function bearing(v) {
  const h = validHeading(v.heading);
  if (h !== null) return h;
  return validCOG(v.cog);
}

function shapeOf(v, deg) {
  if (v.class === 'base') return 'base';
  if (v.class === 'aton') return 'aton';
  return deg === null ? 'dot' : 'arrow';
}

function buildShape(kind) {
  const s = svg('svg', { class: 'vessel-svg', viewBox: '-12 -12 24 24', 'aria-hidden': 'true' });
  switch (kind) {
    case 'arrow':
      s.append(svg('path', { class: 'hull', d: 'M0,-10.5 L6.5,8.5 L0,4.5 L-6.5,8.5 Z' }));
      break;
    case 'base':
      s.append(svg('rect', { class: 'hull', x: '-6', y: '-6', width: '12', height: '12' }));
      break;
    case 'aton':
      s.append(svg('path', { class: 'hull', d: 'M0,-8 L8,0 L0,8 L-8,0 Z' }));
      break;
    default:
      s.append(svg('circle', { class: 'hull', r: '5.5' }));
  }
  return s;
}

function classesOf(v, selected) {
  const c = ['vessel-marker', `cat-${category(v.ship_type)}`];
  if (v.class === 'B') c.push('cls-b');
  if (v.stale) c.push('stale');
  if (Array.isArray(v.flags) && v.flags.length > 0) c.push('flagged');
  if (selected) c.push('selected');
  return c.join(' ');
}

// VesselMarker skips Leaflet's per-move z-index update: with thousands of
// markers, restacking on every position report costs more than drawing.
const VesselMarker = L.Marker.extend({
  _setPos(pos) {
    L.DomUtil.setPosition(this._icon, pos);
  },
});

export class Fleet {
  // map: the Leaflet map; onSelect(mmsi) is called when a marker is clicked.
  constructor(map, onSelect) {
    this.map = map;
    this.onSelect = onSelect;
    this.records = new Map(); // mmsi -> {v, marker, root, shape, shapeKey, deg, cls}
    this.selected = null;
    this.version = 0; // bumped on every change, read by the list and counters
    this.hovered = null;
    this.tipText = el('span', { class: 'tip-text' });
    this.tip = L.tooltip({ direction: 'top', offset: [0, -10], className: 'vessel-tip' }).setContent(this.tipText);
    this._delegate();
  }

  get size() { return this.records.size; }

  get(mmsi) {
    const r = this.records.get(mmsi);
    return r ? r.v : null;
  }

  *vessels() {
    for (const r of this.records.values()) yield r.v;
  }

  // upsert stores v and moves or creates its marker.
  upsert(v) {
    if (!v || !Number.isInteger(v.mmsi)) return;
    if (v.lost) { this.remove(v.mmsi); return; }
    let r = this.records.get(v.mmsi);
    if (!r) {
      r = { v, marker: null };
      this.records.set(v.mmsi, r);
    }
    r.v = v;
    this.version++;
    const pos = position(v);
    if (!pos) {
      if (r.marker) { r.marker.remove(); r.marker = null; }
      if (this.hovered === v.mmsi) this._hideTip();
      return;
    }
    if (!r.marker) this._createMarker(r, pos);
    else {
      const cur = r.marker.getLatLng();
      if (cur.lat !== pos[0] || cur.lng !== pos[1]) r.marker.setLatLng(pos);
    }
    this._style(r);
  }

  // remove drops a vessel and its marker.
  remove(mmsi) {
    const r = this.records.get(mmsi);
    if (!r) return;
    if (r.marker) r.marker.remove();
    if (this.hovered === mmsi) this._hideTip();
    this.records.delete(mmsi);
    this.version++;
  }

  // replaceAll makes the fleet exactly list (a snapshot).
  replaceAll(list) {
    const keep = new Set();
    for (const v of list || []) {
      if (!v || !Number.isInteger(v.mmsi) || v.lost) continue;
      keep.add(v.mmsi);
      this.upsert(v);
    }
    for (const mmsi of [...this.records.keys()]) if (!keep.has(mmsi)) this.remove(mmsi);
  }

  // select highlights one vessel's marker (null clears).
  select(mmsi) {
    const prev = this.records.get(this.selected);
    this.selected = mmsi;
    if (prev) this._style(prev);
    const r = this.records.get(mmsi);
    if (r) this._style(r);
  }

  // latLng is the marker position of a vessel, or null.
  latLng(mmsi) {
    const r = this.records.get(mmsi);
    return r && r.marker ? r.marker.getLatLng() : null;
  }

  _createMarker(r, pos) {
    r.root = el('div', { class: 'vessel-marker', dataset: { mmsi: r.v.mmsi } });
    r.shapeKey = '';
    r.cls = '';
    r.deg = null;
    const icon = L.divIcon({ html: r.root, className: 'vessel-icon', iconSize: [24, 24], iconAnchor: [12, 12] });
    // Not interactive: one delegated listener on the pane serves every
    // marker, which keeps adding thousands of markers cheap.
    r.marker = new VesselMarker(pos, { icon, interactive: false, keyboard: false });
    r.marker.addTo(this.map);
  }

  // _delegate wires clicks and the shared hover tooltip for all markers.
  _delegate() {
    const pane = this.map.getPane('markerPane');
    const mmsiOf = (e) => {
      const icon = e.target.closest && e.target.closest('.vessel-icon');
      return icon && icon.firstElementChild ? Number(icon.firstElementChild.dataset.mmsi) : null;
    };
    L.DomEvent.on(pane, 'click', (e) => {
      const mmsi = mmsiOf(e);
      if (mmsi !== null) {
        L.DomEvent.stopPropagation(e);
        this.onSelect(mmsi, false);
      }
    });
    L.DomEvent.on(pane, 'mouseover', (e) => {
      const mmsi = mmsiOf(e);
      const r = mmsi !== null && this.records.get(mmsi);
      if (!r || !r.marker) return;
      setText(this.tipText, label(r.v));
      this.tip.setLatLng(r.marker.getLatLng());
      this.hovered = mmsi;
      this.map.openTooltip(this.tip);
    });
    L.DomEvent.on(pane, 'mouseout', (e) => {
      if (mmsiOf(e) !== null) this._hideTip();
    });
  }

  _hideTip() {
    this.hovered = null;
    this.map.closeTooltip(this.tip);
  }

  _style(r) {
    if (!r.marker) return;
    const v = r.v;
    const deg = bearing(v);
    const shape = shapeOf(v, deg);
    if (shape !== r.shapeKey) {
      if (r.shape) r.shape.remove();
      r.shape = buildShape(shape);
      r.root.append(r.shape);
      r.shapeKey = shape;
      r.deg = null;
    }
    const rot = shape === 'arrow' ? Math.round(deg) : 0;
    if (rot !== r.deg) {
      r.shape.style.transform = rot ? `rotate(${rot}deg)` : '';
      r.deg = rot;
      r.root.dataset.rot = String(rot);
    }
    const selected = this.selected === v.mmsi;
    const cls = classesOf(v, selected);
    if (cls !== r.cls) {
      r.root.className = cls;
      r.cls = cls;
      r.root.parentElement.style.zIndex = selected ? '1000' : '';
    }
    if (this.hovered === v.mmsi) {
      setText(this.tipText, label(v));
      this.tip.setLatLng(r.marker.getLatLng());
    }
  }
}
