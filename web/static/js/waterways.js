// The waterway layer: rivers as blue lines, lakes as blue polygons, and
// quays, ferry crossings, bridges and rescue stations as small markers. It
// is drawn without any tile server.

import { el } from './dom.js';
import { clip } from './format.js';
import { WATERWAY_KIND } from './labels.js';

const L = window.L;
const POINT_KINDS = new Set(['quay', 'ferry_crossing', 'bridge', 'rescue_station']);

function tip(props) {
  const zh = clip(props.name_zh, 40);
  const en = clip(props.name_en, 60);
  const kind = WATERWAY_KIND[props.kind] || '';
  return el('span', { class: 'wtip' },
    el('strong', null, zh || en || kind),
    zh && en ? el('span', { class: 'wtip-en' }, en) : null,
    kind ? el('span', { class: 'wtip-kind' }, kind) : null);
}

function style(feature) {
  const kind = (feature.properties || {}).kind;
  if (kind === 'lake') {
    return { className: 'waterway-lake', color: '#3b7fc4', weight: 1, fillColor: '#9cc3ea', fillOpacity: 0.7 };
  }
  return { className: `waterway-${kind === 'river' ? 'river' : 'line'}`, color: '#3b7fc4', weight: 3, opacity: 0.9 };
}

// waterwayLayer builds the layer from a GeoJSON FeatureCollection.
export function waterwayLayer(geojson) {
  return L.geoJSON(geojson, {
    style,
    pointToLayer(feature, latlng) {
      const kind = (feature.properties || {}).kind;
      const k = POINT_KINDS.has(kind) ? kind : 'other';
      const size = k === 'rescue_station' ? 18 : 12;
      const icon = L.divIcon({
        className: `wp wp-${k}`, html: el('span', { class: 'wp-mark' }),
        iconSize: [size, size], iconAnchor: [size / 2, size / 2],
      });
      return L.marker(latlng, { icon, pane: 'waterPoints', keyboard: false, title: '' });
    },
    onEachFeature(feature, layer) {
      const props = feature.properties || {};
      const sticky = !(layer instanceof L.Marker);
      layer.bindTooltip(tip(props), { sticky, direction: 'top', className: 'water-tip' });
    },
  });
}
