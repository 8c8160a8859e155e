package pipeline

import (
	"errors"
	"testing"
)

// TestSkipReasons: corrupt and filtered records are counted under their
// reasons; only damage is corrupt and kept as an example.
func TestSkipReasons(t *testing.T) {
	tc := newTaskCounter(0)
	bad := &RecordError{Path: "f", Record: "1", Err: Corruptf("bad-thing", "broken")}
	left := &RecordError{Path: "f", Record: "2", Err: Filteredf("redirect", "a redirect")}
	tc.skip(bad)
	tc.skip(left)
	tc.skip(left)
	tc.skip(errors.New("plain"))
	s := tc.stats()
	if s.Skipped["bad-thing"] != 1 || s.Skipped["redirect"] != 2 || s.Skipped["error"] != 1 {
		t.Errorf("Skipped = %v", s.Skipped)
	}
	if len(s.SkipExamples) != 2 {
		t.Errorf("examples %q: want the corrupt record and the plain error only", s.SkipExamples)
	}
	if !errors.Is(bad, ErrCorrupt) || errors.Is(left, ErrCorrupt) {
		t.Error("only CorruptError is ErrCorrupt")
	}
}
