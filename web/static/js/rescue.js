// The nearest rescue station of each alert (GET /api/v1/alerts/{id}/rescue),
// fetched a few at a time and kept per alert and position, so a wall of
// alerts costs one request each.

import { getJSON, HTTPError } from './api.js';
import { clip, isNum } from './format.js';

const PARALLEL = 3;
const MAX_CACHED = 500;

export class RescueInfo {
  // onChange(id) runs when an alert's rescue data arrives.
  constructor(onChange) {
    this.onChange = onChange;
    this.cache = new Map(); // key -> {state: 'loading'|'ok'|'none', data}
    this.queue = [];
    this.running = 0;
  }

  static key(a) {
    const p = isNum(a.lat) && isNum(a.lon) ? `${a.lat.toFixed(3)},${a.lon.toFixed(3)}` : '';
    return `${a.id}@${p}`;
  }

  // get returns what is known of alert a's rescue ({state, data}), asking
  // for it when unknown.
  get(a) {
    const k = RescueInfo.key(a);
    let c = this.cache.get(k);
    if (!c) {
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value);
      c = { state: 'loading', data: null };
      this.cache.set(k, c);
      this.queue.push([k, a.id]);
      this._pump();
    }
    return c;
  }

  _pump() {
    while (this.running < PARALLEL && this.queue.length) {
      const [k, id] = this.queue.shift();
      this.running++;
      getJSON(`/api/v1/alerts/${encodeURIComponent(id)}/rescue`)
        .then((d) => this.cache.set(k, { state: 'ok', data: sanitize(d) }))
        .catch((err) => this.cache.set(k, { state: err instanceof HTTPError && err.status === 404 ? 'none' : 'error', data: null }))
        .finally(() => {
          this.running--;
          this.onChange(id);
          this._pump();
        });
    }
  }
}

// sanitize keeps the fields the board shows, bounded.
function sanitize(d) {
  const st = d && d.station && typeof d.station === 'object' ? d.station : {};
  const path = [];
  for (const p of Array.isArray(d && d.path) ? d.path.slice(0, 5000) : []) {
    if (Array.isArray(p) && isNum(p[0]) && isNum(p[1]) && Math.abs(p[1]) <= 90 && Math.abs(p[0]) <= 180) path.push([p[1], p[0]]);
  }
  return {
    station: {
      id: clip(st.id, 64), name: clip(st.name, 60), name_zh: clip(st.name_zh, 40),
      lat: isNum(st.lat) ? st.lat : null, lon: isNum(st.lon) ? st.lon : null,
    },
    distance_m: isNum(d.distance_m) ? d.distance_m : null,
    eta_s: isNum(d.eta_s) ? d.eta_s : null,
    boat_speed_kn: isNum(d.boat_speed_kn) ? d.boat_speed_kn : null,
    path,
    cameras: (Array.isArray(d.cameras) ? d.cameras.slice(0, 20) : []).map((c) => ({
      id: clip(c && c.id, 64), name: clip(c && c.name, 60), name_zh: clip(c && c.name_zh, 40),
      distance_m: c && isNum(c.distance_m) ? c.distance_m : null,
    })),
  };
}

// stationName is "九台水上救助站 Jiutai water rescue station", or the id.
export function stationName(st) {
  if (!st) return '';
  return st.name_zh && st.name ? `${st.name_zh} ${st.name}` : st.name_zh || st.name || st.id;
}
