// Rivers names which river a position lies on: the nearest river line of
// the waterways within 3 km, or the lake polygon containing it. Answers are
// kept per ~500 m cell, so filtering and counting thousands of vessels
// stays cheap.

import { clip } from './format.js';

const NEAR = 3000; // m
const CELL = 0.005; // degrees
const MAX_CACHE = 50000;

export class Rivers {
  constructor() {
    this.lines = []; // {key, name, segs: [[lon1, lat1, lon2, lat2], ...]}
    this.lakes = []; // {key, name, rings}
    this.cache = new Map();
  }

  // load reads the rivers and lakes of a waterways FeatureCollection.
  load(fc) {
    this.lines = [];
    this.lakes = [];
    this.cache.clear();
    for (const f of fc && Array.isArray(fc.features) ? fc.features : []) {
      const p = (f && f.properties) || {};
      const g = (f && f.geometry) || {};
      const name = clip(p.name_zh, 40) && clip(p.name_en, 60) ? `${clip(p.name_zh, 40)} ${clip(p.name_en, 60)}` : clip(p.name_zh, 40) || clip(p.name_en, 60) || clip(p.id, 64);
      const key = clip(p.id, 64) || name;
      if (p.kind === 'river') {
        const parts = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
        const segs = [];
        for (const line of parts || []) {
          for (let i = 1; Array.isArray(line) && i < line.length; i++) segs.push([line[i - 1][0], line[i - 1][1], line[i][0], line[i][1]]);
        }
        if (segs.length) this.lines.push({ key, name, segs });
      } else if (p.kind === 'lake') {
        const rings = g.type === 'Polygon' ? [g.coordinates[0]] : g.type === 'MultiPolygon' ? g.coordinates.map((c) => c[0]) : [];
        if (rings.length) this.lakes.push({ key, name, rings });
      }
    }
  }

  // list is every river and lake as {key, name}.
  list() {
    return [...this.lines, ...this.lakes].map(({ key, name }) => ({ key, name }));
  }

  name(key) {
    const r = [...this.lines, ...this.lakes].find((x) => x.key === key);
    return r ? r.name : '';
  }

  // of is the key of the river or lake at (lat, lon), '' when none.
  of(lat, lon) {
    if (typeof lat !== 'number' || typeof lon !== 'number') return '';
    const ck = `${Math.round(lat / CELL)},${Math.round(lon / CELL)}`;
    const hit = this.cache.get(ck);
    if (hit !== undefined) return hit;
    const k = this._find(lat, lon);
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    this.cache.set(ck, k);
    return k;
  }

  _find(lat, lon) {
    for (const l of this.lakes) if (l.rings.some((r) => inside(r, lon, lat))) return l.key;
    const kx = 111320 * Math.cos(lat * Math.PI / 180);
    const ky = 110540;
    let best = '';
    let bd = NEAR * NEAR;
    for (const l of this.lines) {
      for (const [x1, y1, x2, y2] of l.segs) {
        const ax = (x1 - lon) * kx; const ay = (y1 - lat) * ky;
        const bx = (x2 - lon) * kx; const by = (y2 - lat) * ky;
        const dx = bx - ax; const dy = by - ay;
        const len = dx * dx + dy * dy;
        const t = len ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len)) : 0;
        const px = ax + t * dx; const py = ay + t * dy;
        const d = px * px + py * py;
        if (d < bd) { bd = d; best = l.key; }
      }
    }
    return best;
  }
}

function inside(ring, x, y) {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}
