package ais

import (
	"math/rand"
	"testing"
)

// scanBodyBytewise is the framing loop scanBody replaced, byte by byte.
func scanBodyBytewise(body []byte, commas *[8]int) (sum byte, n int, ok bool) {
	for i, c := range body {
		if c-0x20 > 0x7e-0x20 {
			return 0, 0, false
		}
		sum ^= c
		if c == ',' && n < len(commas) {
			commas[n] = i
			n++
		}
	}
	return sum, n, true
}

// randomBody is a body of printable bytes, dense in commas and armour
// characters, with a byte from anywhere now and then.
func randomBody(rng *rand.Rand) []byte {
	b := make([]byte, rng.Intn(90))
	for i := range b {
		switch r := rng.Intn(20); {
		case r == 0:
			b[i] = byte(rng.Intn(256))
		case r < 4:
			b[i] = ','
		default:
			b[i] = byte(0x20 + rng.Intn(0x7f-0x20))
		}
	}
	return b
}

func TestScanBodyMatchesBytewise(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for range 200_000 {
		b := randomBody(rng)
		var c1, c2 [8]int
		s1, n1, ok1 := scanBody(b, &c1)
		s2, n2, ok2 := scanBodyBytewise(b, &c2)
		if ok1 != ok2 || ok1 && (s1 != s2 || n1 != n2 || c1 != c2) {
			t.Fatalf("%q: scanBody = %x %d %v %v, bytewise %x %d %v %v", b, s1, n1, ok1, c1, s2, n2, ok2, c2)
		}
	}
	// Every byte value at every place of a word and of the tail.
	for pos := range 11 {
		for v := range 256 {
			b := []byte("AIVDM,1,1,")
			b = append(b, 'x')
			b[pos%len(b)] = byte(v)
			var c1, c2 [8]int
			s1, n1, ok1 := scanBody(b, &c1)
			s2, n2, ok2 := scanBodyBytewise(b, &c2)
			if ok1 != ok2 || ok1 && (s1 != s2 || n1 != n2 || c1 != c2) {
				t.Fatalf("byte %#x at %d: scanBody = %x %d %v, bytewise %x %d %v", v, pos, s1, n1, ok1, s2, n2, ok2)
			}
		}
	}
}

func TestArmouredMatchesTable(t *testing.T) {
	bytewise := func(p []byte) bool {
		for _, c := range p {
			if !isArmour(c) {
				return false
			}
		}
		return true
	}
	rng := rand.New(rand.NewSource(2))
	for range 200_000 {
		p := make([]byte, rng.Intn(60))
		for i := range p {
			p[i] = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"[rng.Intn(64)]
		}
		if len(p) > 0 && rng.Intn(2) == 0 {
			p[rng.Intn(len(p))] = byte(0x20 + rng.Intn(0x7f-0x20)) // printable, armour or not
		}
		if got, want := armoured(p), bytewise(p); got != want {
			t.Fatalf("armoured(%q) = %v, want %v", p, got, want)
		}
	}
	// Every printable byte at every place.
	for n := 1; n <= 17; n++ {
		for pos := range n {
			for v := 0x20; v < 0x7f; v++ {
				p := make([]byte, n)
				for i := range p {
					p[i] = 'A'
				}
				p[pos] = byte(v)
				if got, want := armoured(p), isArmour(byte(v)); got != want {
					t.Fatalf("armoured(%q) = %v, want %v", p, got, want)
				}
			}
		}
	}
}
