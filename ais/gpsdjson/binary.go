package gpsdjson

import (
	"math"
	"strconv"

	goais "github.com/BertoldVdb/go-ais"

	"github.com/riverwatch/riverwatch/ais"
)

// appendOther writes the message types that carry no position: binary,
// safety text, acknowledgements and base station commands.
func appendOther(dst []byte, m *ais.Message, scaled bool) []byte {
	switch p := m.Packet().(type) {
	case goais.AddressedBinaryMessage:
		dst = appendUint(dst, `,"seqno":`, uint64(p.SequenceNumber))
		dst = appendUint(dst, `,"dest_mmsi":`, uint64(p.DestinationID))
		dst = appendBool(dst, `,"retransmit":`, p.Retransmission)
		dst = appendUint(dst, `,"dac":`, uint64(p.ApplicationID.DesignatedAreaCode))
		dst = appendUint(dst, `,"fid":`, uint64(p.ApplicationID.FunctionIdentifier))
		return appendApplication(dst, m, p.BinaryData)
	case goais.BinaryBroadcastMessage:
		dst = appendUint(dst, `,"dac":`, uint64(p.ApplicationID.DesignatedAreaCode))
		dst = appendUint(dst, `,"fid":`, uint64(p.ApplicationID.FunctionIdentifier))
		return appendApplication(dst, m, p.BinaryData)
	case goais.BinaryAcknowledge:
		for i, k := range [4]string{`,"mmsi1":`, `,"mmsi2":`, `,"mmsi3":`, `,"mmsi4":`} {
			dst = appendUint(dst, k, uint64(p.Destinations[i].DestinationID))
		}
		return dst
	case goais.CoordinatedUTCInquiry:
		return appendUint(dst, `,"dest_mmsi":`, uint64(p.DestinationID))
	case goais.AddessedSafetyMessage:
		dst = appendUint(dst, `,"seqno":`, uint64(p.SequenceNumber))
		dst = appendUint(dst, `,"dest_mmsi":`, uint64(p.DestinationID))
		dst = appendBool(dst, `,"retransmit":`, p.Retransmission)
		return appendString(dst, `,"text":`, ais.CleanText(p.Text, 160))
	case goais.SafetyBroadcastMessage:
		return appendString(dst, `,"text":`, ais.CleanText(p.Text, 160))
	case goais.Interrogation:
		dst = appendUint(dst, `,"mmsi1":`, uint64(p.Station1Msg1.StationID))
		dst = appendUint(dst, `,"type1_1":`, uint64(p.Station1Msg1.MessageID))
		dst = appendUint(dst, `,"offset1_1":`, uint64(p.Station1Msg1.SlotOffset))
		dst = appendUint(dst, `,"type1_2":`, uint64(p.Station1Msg2.MessageID))
		dst = appendUint(dst, `,"offset1_2":`, uint64(p.Station1Msg2.SlotOffset))
		dst = appendUint(dst, `,"mmsi2":`, uint64(p.Station2.StationID))
		dst = appendUint(dst, `,"type2_1":`, uint64(p.Station2.MessageID))
		return appendUint(dst, `,"offset2_1":`, uint64(p.Station2.SlotOffset))
	case goais.AssignedModeCommand:
		c := &p.Commands
		dst = appendUint(dst, `,"mmsi1":`, uint64(c[0].DestinationID))
		dst = appendUint(dst, `,"offset1":`, uint64(c[0].Offset))
		dst = appendUint(dst, `,"increment1":`, uint64(c[0].Increment))
		dst = appendUint(dst, `,"mmsi2":`, uint64(c[1].DestinationID))
		dst = appendUint(dst, `,"offset2":`, uint64(c[1].Offset))
		return appendUint(dst, `,"increment2":`, uint64(c[1].Increment))
	case goais.GnssBroadcastBinaryMessage:
		if scaled {
			dst = appendFixed(append(dst, `,"lon":`...), coarse(p.Longitude), 600, 1)
			dst = appendFixed(append(dst, `,"lat":`...), coarse(p.Latitude), 600, 1)
		} else {
			dst = appendInt(dst, `,"lon":`, coarse(p.Longitude))
			dst = appendInt(dst, `,"lat":`, coarse(p.Latitude))
		}
		return appendData(dst, p.Data)
	case goais.DataLinkManagementMessage:
		keys := [4][4]string{
			{`,"offset1":`, `,"number1":`, `,"timeout1":`, `,"increment1":`},
			{`,"offset2":`, `,"number2":`, `,"timeout2":`, `,"increment2":`},
			{`,"offset3":`, `,"number3":`, `,"timeout3":`, `,"increment3":`},
			{`,"offset4":`, `,"number4":`, `,"timeout4":`, `,"increment4":`},
		}
		for i, d := range p.Data {
			dst = appendUint(dst, keys[i][0], uint64(d.Offset))
			dst = appendUint(dst, keys[i][1], uint64(d.NumberOfSlots))
			dst = appendUint(dst, keys[i][2], uint64(d.TimeOut))
			dst = appendUint(dst, keys[i][3], uint64(d.Increment))
		}
		return dst
	case goais.ChannelManagement:
		return appendType22(dst, &p, scaled)
	case goais.GroupAssignmentCommand:
		dst = appendArea(dst, p.Longitude1, p.Latitude1, p.Longitude2, p.Latitude2, scaled)
		dst = appendUint(dst, `,"stationtype":`, uint64(p.StationType))
		dst = appendString(dst, `,"stationtype_text":`, stationTypeText[p.StationType&15])
		dst = appendShipType(dst, p.ShipType)
		dst = appendUint(dst, `,"interval":`, uint64(p.ReportingInterval))
		return appendUint(dst, `,"quiet":`, uint64(p.QuietTime))
	case goais.SingleSlotBinaryMessage:
		return appendSlotBinary(dst, p.DestinationIDValid, p.ApplicationIDValid, p.DestinationID,
			p.Spare, p.ApplicationID, p.Payload, nil)
	case goais.MultiSlotBinaryMessage:
		var tailBuf [24]byte
		tail := appendBitsUint(tailBuf[:0], uint64(p.Spare2), 4)
		tail = appendBitsUint(tail, itdma(p.CommunicationStateItdma), 20)
		dst = appendSlotBinary(dst, p.DestinationIDValid, p.ApplicationIDValid, p.DestinationID,
			p.Spare1, p.ApplicationID, p.Payload, tail)
		return appendUint(dst, `,"radio":`, itdma(p.CommunicationStateItdma))
	}
	return dst
}

