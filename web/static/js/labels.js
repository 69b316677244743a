import { localize, L } from './i18n.js';

// Chinese + English text for AIS codes (ITU-R M.1371 tables, Inland AIS),
// and the ship-type categories that colour the map.

export const NAV_STATUS = [
  '在航（使用发动机） Under way using engine',
  '锚泊 At anchor',
  '失控 Not under command',
  '操纵能力受限 Restricted manoeuvrability',
  '吃水受限 Constrained by draught',
  '系泊 Moored',
  '搁浅 Aground',
  '从事捕捞 Engaged in fishing',
  '在航（帆船） Under way sailing',
  '保留（高速船） Reserved (HSC)',
  '保留（地效翼船） Reserved (WIG)',
  '机动船尾拖 Power-driven vessel towing astern',
  '机动船顶推或旁拖 Power-driven vessel pushing ahead or towing alongside',
  '保留 Reserved',
  'AIS-SART / MOB / EPIRB 启动 Active',
  '未定义 Not defined',
];

// navStatus is the text of a navigational status code.
export function navStatus(n) {
  return Number.isInteger(n) && n >= 0 && n < NAV_STATUS.length ? `${n} ${NAV_STATUS[n]}` : '—';
}

const SHIP_TYPE_EXACT = {
  0: '未知 Not available',
  30: '捕捞 Fishing',
  31: '拖带 Towing',
  32: '拖带（长 >200 m 或宽 >25 m） Towing, large',
  33: '疏浚或水下作业 Dredging or underwater ops',
  34: '潜水作业 Diving ops',
  35: '军事行动 Military ops',
  36: '帆船 Sailing',
  37: '游艇 Pleasure craft',
  50: '引航船 Pilot vessel',
  51: '搜救船 Search and rescue vessel',
  52: '拖轮 Tug',
  53: '港口供应船 Port tender',
  54: '防污染船 Anti-pollution equipment',
  55: '执法船 Law enforcement',
  56: '备用（地方） Spare, local use',
  57: '备用（地方） Spare, local use',
  58: '医疗运输 Medical transport',
  59: '非战斗船舶 Noncombatant ship',
};

const SHIP_TYPE_DECADE = {
  2: '地效翼船 Wing in ground',
  4: '高速船 High-speed craft',
  6: '客船 Passenger',
  7: '货船 Cargo',
  8: '油船 / 液货船 Tanker',
  9: '其他 Other type',
};

const HAZARD = { 1: 'A', 2: 'B', 3: 'C', 4: 'D' };

// shipType is the text of an ITU ship type number.
export function shipType(t) {
  if (!Number.isInteger(t) || t < 0 || t > 255) return '—';
  if (t in SHIP_TYPE_EXACT) return `${t} ${SHIP_TYPE_EXACT[t]}`;
  const decade = Math.floor(t / 10);
  const unit = t % 10;
  if (decade in SHIP_TYPE_DECADE) {
    let s = `${t} ${SHIP_TYPE_DECADE[decade]}`;
    if (unit in HAZARD) s += `，危险品 ${HAZARD[unit]} 类 hazardous cat. ${HAZARD[unit]}`;
    else if (unit >= 5 && unit <= 8) s += '（保留 reserved）';
    return L(s);
  }
  return L(`${t} 保留 Reserved`);
}

// Categories colour the markers; the keys are CSS class suffixes.
export const CATEGORIES = [
  { key: 'passenger', label: '客船 Passenger' },
  { key: 'cargo', label: '货船 Cargo' },
  { key: 'tanker', label: '油船 Tanker' },
  { key: 'fishing', label: '渔船 Fishing' },
  { key: 'tug', label: '拖轮/特种 Tug/special' },
  { key: 'pleasure', label: '游艇/帆船 Pleasure/sailing' },
  { key: 'other', label: '其他/未知 Other/unknown' },
];

// category maps a ship type to a CATEGORIES key.
export function category(t) {
  if (t >= 60 && t <= 69) return 'passenger';
  if (t >= 70 && t <= 79) return 'cargo';
  if (t >= 80 && t <= 89) return 'tanker';
  if (t === 30) return 'fishing';
  if (t === 31 || t === 32 || (t >= 50 && t <= 59)) return 'tug';
  if (t === 36 || t === 37) return 'pleasure';
  return 'other';
}

export const CLASS_TEXT = {
  A: 'A 类 Class A',
  B: 'B 类 Class B',
  base: '基站 Base station',
  aton: '助航标志 AtoN',
  sar: '搜救航空器 SAR aircraft',
  '': '未知 Unknown',
};

export const FLAG_TEXT = {
  invalid_mmsi: 'MMSI 无效 Invalid MMSI',
  position_jump: '位置跳变 Position jump',
  position_unavailable: '位置不可用 Position unavailable',
};

// Inland AIS ERI ship types we name; others show the number only.
const ERI_TYPE = {
  8000: '类型未知 Vessel, type unknown',
  8010: '机动货船 Motor freighter',
  8020: '机动油船 Motor tanker',
  8030: '集装箱船 Container vessel',
  8040: '液化气船 Gas tanker',
  8400: '拖轮 Tug, single',
  8440: '客船 Passenger ship',
  8441: '渡船 Ferry',
  8480: '渔船 Fishing boat',
  8490: '加油船 Bunker ship',
};

// eriType is the text of an Inland AIS ERI ship type.
export function eriType(n) {
  if (!Number.isInteger(n) || n <= 0) return '—';
  return ERI_TYPE[n] ? `${n} ${ERI_TYPE[n]}` : String(n);
}

// cones is the text of the Inland AIS hazardous cargo field.
export function cones(n) {
  if (!Number.isInteger(n)) return '—';
  if (n >= 0 && n <= 3) return L(`${n} 个蓝锥 blue cone${n === 1 ? '' : 's'}`);
  if (n === 4) return L('B 旗 B-flag');
  return L('未知 Unknown');
}

export const LOADED_TEXT = { loaded: '满载 Loaded', unloaded: '空载 Unloaded' };

// Waterway feature kinds.
export const WATERWAY_KIND = {
  river: '河流 River',
  lake: '湖泊 Lake',
  quay: '码头 Quay',
  ferry_crossing: '渡口 Ferry crossing',
  bridge: '桥梁 Bridge',
  rescue_station: '水上救助站 Rescue station',
};

for (const t of [NAV_STATUS, SHIP_TYPE_EXACT, SHIP_TYPE_DECADE, CATEGORIES, CLASS_TEXT, FLAG_TEXT, ERI_TYPE, LOADED_TEXT, WATERWAY_KIND]) localize(t);
