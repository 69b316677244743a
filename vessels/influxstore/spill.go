package influxstore

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// spill is the folder of batches that did not fit in memory: one file per
// batch, named by sequence number and point count ("00000000000000000042-5000.lp"),
// holding the batch's line protocol. Files are written oldest to newest and
// read back in that order; a file is removed only once its batch is written,
// so a crash or a Close during an outage loses nothing already spilled.
type spill struct {
	dir   string
	max   int64
	files []spillFile // not yet loaded back, oldest first
	bytes int64       // on disk, loaded or not
	n     int         // points on disk, loaded or not
}

type spillFile struct {
	seq  uint64
	n    int
	size int64
}

// openSpill opens dir, creating it, and lists the batches an earlier run
// left there.
func openSpill(dir string, maxBytes int64) (*spill, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	s := &spill{dir: dir, max: maxBytes}
	for _, e := range ents {
		seq, n, ok := parseSpillName(e.Name())
		if !ok {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		s.files = append(s.files, spillFile{seq: seq, n: n, size: info.Size()})
		s.bytes += info.Size()
		s.n += n
	}
	slices.SortFunc(s.files, func(a, b spillFile) int { return compareUint(a.seq, b.seq) })
	return s, nil
}

func compareUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func spillName(seq uint64, n int) string { return fmt.Sprintf("%020d-%d.lp", seq, n) }

func parseSpillName(name string) (seq uint64, n int, ok bool) {
	base, found := strings.CutSuffix(name, ".lp")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(base, "-")
	if !found {
		return 0, 0, false
	}
	seq, err1 := strconv.ParseUint(a, 10, 64)
	n, err2 := strconv.Atoi(b)
	return seq, n, err1 == nil && err2 == nil && n > 0
}

// lastSeq is the highest sequence number on disk, 0 if none.
func (s *spill) lastSeq() uint64 {
	if len(s.files) == 0 {
		return 0
	}
	return s.files[len(s.files)-1].seq
}

// fits reports whether a batch of size bytes may still be spilled.
func (s *spill) fits(size int) bool { return s.bytes+int64(size) <= s.max }

// push writes b as the newest file.
func (s *spill) push(b *batch) error {
	name := filepath.Join(s.dir, spillName(b.seq, b.n))
	if err := os.WriteFile(name, b.data, 0o644); err != nil {
		_ = os.Remove(name)
		return err
	}
	b.file, b.disk = name, int64(len(b.data))
	s.files = append(s.files, spillFile{seq: b.seq, n: b.n, size: int64(len(b.data))})
	s.bytes += int64(len(b.data))
	s.n += b.n
	return nil
}

// pop reads the oldest file back into a batch; the file stays until done.
// A file that cannot be read is skipped and its points returned as lost.
func (s *spill) pop() (b *batch, lost int, err error) {
	f := s.files[0]
	s.files = s.files[1:]
	name := filepath.Join(s.dir, spillName(f.seq, f.n))
	data, err := os.ReadFile(name)
	if err != nil {
		s.bytes -= f.size
		s.n -= f.n
		_ = os.Remove(name)
		return nil, f.n, err
	}
	if len(data) > 0 && data[len(data)-1] != '\n' { // cut short by a crash
		data = data[:bytes.LastIndexByte(data, '\n')+1]
	}
	return &batch{seq: f.seq, n: f.n, data: data, file: name, disk: f.size}, 0, nil
}

// done removes the file of a written (or rejected) batch that came from
// the spill.
func (s *spill) done(b *batch) {
	if b.file == "" {
		return
	}
	_ = os.Remove(b.file)
	s.bytes -= b.disk
	s.n -= b.n
	b.file, b.disk = "", 0
}
