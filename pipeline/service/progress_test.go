package service

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// TestLiveDrops: while a build runs, a source's documents in and drops by
// reason are the sums of the task records committed so far.
func TestLiveDrops(t *testing.T) {
	ctx := context.Background()
	out, err := storage.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	for name, drops := range map[string]map[string]int64{
		"a": {"langid:lang=de": 3, "line_dedup:short": 1},
		"b": {"langid:lang=de": 2},
	} {
		rec := pipeline.TaskRecord{Format: pipeline.RecordFormat, RecipeSHA256: "r", Docs: 5,
			Stats: &pipeline.TaskStats{DocsIn: 10, BytesIn: 100, Drops: drops, DocsOut: 5}}
		b, _ := json.Marshal(rec)
		if err := out.WriteFile(ctx, pipeline.TaskRecordKey("cc", name), b); err != nil {
			t.Fatal(err)
		}
	}
	l := &live{markers: map[string]markerInfo{}, reported: map[string]Progress{},
		plan: &plan{digest: "r", sources: []string{"cc"}, totals: map[string]int{"cc": 3}}}
	l.poll(ctx, out, "r")
	st, eta := l.snapshot()
	if len(st) != 1 {
		t.Fatalf("%+v", st)
	}
	s := st[0]
	if s.InputsDone != 2 || s.DocsIn != 20 || s.BytesIn != 200 || s.DocsOut != 10 ||
		s.Drops["langid:lang=de"] != 5 || s.Drops["line_dedup:short"] != 1 || eta == nil {
		t.Errorf("status %+v, eta %v", s, eta)
	}
}
