package zones

import (
	"fmt"
	"strconv"
)

// kindNames are each alert kind's name in Chinese and English.
var kindNames = map[AlertKind][2]string{
	AlertZoneEntry:        {"进入区域", "zone entry"},
	AlertZoneExit:         {"离开区域", "zone exit"},
	AlertRestrictedEntry:  {"闯入禁航区", "restricted zone entry"},
	AlertBanViolation:     {"违反禁限航令", "navigation ban violation"},
	AlertSpeeding:         {"超速", "speeding"},
	AlertBorderApproach:   {"靠近国境线", "approaching the border"},
	AlertBorderCrossing:   {"越过国境线", "border crossing"},
	AlertBorderLoitering:  {"国境线附近徘徊", "loitering near the border"},
	AlertBridgeApproach:   {"高速驶近桥区", "fast approach to a bridge"},
	AlertFerryConflict:    {"渡口交会冲突", "ferry crossing conflict"},
	AlertCollisionRisk:    {"碰撞危险", "collision risk"},
	AlertAISGap:           {"AIS信号中断", "AIS signal lost under way"},
	AlertLongUnsupervised: {"长期脱管船舶", "long unsupervised vessel"},
	AlertGroundingSuspect: {"疑似搁浅", "suspected grounding"},
	AlertAnchorDrag:       {"走锚", "anchor dragging"},
	AlertOvercrowding:     {"超员", "overcrowding"},
	AlertDistress:         {"遇险求救", "distress"},
	AlertPositionJump:     {"位置跳变", "position jump"},
}

// KindName returns an alert kind's Chinese and English names.
func KindName(k AlertKind) (zh, en string) {
	n := kindNames[k]
	return n[0], n[1]
}

// alert builds the alert of an episode of kind for vessel s (and zone z,
// may be nil). Its message is written by describe when it is sent.
func (e *Engine) alert(kind AlertKind, sev Severity, s *vstate, z *Zone, vals map[string]float64) Alert {
	a := Alert{Kind: kind, Severity: sev, MMSI: s.mmsi, Lat: s.lat, Lon: s.lon, Values: vals}
	zoneID := ""
	if z != nil {
		zoneID = z.ID
		a.ZoneID = z.ID
	}
	a.Key = key(kind, s.mmsi, 0, zoneID)
	return a
}

// describe writes an alert's bilingual message from its kind, vessel,
// zone and figures. Vessel names are AIS text: they are quoted as data here
// and rendered as text by every client.
func (e *Engine) describe(a *Alert) {
	zh, en := KindName(a.Kind)
	who := func(mmsi uint32) string {
		w := strconv.FormatUint(uint64(mmsi), 10)
		if s := e.vs[mmsi]; s != nil && s.name != "" {
			w = s.name + " (" + w + ")"
		}
		return w
	}
	a.MessageZH, a.MessageEN = zh+"：船舶 "+who(a.MMSI), en+": vessel "+who(a.MMSI)
	if a.OtherMMSI != 0 {
		a.MessageZH += " 与 " + who(a.OtherMMSI)
		a.MessageEN += " and " + who(a.OtherMMSI)
	}
	if z, ok := e.zone(a.ZoneID); ok {
		zzh, zen := z.NameZH, z.Name
		if zzh == "" {
			zzh = z.ID
		}
		if zen == "" {
			zen = z.ID
		}
		a.MessageZH += "，" + zzh
		a.MessageEN += ", " + zen
	}
	if d := detail(a.Values); d != "" {
		a.MessageZH += "，" + d
		a.MessageEN += ", " + d
	}
}

// detail writes the figures that explain an alert, unit-labelled the same
// in both languages.
func detail(vals map[string]float64) string {
	out := ""
	add := func(s string) {
		if out != "" {
			out += " "
		}
		out += s
	}
	if v, ok := vals["sog_kn"]; ok {
		add(fmt.Sprintf("%.1f kn", v))
	}
	if v, ok := vals["limit_kn"]; ok {
		add(fmt.Sprintf("(limit %.1f kn)", v))
	}
	if v, ok := vals["cpa_m"]; ok {
		add(fmt.Sprintf("CPA %.0f m", v))
	}
	if v, ok := vals["tcpa_s"]; ok {
		add(fmt.Sprintf("TCPA %.0f s", v))
	}
	if v, ok := vals["distance_m"]; ok {
		add(fmt.Sprintf("%.0f m", v))
	}
	if v, ok := vals["persons"]; ok {
		add(fmt.Sprintf("%.0f/%.0f persons", v, vals["capacity"]))
	}
	if v, ok := vals["gap_s"]; ok {
		add(fmt.Sprintf("silent %.0f s", v))
	}
	if v, ok := vals["hours"]; ok {
		add(fmt.Sprintf("unseen %.0f h", v))
	}
	return out
}
