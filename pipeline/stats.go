package pipeline

import (
	"encoding/json"
	"errors"
	"maps"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// StepStats counts what one step of one source did.
type StepStats struct {
	Name     string  `json:"name"`
	DocsIn   int64   `json:"docs_in"`
	DocsOut  int64   `json:"docs_out"`
	BytesIn  int64   `json:"bytes_in"`
	BytesOut int64   `json:"bytes_out"`
	Seconds  float64 `json:"seconds"`
	// Counters are the step's own counters (StatsReporter), summed over the
	// groups of inputs; they come from the group records.
	Counters map[string]int64 `json:"counters,omitempty"`
}

// FailedInput is an input whose task failed: its storage could not be
// opened or read after the store's retries. Its outputs are not in the
// manifest; rerunning the build retries it.
type FailedInput struct {
	Input string `json:"input"`
	Error string `json:"error"`
}

// SourceStats counts what a build did with one source. Everything but
// Resumed, Failed and the Seconds fields is the sum of the source's task
// records (see TaskStats) and group records, so it is the same whether the
// build ran at once, was resumed, or ran on several machines.
type SourceStats struct {
	Name string `json:"name"`
	// Inputs is the number of inputs; Resumed those a previous run had
	// already committed; Failed those whose task failed in this run.
	Inputs  int           `json:"inputs"`
	Resumed int           `json:"resumed"`
	Failed  []FailedInput `json:"failed,omitempty"`
	DocsIn  int64         `json:"docs_in"`
	BytesIn int64         `json:"bytes_in"`
	// Skipped counts input records that could not be read, by reason;
	// SkipExamples holds the first few errors in full, in input order.
	Skipped      map[string]int64 `json:"skipped"`
	SkipExamples []string         `json:"skip_examples,omitempty"`
	Steps        []*StepStats     `json:"steps"`
	// Drops counts dropped documents by reason ("step:rule").
	Drops map[string]int64 `json:"drops"`
	// DropExamples holds, per reason, the first few documents dropped for
	// it (in input order; the text cut to 200 characters), so that a filter
	// can be judged on real data.
	DropExamples map[string][]DropExample `json:"drop_examples,omitempty"`
	DocsOut      int64                    `json:"docs_out"`
	BytesOut     int64                    `json:"bytes_out"`
	Tokens       int64                    `json:"tokens"`
	Seconds      float64                  `json:"seconds"`
}

// maxSkipExamples bounds the errors kept in full per task and per source.
const maxSkipExamples = 20

// Stats is a build's report, written to stats.json and printed as the
// summary table.
type Stats struct {
	Sources []*SourceStats `json:"sources"`
	Seconds float64        `json:"seconds"`
	Workers int            `json:"workers"`
}

// Failed lists every failed input of the build, source by source.
func (s *Stats) Failed() []FailedInput {
	var out []FailedInput
	for _, src := range s.Sources {
		out = append(out, src.Failed...)
	}
	return out
}

// TaskStats is what one task did with its input: the part of its source's
// stats it contributes, stored in its task record. It holds counts only,
// no timings, so a task record is the same bytes whenever it is made.
type TaskStats struct {
	DocsIn       int64            `json:"docs_in"`
	BytesIn      int64            `json:"bytes_in"`
	Skipped      map[string]int64 `json:"skipped,omitempty"`
	SkipExamples []string         `json:"skip_examples,omitempty"`
	// Steps holds, per step of the chain in order, docs and bytes in and out.
	Steps        []StepCounts             `json:"steps"`
	Drops        map[string]int64         `json:"drops,omitempty"`
	DropExamples map[string][]DropExample `json:"drop_examples,omitempty"`
	DocsOut      int64                    `json:"docs_out"`
	BytesOut     int64                    `json:"bytes_out"`
	Tokens       int64                    `json:"tokens"`
}

// DropExample is a dropped document: its ID and the start of its text as
// the step that dropped it saw it.
type DropExample struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// maxDropExamples bounds the examples kept per drop reason, per task and
// per source; dropExampleChars the characters kept of each.
const (
	maxDropExamples  = 3
	dropExampleChars = 200
)

// Excerpt returns the first n characters (code points) of s, with "…"
// when it cut.
func Excerpt(s string, n int) string {
	i, k := 0, 0
	for i < len(s) && k < n {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
		k++
	}
	if i >= len(s) {
		return s
	}
	return s[:i] + "…"
}

// StepCounts is one step's share of a task: [docs in, docs out, bytes in,
// bytes out].
type StepCounts [4]int64

// taskCounter gathers a running task's stats from the reader goroutine and
// the workers.
type taskCounter struct {
	din, bin, dout, bout, toks atomic.Int64
	steps                      []stepCounter
	mu                         sync.Mutex
	skipped                    map[string]int64
	examples                   []string
	drops                      map[string]int64
	dropEx                     map[string][]DropExample
	// live, when set, also counts what is read, for Plan.Live.
	live *liveCounts
	// keep, when set, receives the dropped documents in input order.
	keep func(d *Doc, reason string) error
}

// droppedDoc is a document a step dropped, and why.
type droppedDoc struct {
	d      *Doc
	reason string
}

type stepCounter struct {
	in, out, bin, bout, nanos atomic.Int64
}

func newTaskCounter(steps int) *taskCounter {
	return &taskCounter{steps: make([]stepCounter, steps), skipped: map[string]int64{}, drops: map[string]int64{}}
}

func (t *taskCounter) skip(err error) {
	var re *RecordError
	msg := err.Error()
	if errors.As(err, &re) {
		msg = re.Error()
	}
	// Filtered records are expected by the thousand; the examples are kept
	// for damage.
	var f *FilteredError
	filtered := errors.As(err, &f)
	t.mu.Lock()
	t.skipped[SkipReason(err)]++
	if !filtered && len(t.examples) < maxSkipExamples {
		t.examples = append(t.examples, msg)
	}
	t.mu.Unlock()
}

// addDrops adds a batch's drops; batches are added in input order, so the
// examples kept are the task's first.
func (t *taskCounter) addDrops(m map[string]int64, ex map[string][]DropExample) {
	if len(m) == 0 {
		return
	}
	t.mu.Lock()
	for k, v := range m {
		t.drops[k] += v
	}
	for k, es := range ex {
		if t.dropEx == nil {
			t.dropEx = map[string][]DropExample{}
		}
		for _, e := range es {
			if len(t.dropEx[k]) < maxDropExamples {
				t.dropEx[k] = append(t.dropEx[k], e)
			}
		}
	}
	t.mu.Unlock()
}

// stats freezes the counts.
func (t *taskCounter) stats() *TaskStats {
	s := &TaskStats{DocsIn: t.din.Load(), BytesIn: t.bin.Load(), DocsOut: t.dout.Load(), BytesOut: t.bout.Load(), Tokens: t.toks.Load()}
	t.mu.Lock()
	if len(t.skipped) > 0 {
		s.Skipped = maps.Clone(t.skipped)
	}
	s.SkipExamples = append([]string(nil), t.examples...)
	if len(t.drops) > 0 {
		s.Drops = maps.Clone(t.drops)
	}
	if len(t.dropEx) > 0 {
		s.DropExamples = map[string][]DropExample{}
		for k, v := range t.dropEx {
			s.DropExamples[k] = append([]DropExample(nil), v...)
		}
	}
	t.mu.Unlock()
	s.Steps = make([]StepCounts, len(t.steps))
	for i := range t.steps {
		c := &t.steps[i]
		s.Steps[i] = StepCounts{c.in.Load(), c.out.Load(), c.bin.Load(), c.bout.Load()}
	}
	return s
}

// sourceTotals builds a source's stats from its task and group records.
type sourceTotals struct {
	s     *SourceStats
	start time.Time
}

func newSourceTotals(name string, steps []Step) *sourceTotals {
	s := &SourceStats{Name: name, Skipped: map[string]int64{}, Drops: map[string]int64{}}
	for _, st := range steps {
		s.Steps = append(s.Steps, &StepStats{Name: st.Name()})
	}
	return &sourceTotals{s: s, start: time.Now()}
}

// addTask adds one task's stats; tasks are added in input order, so the
// examples kept are the first in input order.
func (t *sourceTotals) addTask(ts *TaskStats) {
	s := t.s
	s.DocsIn += ts.DocsIn
	s.BytesIn += ts.BytesIn
	for k, v := range ts.Skipped {
		s.Skipped[k] += v
	}
	for _, e := range ts.SkipExamples {
		if len(s.SkipExamples) < maxSkipExamples {
			s.SkipExamples = append(s.SkipExamples, e)
		}
	}
	for i, c := range ts.Steps {
		if i < len(s.Steps) {
			st := s.Steps[i]
			st.DocsIn += c[0]
			st.DocsOut += c[1]
			st.BytesIn += c[2]
			st.BytesOut += c[3]
		}
	}
	for k, v := range ts.Drops {
		s.Drops[k] += v
	}
	for k, es := range ts.DropExamples {
		if s.DropExamples == nil {
			s.DropExamples = map[string][]DropExample{}
		}
		for _, e := range es {
			if len(s.DropExamples[k]) < maxDropExamples {
				s.DropExamples[k] = append(s.DropExamples[k], e)
			}
		}
	}
	s.DocsOut += ts.DocsOut
	s.BytesOut += ts.BytesOut
	s.Tokens += ts.Tokens
}

// addCounters adds one group's step counters.
func (t *sourceTotals) addCounters(c []map[string]int64) {
	for i, m := range c {
		if i >= len(t.s.Steps) || m == nil {
			continue
		}
		st := t.s.Steps[i]
		if st.Counters == nil {
			st.Counters = map[string]int64{}
		}
		for k, v := range m {
			st.Counters[k] += v
		}
	}
}

// addTime adds a task's measured step times (this run's tasks only).
func (t *sourceTotals) addTime(tc *taskCounter) {
	for i := range tc.steps {
		if i < len(t.s.Steps) {
			t.s.Steps[i].Seconds += float64(tc.steps[i].nanos.Load()) / 1e9
		}
	}
}

func (t *sourceTotals) finish() *SourceStats {
	t.s.Seconds = time.Since(t.start).Seconds()
	return t.s
}

// counters snapshots a step's counters (nil if it reports none).
func counters(step Step) map[string]int64 {
	if r, ok := step.(StatsReporter); ok {
		return r.Counters()
	}
	return nil
}

// DropReasons returns the source's drop reasons sorted by count, then name.
func (s *SourceStats) DropReasons() []string {
	keys := make([]string, 0, len(s.Drops))
	for k := range s.Drops {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if s.Drops[keys[i]] != s.Drops[keys[j]] {
			return s.Drops[keys[i]] > s.Drops[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// JSON encodes the report.
func (s *Stats) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