// appendApplication writes the application data of a type 6 or 8 message:
// named fields for the inland messages riverwatch decodes, else gpsd's
// "data":"<bits>:<hex>".
func appendApplication(dst []byte, m *ais.Message, bits []byte) []byte {
	if v := m.Inland; v != nil {
		dst = appendString(dst, `,"vin":`, ais.CleanText(v.ENI, 8))
		dst = appendInt(dst, `,"length":`, int64(math.Round(v.Length*10)))
		dst = appendInt(dst, `,"beam":`, int64(math.Round(v.Beam*10)))
		dst = appendInt(dst, `,"shiptype":`, int64(v.ERIType))
		dst = appendString(dst, `,"shiptype_text":`, eriLegend(v.ERIType))
		dst = appendInt(dst, `,"hazard":`, int64(v.HazardousCones))
		dst = appendString(dst, `,"hazard_text":`, hazardLegend(v.HazardousCones))
		dst = appendInt(dst, `,"draught":`, int64(math.Round(v.Draught*100)))
		dst = appendInt(dst, `,"loaded":`, int64(v.Loaded))
		dst = appendString(dst, `,"loaded_text":`, loadedLegend(v.Loaded))
		dst = appendBool(dst, `,"speed_q":`, v.SpeedQuality)
		dst = appendBool(dst, `,"course_q":`, v.CourseQuality)
		return appendBool(dst, `,"heading_q":`, v.HeadingQuality)
	}
	if p := m.Persons; p != nil {
		dst = appendInt(dst, `,"crew":`, naCount(p.Crew, 255))
		dst = appendInt(dst, `,"passengers":`, naCount(p.Passengers, 8191))
		return appendInt(dst, `,"personnel":`, naCount(p.Personnel, 255))
	}
	return appendData(dst, bits)
}

func naCount(v, na int) int64 {
	if v < 0 {
		return int64(na)
	}
	return int64(v)
}

func appendType22(dst []byte, p *goais.ChannelManagement, scaled bool) []byte {
	dst = appendUint(dst, `,"channel_a":`, uint64(p.ChannelA))
	dst = appendUint(dst, `,"channel_b":`, uint64(p.ChannelB))
	dst = appendUint(dst, `,"txrx":`, uint64(p.TxRxMode))
	dst = appendBool(dst, `,"power":`, p.LowPower)
	if p.IsAddressed {
		dst = appendUint(dst, `,"dest1":`, uint64(p.Unicast.AddressStation1))
		dst = appendUint(dst, `,"dest2":`, uint64(p.Unicast.AddressStation2))
	} else {
		a := &p.Area
		dst = appendArea(dst, a.Longitude1, a.Latitude1, a.Longitude2, a.Latitude2, scaled)
	}
	dst = appendBool(dst, `,"addressed":`, p.IsAddressed)
	dst = appendBool(dst, `,"band_a":`, p.BwA)
	dst = appendBool(dst, `,"band_b":`, p.BwB)
	return appendUint(dst, `,"zonesize":`, uint64(p.TransitionalZoneSize))
}

