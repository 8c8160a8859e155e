package service

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// markerInfo is what the server reads of a task marker (the pipeline's
// per-input-shard completion record under _tasks/SOURCE/NAME.json).
type markerInfo struct {
	source string
	recipe string
	docs   int64
	tokens int64
	bytes  int64
	// docsIn, bytesIn and drops are the task's counts (task records hold
	// them since their format 2), so a running build's drops are live.
	docsIn, bytesIn int64
	drops           map[string]int64
	old             bool // present before this attempt started
}

// live is the in-memory side of a running build.
type live struct {
	cancel   context.CancelFunc
	started  time.Time
	mu       sync.Mutex
	canceled bool
	plan     *plan
	markers  map[string]markerInfo
	reported map[string]Progress
}

func (l *live) userCanceled() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.canceled
}

func (l *live) setPlan(p *plan) {
	l.mu.Lock()
	l.plan = p
	l.mu.Unlock()
}

func (l *live) report(p Progress) {
	l.mu.Lock()
	l.reported[p.Source] = p
	l.mu.Unlock()
}

// baseline marks the markers seen so far as committed by earlier attempts.
func (l *live) baseline() {
	l.mu.Lock()
	for k, m := range l.markers {
		m.old = true
		l.markers[k] = m
	}
	l.started = time.Now()
	l.mu.Unlock()
}

// poll reads the markers written since the last poll. Markers are written
// once and never change, so each is read once.
func (l *live) poll(ctx context.Context, out *storage.Store, digest string) {
	objs, err := out.List(ctx, "_tasks/")
	if err != nil {
		return
	}
	for _, o := range objs {
		l.mu.Lock()
		_, seen := l.markers[o.Key]
		l.mu.Unlock()
		if seen || !strings.HasSuffix(o.Key, ".json") {
			continue
		}
		source, _, ok := strings.Cut(strings.TrimPrefix(o.Key, "_tasks/"), "/")
		if !ok {
			continue
		}
		data, err := out.ReadFile(ctx, o.Key)
		if err != nil {
			continue
		}
		var m struct {
			Recipe string              `json:"recipe_sha256"`
			Docs   int64               `json:"docs"`
			Tokens int64               `json:"tokens"`
			Bytes  int64               `json:"bytes"`
			Stats  *pipeline.TaskStats `json:"stats"`
		}
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		mi := markerInfo{source: source, recipe: m.Recipe, docs: m.Docs, tokens: m.Tokens, bytes: m.Bytes}
		if m.Stats != nil {
			mi.docsIn, mi.bytesIn, mi.drops = m.Stats.DocsIn, m.Stats.BytesIn, m.Stats.Drops
		}
		l.mu.Lock()
		l.markers[o.Key] = mi
		l.mu.Unlock()
	}
}

// SourceStatus is one source's progress in a build's status.
type SourceStatus struct {
	Source string `json:"source"`
	// Inputs is the number of input shards; InputsDone those committed,
	// InputsResumed those committed by an earlier attempt.
	Inputs        int `json:"inputs"`
	InputsDone    int `json:"inputs_done"`
	InputsResumed int `json:"inputs_resumed"`
	// DocsIn, BytesIn and Drops come from stats.json once the build has
	// ended, and while it runs from the task records of the inputs
	// committed so far (or the runner, where it reports them).
	DocsIn  int64            `json:"docs_in"`
	BytesIn int64            `json:"bytes_in"`
	Drops   map[string]int64 `json:"drops,omitempty"`
	// DocsOut and Tokens are what the committed shards hold; BytesOut is
	// their text's bytes (from stats.json or the runner), ShardBytes the
	// size of the shard files (from the task markers, live).
	DocsOut    int64 `json:"docs_out"`
	BytesOut   int64 `json:"bytes_out"`
	Tokens     int64 `json:"tokens"`
	ShardBytes int64 `json:"shard_bytes"`
	// Rates: while running, over this attempt's committed shards; when
	// finished, over the source's time in stats.json.
	DocsPerSecond  float64 `json:"docs_per_second,omitempty"`
	BytesPerSecond float64 `json:"bytes_per_second,omitempty"`
	// Steps is the funnel through the source's chain, from stats.json
	// once the build has ended.
	Steps []*pipeline.StepStats `json:"steps,omitempty"`
}

