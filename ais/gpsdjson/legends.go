package gpsdjson

// Text legends gpsd puts beside coded values ("status_text", "epfd_text",
// ...). They must read exactly as gpsd prints them for output to be
// interchangeable, so they follow gpsd's gpsd/gpsd_json.c (BSD-2-Clause,
// Copyright the GPSD project contributors), whose wording in turn follows
// ITU-R M.1371 and, for inland ship types, the ERI code table of the UNECE
// Inland AIS standard.

var navStatusText = [16]string{
	"Under way using engine",
	"At anchor",
	"Not under command",
	"Restricted maneuverability",
	"Constrained by her draught",
	"Moored",
	"Aground",
	"Engaged in fishing",
	"Under way sailing",
	"Reserved for HSC",
	"Reserved for WIG",
	"Power-driven vessel towing astern",
	"Power-driven vessel pushing ahead or towing alongside",
	"Reserved",
	"AIS-SART is active",
	"Not defined",
}

var epfdText = [16]string{
	"Undefined", "GPS", "GLONASS", "Combined GPS/GLONASS", "Loran-C",
	"Chayka", "Integrated navigation system", "Surveyed", "Galileo",
	"Reserved (9)", "Reserved (10)", "Reserved (11)", "Reserved (12)",
	"Reserved (13)", "Reserved (14)", "Internal GNSS",
}

func epfdLegend(n int) string {
	if n >= 0 && n < len(epfdText) {
		return epfdText[n]
	}
	return "INVALID EPFD"
}

// shipTypeText is built from the ITU ship type structure: decades 20, 40,
// 60..90 share a pattern of hazard categories.
var shipTypeText = func() (t [100]string) {
	const reserved = "Reserved for future use"
	t[0] = "Not available"
	for i := 1; i < 20; i++ {
		t[i] = reserved
	}
	decade := func(base int, prefix string, last string) {
		t[base] = prefix + "all ships of this type"
		for i, c := range []string{"A", "B", "C", "D"} {
			t[base+1+i] = prefix + "Hazardous category " + c
		}
		for i := base + 5; i < base+9; i++ {
			t[i] = prefix + reserved
		}
		t[base+9] = prefix + last
	}
	decade(20, "Wing in ground (WIG) - ", reserved)
	decade(40, "High speed craft (HSC) - ", "No additional information")
	decade(60, "Passenger - ", "No additional information")
	decade(70, "Cargo - ", "No additional information")
	decade(80, "Tanker - ", "No additional information")
	decade(90, "Other Type - ", "no additional information")
	copy(t[30:40], []string{"Fishing", "Towing",
		"Towing: length exceeds 200m or breadth exceeds 25m",
		"Dredging or underwater ops", "Diving ops", "Military ops", "Sailing",
		"Pleasure Craft", "Reserved", "Reserved"})
	copy(t[50:60], []string{"Pilot Vessel", "Search and Rescue vessel", "Tug",
		"Port Tender", "Anti-pollution equipment", "Law Enforcement",
		"Spare - Local Vessel", "Spare - Local Vessel", "Medical Transport",
		"Ship according to RR Resolution No. 18"})
	return t
}()

func shipTypeLegend(n int) string {
	if n >= 0 && n < len(shipTypeText) {
		return shipTypeText[n]
	}
	return "INVALID SHIP TYPE"
}

var stationTypeText = [16]string{
	"All types of mobiles",
	"Reserved for future use",
	"All types of Class B mobile stations",
	"SAR airborne mobile station",
	"Aid to Navigation station",
	"Class B shipborne mobile station",
	"Regional use and inland waterways",
	"Regional use and inland waterways",
	"Regional use and inland waterways",
	"Regional use and inland waterways",
	"Reserved for future use", "Reserved for future use",
	"Reserved for future use", "Reserved for future use",
	"Reserved for future use", "Reserved for future use",
}

