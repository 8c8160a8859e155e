package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/pipeline"
)

// TestDropExamples: stats.json holds, per drop reason, the first three
// documents dropped for it in input order (text cut to 200 characters),
// the same whatever the number of workers.
func TestDropExamples(t *testing.T) {
	read := func(workers int) *pipeline.Stats {
		out := t.TempDir()
		build(t, defaultRegistry(), buildFlags{out: out, only: []string{"commoncrawl"}, workers: workers})
		b, err := os.ReadFile(filepath.Join(out, "stats.json"))
		if err != nil {
			t.Fatal(err)
		}
		var st pipeline.Stats
		if err := json.Unmarshal(b, &st); err != nil {
			t.Fatal(err)
		}
		return &st
	}
	one, three := read(1), read(3)
	s := one.Sources[0]
	if !reflect.DeepEqual(s.DropExamples, three.Sources[0].DropExamples) {
		t.Errorf("examples differ between 1 and 3 workers:\n%v\n%v", s.DropExamples, three.Sources[0].DropExamples)
	}
	if len(s.DropExamples) != len(s.Drops) {
		t.Errorf("%d reasons with examples, %d reasons", len(s.DropExamples), len(s.Drops))
	}
	for reason, n := range s.Drops {
		ex := s.DropExamples[reason]
		if len(ex) != min(int(n), 3) {
			t.Errorf("%s: %d examples of %d drops", reason, len(ex), n)
		}
		for _, e := range ex {
			if !strings.HasPrefix(e.ID, "<urn:uuid:") && !strings.HasPrefix(e.ID, "urn:") || utf8.RuneCountInString(e.Text) > 201 {
				t.Errorf("%s: example %+v", reason, e)
			}
		}
	}
	if ex := s.DropExamples["langid:lang=de"]; len(ex) == 0 || !strings.Contains(ex[0].Text+ex[1].Text+ex[2].Text, "der") {
		t.Errorf("German drops: %+v", ex)
	}
}
