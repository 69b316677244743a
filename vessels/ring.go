package vessels

import (
	"encoding/binary"
	"math"
	"slices"
	"time"
)

// pointSize is the size of one packed track point:
//
//	0  uint32 seconds since the Unix epoch (UTC; good until 2106)
//	4  int32  latitude in 1/600000 degree (AIS resolution)
//	8  int32  longitude in 1/600000 degree
//	12 uint16 SOG in 0.1 kn
//	14 uint16 COG in 0.1 degree
//	16 uint16 true heading in degrees
//
// 0xFFFF in a uint16 is "not available". Packing into a byte slice rather
// than a struct avoids the two bytes of padding a struct would carry.
const pointSize = 18

const (
	na16       = 0xFFFF
	latLonUnit = 600000.0 // units per degree
)

// packed is the unpacked form of one record, in wire units.
type packed struct {
	t        uint32
	lat, lon int32
	sog, cog uint16
	hdg      uint16
}

func packPoint(p TrackPoint) packed {
	return packed{
		t:   unixSeconds(p.Time),
		lat: int32(math.Round(p.Lat * latLonUnit)),
		lon: int32(math.Round(p.Lon * latLonUnit)),
		sog: pack16(p.SOG, 10, 0xFFFE),
		cog: pack16(p.COG, 10, 3599),
		hdg: pack16(float64(p.Heading), 1, 359),
	}
}

func (q packed) point() TrackPoint {
	return TrackPoint{
		Time:    time.Unix(int64(q.t), 0).UTC(),
		Lat:     float64(q.lat) / latLonUnit,
		Lon:     float64(q.lon) / latLonUnit,
		SOG:     unpack16(q.sog, 10),
		COG:     unpack16(q.cog, 10),
		Heading: int(unpack16(q.hdg, 1)),
	}
}

// pack16 scales a non-negative value into a uint16; negative, NaN or above
// hi (after scaling) is "not available".
func pack16(v, scale float64, hi int) uint16 {
	s := math.Round(v * scale)
	if !(s >= 0 && s <= float64(hi)) {
		return na16
	}
	return uint16(s)
}

func unpack16(u uint16, scale float64) float64 {
	if u == na16 {
		return -1
	}
	return float64(u) / scale
}

// unixSeconds is t in whole seconds since the epoch, clamped to uint32.
func unixSeconds(t time.Time) uint32 { return clampSeconds(t.Unix()) }

// clampSeconds is s, seconds since the epoch, clamped to uint32.
func clampSeconds(s int64) uint32 {
	switch {
	case s < 0:
		return 0
	case s > math.MaxUint32:
		return math.MaxUint32
	}
	return uint32(s)
}

// ring is one vessel's track: a circular buffer of packed points, oldest at
// head. It grows as points arrive (doubling while small, then at once to
// what its span takes at the vessel's rate, or else by an eighth) up to the
// history's point limit, so a vessel heard three times costs a few dozen
// bytes, not the limit, and an hour of 10 s reports (361 points) sits in
// 384 slots.
//
// A ring is held by value in its shard's map, so that finding a vessel's
// track and its header costs one cache miss, not two; oldest caches the
// oldest record's time so that the age check on every append does not read
// a second, cold line of the buffer. latest and before do the same for the
// newest records, which every append checks against: the append then only
// writes to the buffer, and a write to a cold line does not stall as a
// read does.
type ring struct {
	buf    []byte // len(buf) is a multiple of pointSize
	head   int32  // index of the oldest record
	n      int32  // records in use
	oldest uint32 // time of the record at head, when n > 0
	latest uint32 // time of the newest record, when n > 0
	before uint32 // time of the record before the newest, when n > 1
}

func (r *ring) capacity() int { return len(r.buf) / pointSize }

// off is where in buf the i-th oldest record lies, for 0 <= i <= n: at
// i = n the next push writes, or (the ring full) the oldest record it
// replaces. head < capacity and n <= capacity, so one subtraction wraps
// the index, with no division.
func (r *ring) off(i int) int {
	j, c := int(r.head)+i, r.capacity()
	if j >= c {
		j -= c
	}
	return j * pointSize
}

