// GCJ-02, the offset coordinates Chinese web maps (AutoNavi/Gaode,
// Tencent, Tianditu's GCJ-02 styles, Google's China tiles) are drawn in: a
// WGS-84 position shifted by a few hundred metres, by the published
// formula of the "Mars coordinates". AIS positions are WGS-84, so on such
// tiles the board shifts every position it draws (vessels, tracks, rivers,
// zones) with toGCJ02, and shifts a click on the map back with fromGCJ02
// before using it. Only the display moves: the API and alerts stay WGS-84.
// Outside China's box the two coincide, as GCJ-02 defines.

const A = 6378245.0; // Krasovsky 1940 semi-major axis, as the formula uses
const EE = 0.00669342162296594323; // its first eccentricity squared

export function outOfChina(lat, lon) {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function dLat(x, y) {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function dLon(x, y) {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

// offset is the GCJ-02 shift [dlat, dlon] in degrees at a WGS-84 position.
function offset(lat, lon) {
  const rad = (lat / 180) * Math.PI;
  const s = Math.sin(rad);
  const m = 1 - EE * s * s;
  const sm = Math.sqrt(m);
  return [
    (dLat(lon - 105, lat - 35) * 180) / (((A * (1 - EE)) / (m * sm)) * Math.PI),
    (dLon(lon - 105, lat - 35) * 180) / ((A / sm) * Math.cos(rad) * Math.PI),
  ];
}

// toGCJ02 returns [lat, lon] in GCJ-02 for a WGS-84 position.
export function toGCJ02(lat, lon) {
  if (outOfChina(lat, lon)) return [lat, lon];
  const [a, b] = offset(lat, lon);
  return [lat + a, lon + b];
}

// fromGCJ02 returns the WGS-84 [lat, lon] that toGCJ02 maps to the given
// GCJ-02 position, by fixed-point iteration (the shift varies slowly: a
// few rounds reach well under a millimetre).
export function fromGCJ02(lat, lon) {
  if (outOfChina(lat, lon)) return [lat, lon];
  let w = [lat, lon];
  for (let i = 0; i < 10; i++) {
    const g = toGCJ02(w[0], w[1]);
    const e = [g[0] - lat, g[1] - lon];
    w = [w[0] - e[0], w[1] - e[1]];
    if (Math.abs(e[0]) < 1e-10 && Math.abs(e[1]) < 1e-10) break;
  }
  return w;
}

// shifter is what the board calls on every position it draws: toGCJ02
// when its tiles are GCJ-02 (config tile_gcj02), else the identity.
export function shifter(gcj02) {
  if (!gcj02) return { show: (lat, lon) => [lat, lon], unshow: (lat, lon) => [lat, lon] };
  return { show: toGCJ02, unshow: fromGCJ02 };
}

// gcj02CRS is Leaflet's Web Mercator seen through the GCJ-02 shift. A map
// made with it (Lf.map(el, {crs: gcj02CRS(window.L)})) draws every WGS-84
// layer (vessels, tracks, rivers, zones) where GCJ-02 tiles show that
// place, and reads clicks back as WGS-84, without any layer shifting
// anything itself; the tiles are fetched by the same z/x/y as ever.
export function gcj02CRS(Lf) {
  const base = Lf.Projection.SphericalMercator;
  const projection = {
    R: base.R,
    bounds: base.bounds,
    project(ll) {
      const [lat, lon] = toGCJ02(ll.lat, ll.lng);
      return base.project(Lf.latLng(lat, lon));
    },
    unproject(p) {
      const ll = base.unproject(p);
      const [lat, lon] = fromGCJ02(ll.lat, ll.lng);
      return Lf.latLng(lat, lon);
    },
  };
  return Lf.extend({}, Lf.CRS.EPSG3857, { code: 'EPSG:3857-GCJ02', projection });
}