var navaidTypeText = [32]string{
	"Unspecified", "Reference point", "RACON", "Fixed offshore structure",
	"Spare, Reserved for future use.", "Light, without sectors",
	"Light, with sectors", "Leading Light Front", "Leading Light Rear",
	"Beacon, Cardinal N", "Beacon, Cardinal E", "Beacon, Cardinal S",
	"Beacon, Cardinal W", "Beacon, Port hand", "Beacon, Starboard hand",
	"Beacon, Preferred Channel port hand",
	"Beacon, Preferred Channel starboard hand", "Beacon, Isolated danger",
	"Beacon, Safe water", "Beacon, Special mark", "Cardinal Mark N",
	"Cardinal Mark E", "Cardinal Mark S", "Cardinal Mark W", "Port hand Mark",
	"Starboard hand Mark", "Preferred Channel Port hand",
	"Preferred Channel Starboard hand", "Isolated danger", "Safe Water",
	"Special Mark", "Light Vessel / LANBY / Rigs",
}

var hazardText = [6]string{
	"0 blue cones/lights", "1 blue cone/light", "2 blue cones/lights",
	"3 blue cones/lights", "4 B-Flag", "Unknown",
}

func hazardLegend(n int) string {
	if n >= 0 && n < len(hazardText) {
		return hazardText[n]
	}
	return "INVALID HAZARD TYPE"
}

// loadedText is gpsd's legend, which has 1 and 2 the other way round from
// the Inland AIS standard (1 = loaded); see ais/inland.go.
var loadedText = [3]string{"N/A (default)", "Unloaded", "Loaded"}

func loadedLegend(n int) string {
	if n >= 0 && n < len(loadedText) {
		return loadedText[n]
	}
	return "INVALID LOAD STATUS"
}

// eriTypes is the ERI ship or convoy type table with the ITU ship type each
// maps to; gpsd matches a value against either column.
var eriTypes = [...]struct {
	code, itu int
	text      string
}{
	{8000, 99, "Vessel, type unknown"},
	{8010, 79, "Motor freighter"},
	{8020, 89, "Motor tanker"},
	{8021, 80, "Motor tanker, liquid cargo, type N"},
	{8022, 80, "Motor tanker, liquid cargo, type C"},
	{8023, 89, "Motor tanker, dry cargo as if liquid (e.g. cement)"},
	{8030, 79, "Container vessel"},
	{8040, 80, "Gas tanker"},
	{8050, 79, "Motor freighter, tug"},
	{8060, 89, "Motor tanker, tug"},
	{8070, 79, "Motor freighter with one or more ships alongside"},
	{8080, 89, "Motor freighter with tanker"},
	{8090, 79, "Motor freighter pushing one or more freighters"},
	{8100, 89, "Motor freighter pushing at least one tank-ship"},
	{8110, 79, "Tug, freighter"},
	{8120, 89, "Tug, tanker"},
	{8130, 31, "Tug freighter, coupled"},
	{8140, 31, "Tug, freighter/tanker, coupled"},
	{8150, 99, "Freightbarge"},
	{8160, 99, "Tankbarge"},
	{8161, 90, "Tankbarge, liquid cargo, type N"},
	{8162, 90, "Tankbarge, liquid cargo, type C"},
	{8163, 99, "Tankbarge, dry cargo as if liquid (e.g. cement)"},
	{8170, 99, "Freightbarge with containers"},
	{8180, 90, "Tankbarge, gas"},
	{8210, 79, "Pushtow, one cargo barge"},
	{8220, 79, "Pushtow, two cargo barges"},
	{8230, 79, "Pushtow, three cargo barges"},
	{8240, 79, "Pushtow, four cargo barges"},
	{8250, 79, "Pushtow, five cargo barges"},
	{8260, 79, "Pushtow, six cargo barges"},
	{8270, 79, "Pushtow, seven cargo barges"},
	{8280, 79, "Pushtow, eight cargo barges"},
	{8290, 79, "Pushtow, nine or more barges"},
	{8310, 80, "Pushtow, one tank/gas barge"},
	{8320, 80, "Pushtow, two barges at least one tanker or gas barge"},
	{8330, 80, "Pushtow, three barges at least one tanker or gas barge"},
	{8340, 80, "Pushtow, four barges at least one tanker or gas barge"},
	{8350, 80, "Pushtow, five barges at least one tanker or gas barge"},
	{8360, 80, "Pushtow, six barges at least one tanker or gas barge"},
	{8370, 80, "Pushtow, seven barges at least one tanker or gas barg"},
}

func eriLegend(n int) string {
	for _, e := range eriTypes {
		if e.code == n || e.itu == n {
			return e.text
		}
	}
	return "Illegal ship type value."
}