// at is the i-th oldest record.
func (r *ring) at(i int) packed {
	b := r.buf[r.off(i):]
	_ = b[pointSize-1]
	return packed{
		t:   binary.LittleEndian.Uint32(b[0:]),
		lat: int32(binary.LittleEndian.Uint32(b[4:])),
		lon: int32(binary.LittleEndian.Uint32(b[8:])),
		sog: binary.LittleEndian.Uint16(b[12:]),
		cog: binary.LittleEndian.Uint16(b[14:]),
		hdg: binary.LittleEndian.Uint16(b[16:]),
	}
}

// timeAt is the time of the i-th oldest record.
func (r *ring) timeAt(i int) uint32 { return binary.LittleEndian.Uint32(r.buf[r.off(i):]) }

// newest is the time of the newest record; r.n must be > 0.
func (r *ring) newest() uint32 { return r.latest }

// dropNewest forgets the newest record; r.n must be > 1.
func (r *ring) dropNewest() {
	r.n--
	r.latest = r.before // before is stale until the next push sets it
}

// push appends q, growing the buffer up to limit records and overwriting
// the oldest record beyond that. span is how many seconds of track the
// ring is to hold (0: unknown), which sizes the buffer once the vessel's
// reporting rate shows (see growTo).
func (r *ring) push(q packed, limit int, span uint32) {
	if int(r.n) == r.capacity() {
		if r.capacity() < limit {
			r.resize(r.growTo(limit, span), limit)
		} else { // full: forget the oldest
			r.popOldest()
		}
	}
	if r.n == 0 {
		r.oldest = q.t
	}
	r.before, r.latest = r.latest, q.t
	b := r.buf[r.off(int(r.n)):]
	_ = b[pointSize-1]
	binary.LittleEndian.PutUint32(b[0:], q.t)
	binary.LittleEndian.PutUint32(b[4:], uint32(q.lat))
	binary.LittleEndian.PutUint32(b[8:], uint32(q.lon))
	binary.LittleEndian.PutUint16(b[12:], q.sog)
	binary.LittleEndian.PutUint16(b[14:], q.cog)
	binary.LittleEndian.PutUint16(b[16:], q.hdg)
	r.n++
}

// growCap is the next capacity, in records, of a ring of c records.
func growCap(c, limit int) int {
	switch {
	case c == 0:
		c = 4
	case c < 64:
		c *= 2
	default:
		c += c / 8 // Go's size classes are ~1/8 apart here: little slack
	}
	return min(c, limit)
}

// rateShownAfter is how many records, and how many seconds between the
// oldest and the newest, tell a vessel's reporting rate well enough to size
// its buffer by it.
const (
	rateShownAfter    = 64
	rateShownAfterSec = 600
)

// growTo is the capacity a full ring grows to: growCap's next step or,
// once the ring tells its vessel's reporting rate, at once what span
// seconds of track take at that rate (within limit). A vessel reporting
// steadily then grows its buffer six times in all, not a dozen and more
// in steps of an eighth: fewer copies, and less garbage for the collector
// to follow. A vessel that reports faster later grows again from there.
func (r *ring) growTo(limit int, span uint32) int {
	c := growCap(r.capacity(), limit)
	if covered := r.latest - r.oldest; span > 0 && r.n >= rateShownAfter && covered >= rateShownAfterSec {
		need := int(uint64(r.n-1)*uint64(span)/uint64(covered)) + 2
		c = max(c, min(need, limit))
	}
	return c
}

// resize moves the records, oldest first, into a new buffer of at least c
// records: more if the allocator's size class leaves room for them, but
// never more than limit.
func (r *ring) resize(c, limit int) {
	c = max(c, int(r.n))
	nb := slices.Grow([]byte(nil), c*pointSize)
	nb = nb[:max(c, min(cap(nb)/pointSize, limit))*pointSize]
	w := 0
	for i := 0; i < int(r.n); i++ {
		o := r.off(i)
		w += copy(nb[w:], r.buf[o:o+pointSize])
	}
	r.buf, r.head = nb, 0
}

// popOldest forgets the oldest record; r.n must be > 0.
func (r *ring) popOldest() {
	r.head = int32((int(r.head) + 1) % r.capacity())
	r.n--
	if r.n > 0 {
		r.oldest = r.timeAt(0)
	}
}

// dropBefore forgets the records older than t (seconds).
func (r *ring) dropBefore(t uint32) {
	for r.n > 0 && r.oldest < t {
		r.popOldest()
	}
}

// search is the index of the first record with time >= t (r.n if none).
func (r *ring) search(t uint32) int {
	lo, hi := 0, int(r.n)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if r.timeAt(m) < t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
