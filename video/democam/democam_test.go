package democam

import (
	"testing"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

func TestDemoClip(t *testing.T) {
	c, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	keys := 0
	for i, au := range c.AUs {
		if h264.IsRandomAccess(au) {
			keys++
			if i != 0 && i != 250 {
				t.Errorf("keyframe at unit %d, want 0 and 250 (10 s apart)", i)
			}
		}
		for _, n := range au {
			if h264.NALUType(n[0]&0x1f) == h264.NALUTypeAccessUnitDelimiter {
				t.Fatalf("unit %d keeps its delimiter", i)
			}
		}
	}
	if len(c.AUs) != 500 || keys != 2 || c.FPS != 25 {
		t.Fatalf("%d units, %d keyframes at %d fps; want 500, 2, 25", len(c.AUs), keys, c.FPS)
	}
	var sps h264.SPS
	if err := sps.Unmarshal(c.SPS); err != nil || sps.Width() != 640 || sps.Height() != 360 {
		t.Fatalf("SPS %v: %dx%d", err, sps.Width(), sps.Height())
	}
}

func TestParseAnnexBRefusesWhatIsNoClip(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("not h264"), {0, 0, 1, 0x41, 0x9a}} {
		if _, err := ParseAnnexB(b, 25); err == nil {
			t.Errorf("% x parsed", b)
		}
	}
}
