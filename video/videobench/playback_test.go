package videobench

import (
	"math"
	"testing"
)

// frames makes probe pairs: codes shown every step ms from 0.
func frames(step float64, codes ...int) [][2]float64 {
	out := make([][2]float64, len(codes))
	for i, c := range codes {
		out[i] = [2]float64{float64(i) * step, float64(c)}
	}
	return out
}

func seq(from, n, by int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = from + i*by
	}
	return out
}

func TestAnalysePlayback(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pairs    [][2]float64
		maxSpeed float64 // within 0.05
		fast     bool
		jumps    int
		last     int64
	}{
		{name: "real time", pairs: frames(40, seq(100, 50, 1)...), maxSpeed: 1, last: 149},
		{name: "fast catch-up", pairs: frames(40, append(seq(0, 25, 4), seq(100, 25, 1)...)...), maxSpeed: 4, fast: true, last: 124},
		{name: "still, then a jump to live", pairs: frames(40, append(repeat(5, 26), seq(140, 25, 1)...)...), maxSpeed: 1, jumps: 1, last: 164},
		{name: "across the clip's loop", pairs: frames(40, append(seq(480, 20, 1), seq(0, 20, 1)...)...), maxSpeed: 1, last: 519},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := AnalysePlayback(tc.pairs, 25, 500)
			if math.Abs(p.MaxSpeed-tc.maxSpeed) > 0.05*tc.maxSpeed+0.05 {
				t.Errorf("max speed %.2f, want %.2f", p.MaxSpeed, tc.maxSpeed)
			}
			if (p.FastMs > 0) != tc.fast {
				t.Errorf("fast for %.0f ms, want fast %v", p.FastMs, tc.fast)
			}
			if p.Jumps != tc.jumps || p.Last != tc.last {
				t.Errorf("jumps %d last %d, want %d and %d", p.Jumps, p.Last, tc.jumps, tc.last)
			}
		})
	}
}

func repeat(code, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = code
	}
	return out
}