// appendArea writes a type 22/23 area; gpsd prints scaled corners as
// strings with six decimals.
func appendArea(dst []byte, neLon, neLat, swLon, swLat goais.FieldLatLonCoarse, scaled bool) []byte {
	keys := [4]string{`,"ne_lon":`, `,"ne_lat":`, `,"sw_lon":`, `,"sw_lat":`}
	for i, v := range [4]goais.FieldLatLonCoarse{neLon, neLat, swLon, swLat} {
		if scaled {
			dst = append(dst, keys[i]...)
			dst = append(dst, '"')
			dst = appendFixed(dst, coarse(v), 600, 6)
			dst = append(dst, '"')
		} else {
			dst = appendInt(dst, keys[i], coarse(v))
		}
	}
	return dst
}

// appendSlotBinary writes types 25 and 26 the way gpsd reads them. gpsd
// follows ITU-R M.1371-3 with no spare after the destination MMSI, so its
// application ID and data start 2 bits before go-ais's (M.1371-5): the
// bits after the header are rebuilt and cut at gpsd's offsets. For type 26
// tail holds the 4 spare and 20 radio bits: gpsd counts the spare as data
// and, copying whole bytes, shows the first radio bits in the last byte.
func appendSlotBinary(dst []byte, addressed, structured bool, dest uint32, spare uint8,
	app goais.FieldApplicationIdentifier, payload, tail []byte) []byte {
	var buf [1100]byte
	raw := buf[:0]
	if addressed {
		raw = appendBitsUint(raw, uint64(dest), 30)
		raw = appendBitsUint(raw, uint64(spare), 2)
	}
	if structured {
		raw = appendBitsUint(raw, uint64(app.DesignatedAreaCode), 10)
		raw = appendBitsUint(raw, uint64(app.FunctionIdentifier), 6)
	}
	if len(raw)+len(payload)+len(tail) > len(buf) {
		return dst
	}
	raw = append(raw, payload...)
	raw = append(raw, tail...)
	var appID uint64
	off := 0
	if addressed {
		off = 30
	}
	if structured {
		appID = bitsUint(raw[off:min(off+16, len(raw))])
		off += 16
	}
	dst = appendBool(dst, `,"addressed":`, addressed)
	dst = appendBool(dst, `,"structured":`, structured)
	dst = appendUint(dst, `,"dest_mmsi":`, uint64(dest))
	dst = appendUint(dst, `,"app_id":`, appID)
	data := raw[min(off, len(raw)):]
	n := len(data)
	if len(tail) == 24 {
		n -= 20
	}
	return appendDataN(dst, data, max(n, 0))
}

// appendData writes gpsd's "data":"<bit count>:<hex>" with the bits packed
// into bytes, the last one zero-padded.
func appendData(dst []byte, bits []byte) []byte {
	return appendDataN(dst, bits, len(bits))
}

// appendDataN writes the first n of bits as data; the last byte is filled
// from the bits that follow, as gpsd's byte-wise copy does.
func appendDataN(dst []byte, bits []byte, n int) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, `,"data":"`...)
	dst = strconv.AppendInt(dst, int64(n), 10)
	dst = append(dst, ':')
	for i := 0; i < n; i += 8 {
		var b byte
		if i+8 <= len(bits) {
			c := bits[i : i+8 : i+8]
			b = c[0]&1<<7 | c[1]&1<<6 | c[2]&1<<5 | c[3]&1<<4 | c[4]&1<<3 | c[5]&1<<2 | c[6]&1<<1 | c[7]&1
		} else {
			for j := i; j < i+8; j++ {
				b <<= 1
				if j < len(bits) {
					b |= bits[j] & 1
				}
			}
		}
		dst = append(dst, hex[b>>4], hex[b&15])
	}
	return append(dst, '"')
}

func appendBitsUint(dst []byte, v uint64, width int) []byte {
	for i := width - 1; i >= 0; i-- {
		dst = append(dst, byte(v>>uint(i)&1))
	}
	return dst
}

func bitsUint(bits []byte) uint64 {
	var v uint64
	for _, b := range bits {
		v = v<<1 | uint64(b&1)
	}
	return v
}
