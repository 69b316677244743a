package zones

import "strconv"

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
func (e *Engine) alert(kind AlertKind, sev Severity, s *vstate, z *Zone, vals Figures) Alert {
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
// and rendered as text by every client. Both messages are written into the
// engine's buffer and made one string, of which each is a part: one
// allocation per alert sent.
func (e *Engine) describe(a *Alert) {
	b := e.appendMessage(e.msgBuf[:0], a, 0)
	split := len(b)
	b = e.appendMessage(b, a, 1)
	msg := string(b)
	a.MessageZH, a.MessageEN = msg[:split], msg[split:]
	e.msgBuf = b
}

// Each language's words around the parts of a message.
var (
	msgVessel = [2]string{"：船舶 ", ": vessel "}
	msgAnd    = [2]string{" 与 ", " and "}
	msgSep    = [2]string{"，", ", "}
)

// appendMessage appends a's message in language lang (0 Chinese, 1
// English).
func (e *Engine) appendMessage(b []byte, a *Alert, lang int) []byte {
	b = append(b, kindNames[a.Kind][lang]...)
	b = append(b, msgVessel[lang]...)
	b = e.appendWho(b, a.MMSI)
	if a.OtherMMSI != 0 {
		b = append(b, msgAnd[lang]...)
		b = e.appendWho(b, a.OtherMMSI)
	}
	if z, ok := e.zone(a.ZoneID); ok {
		name := z.NameZH
		if lang == 1 {
			name = z.Name
		}
		if name == "" {
			name = z.ID
		}
		b = append(b, msgSep[lang]...)
		b = append(b, name...)
	}
	if a.Values.Len() > 0 {
		b = appendDetail(b, &a.Values, lang, true)
	}
	return b
}

// appendWho appends a vessel's name and MMSI, or its MMSI.
func (e *Engine) appendWho(b []byte, mmsi uint32) []byte {
	s := e.vs.get(mmsi)
	if s == nil || s.name == "" {
		return strconv.AppendUint(b, uint64(mmsi), 10)
	}
	b = append(b, s.name...)
	b = append(b, " ("...)
	b = strconv.AppendUint(b, uint64(mmsi), 10)
	return append(b, ')')
}

// figureText is how a figure is written in one language: the value with
// prec decimals between pre and post.
type figureText struct {
	pre, post string
	prec      int
}

// details are the figures that explain an alert, each with its text in
// Chinese and English, in the order they are written.
var details = []struct {
	key  string
	text [2]figureText // none for source, written from distressSources
}{
	{"source", [2]figureText{}},
	{"sog_kn", [2]figureText{{"航速 ", " 节", 1}, {"", " kn", 1}}},
	{"limit_kn", [2]figureText{{"限速 ", " 节", 1}, {"limit ", " kn", 1}}},
	{"cpa_m", [2]figureText{{"最近会遇距离 ", " 米", 0}, {"CPA ", " m", 0}}},
	{"tcpa_s", [2]figureText{{"", " 秒后", 0}, {"TCPA ", " s", 0}}},
	{"distance_m", [2]figureText{{"距离 ", " 米", 0}, {"distance ", " m", 0}}},
	{"persons", [2]figureText{{"船上 ", " 人", 0}, {"", " persons on board", 0}}},
	{"capacity", [2]figureText{{"核定 ", " 人", 0}, {"capacity ", "", 0}}},
	{"gap_s", [2]figureText{{"已 ", " 秒无信号", 0}, {"silent ", " s", 0}}},
	{"hours", [2]figureText{{"已 ", " 小时未见", 0}, {"unseen ", " h", 0}}},
	{"minutes", [2]figureText{{"已 ", " 分钟", 0}, {"for ", " min", 0}}},
}

// distressSources name what sent a distress (Values["source"]).
var distressSources = map[float64][2]string{
	1: {"AIS搜救应答器（SART）", "AIS-SART"},
	2: {"落水人员示位标（MOB）", "man overboard (MOB)"},
	3: {"应急无线电示位标（EPIRB）", "EPIRB-AIS"},
	4: {"船舶报告遇险状态", "vessel reports distress (status 14)"},
}

// appendDetail appends the figures of vals in language lang, each after
// the language's separator (sep), or the first without it.
func appendDetail(b []byte, vals *Figures, lang int, sep bool) []byte {
	first := !sep
	for i := range details {
		d := &details[i]
		v, ok := vals.Get(d.key)
		if !ok {
			continue
		}
		if d.key == "source" {
			n, ok := distressSources[v]
			if !ok {
				continue
			}
			if !first {
				b = append(b, msgSep[lang]...)
			}
			b, first = append(b, n[lang]...), false
			continue
		}
		if !first {
			b = append(b, msgSep[lang]...)
		}
		t := &d.text[lang]
		b = append(b, t.pre...)
		b = strconv.AppendFloat(b, v, 'f', t.prec, 64)
		b, first = append(b, t.post...), false
	}
	return b
}
