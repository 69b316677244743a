// Fleet keeps the live vessel records and hands them to the canvas layer
// that draws them. Updates only mark the layer dirty: it redraws once per
// animation frame, however many reports arrive in between.

import { clip, LIMIT, position, validHeading, validCOG } from './format.js';
import { VesselCanvas } from './vesselcanvas.js';

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

export class Fleet {
  // map: the Leaflet map; onSelect(mmsi, centre) is called when a vessel
  // is clicked on the map.
  constructor(map, onSelect) {
    this.map = map;
    this.records = new Map(); // mmsi -> {v, lat, lon, deg, shape, x, y, vis, state}
    this.selected = null;
    this.version = 0; // bumped on every change, read by the list and counters
    this.alerting = new Set(); // MMSIs with an active alert
    this.override = null; // a replay: records drawn instead of the live ones
    const self = this;
    const src = {
      each: (fn) => { for (const r of (this.override || this.records).values()) fn(r); },
      alerting: (mmsi) => !this.override && this.alerting.has(mmsi),
      label,
      get selected() { return self.selected; },
    };
    this.layer = new VesselCanvas(src, onSelect).addTo(map);
  }

  get size() { return this.records.size; }

  get(mmsi) {
    const r = this.records.get(mmsi);
    return r ? r.v : null;
  }

  record(mmsi) { return this.records.get(mmsi) || null; }

  *vessels() {
    for (const r of this.records.values()) yield r.v;
  }

  // upsert stores v and redraws it at the next frame.
  upsert(v) {
    if (!v || !Number.isInteger(v.mmsi)) return;
    if (v.lost) { this.remove(v.mmsi); return; }
    let r = this.records.get(v.mmsi);
    if (!r) {
      r = {};
      this.records.set(v.mmsi, r);
    }
    fill(r, v);
    this.version++;
    this.layer.schedule();
  }

  remove(mmsi) {
    if (!this.records.delete(mmsi)) return;
    this.version++;
    this.layer.schedule();
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

  // setAlerting marks the vessels with an active alert.
  setAlerting(set) {
    this.alerting = set;
    this.layer.schedule();
  }

  // showReplay draws list (vessels as they were) instead of the live
  // fleet; null returns to live.
  showReplay(list) {
    if (!list) this.override = null;
    else {
      this.override = new Map();
      for (const v of list) {
        if (!v || !Number.isInteger(v.mmsi)) continue;
        const r = {};
        fill(r, v);
        this.override.set(v.mmsi, r);
      }
    }
    this.layer.schedule();
  }

  // select highlights one vessel (null clears).
  select(mmsi) {
    this.selected = mmsi;
    this.layer.schedule();
  }

  // latLng is the drawn position of a vessel, or null.
  latLng(mmsi) {
    const r = this.records.get(mmsi);
    return r && r.lat !== null ? window.L.latLng(r.lat, r.lon) : null;
  }

  // drawn is what the map shows of a vessel now, or null (see
  // VesselCanvas.info).
  drawn(mmsi) {
    return this.layer.info((this.override || this.records).get(mmsi));
  }
}

function fill(r, v) {
  r.v = v;
  const pos = position(v);
  r.lat = pos ? pos[0] : null;
  r.lon = pos ? pos[1] : null;
  const deg = bearing(v);
  r.shape = shapeOf(v, deg);
  r.deg = deg === null ? 0 : deg;
  if (!pos) r.vis = false;
}