// snapshot summarizes the progress per source, and an ETA: the inputs left
// times the mean time per input shard committed in this attempt (sources
// run one after the other, so one mean fits all).
func (l *live) snapshot() ([]SourceStatus, *float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.plan == nil {
		return nil, nil
	}
	el := time.Since(l.started).Seconds()
	by := map[string]*SourceStatus{}
	var out []SourceStatus
	for _, name := range l.plan.sources {
		by[name] = &SourceStatus{Source: name, Inputs: l.plan.totals[name]}
	}
	newDone, left := 0, 0
	newDocs := map[string]int64{}
	newBytes := map[string]int64{}
	for _, m := range l.markers {
		s := by[m.source]
		if s == nil || m.recipe != l.plan.digest {
			continue
		}
		s.InputsDone++
		s.DocsOut += m.docs
		s.DocsIn += m.docsIn
		s.BytesIn += m.bytesIn
		for k, v := range m.drops {
			if s.Drops == nil {
				s.Drops = map[string]int64{}
			}
			s.Drops[k] += v
		}
		s.ShardBytes += m.bytes
		s.Tokens += m.tokens
		if m.old {
			s.InputsResumed++
		} else {
			newDone++
			newDocs[m.source] += m.docs
			newBytes[m.source] += m.bytes
		}
	}
	for _, name := range l.plan.sources {
		s := by[name]
		if r, ok := l.reported[name]; ok {
			mergeReported(s, r)
		}
		if el > 0 {
			s.DocsPerSecond = float64(newDocs[name]) / el
			s.BytesPerSecond = float64(newBytes[name]) / el // shard bytes
		}
		left += max(0, s.Inputs-s.InputsDone)
		out = append(out, *s)
	}
	if newDone == 0 {
		return out, nil
	}
	eta := float64(left) * el / float64(newDone)
	return out, &eta
}

func mergeReported(s *SourceStatus, r Progress) {
	if r.Total > 0 {
		s.Inputs = r.Total
	}
	if r.Done > s.InputsDone {
		s.InputsDone = r.Done
	}
	if r.DocsIn > 0 {
		s.DocsIn, s.BytesIn = r.DocsIn, r.BytesIn
	}
	if r.DocsOut > s.DocsOut {
		s.DocsOut, s.BytesOut, s.Tokens = r.DocsOut, r.BytesOut, r.Tokens
	}
	if len(r.Drops) > 0 {
		s.Drops = maps.Clone(r.Drops)
	}
}

// fromStats is the status of a finished build, from its stats.json; the
// recorded input counts fill what stats does not say.
func fromStats(st *pipeline.Stats, inputs map[string]int) []SourceStatus {
	var out []SourceStatus
	for _, s := range st.Sources {
		ss := SourceStatus{Source: s.Name, Inputs: s.Inputs, InputsDone: s.Inputs, InputsResumed: s.Resumed,
			DocsIn: s.DocsIn, BytesIn: s.BytesIn, DocsOut: s.DocsOut, BytesOut: s.BytesOut, Tokens: s.Tokens,
			Drops: maps.Clone(s.Drops), Steps: s.Steps}
		if s.Seconds > 0 {
			ss.DocsPerSecond = float64(s.DocsOut) / s.Seconds
			ss.BytesPerSecond = float64(s.BytesOut) / s.Seconds
		}
		if ss.Inputs == 0 {
			ss.Inputs = inputs[s.Name]
		}
		out = append(out, ss)
	}
	return out
}
