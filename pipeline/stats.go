package pipeline

import (
	"encoding/json"
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// StepStats counts what one step of one source did.
type StepStats struct {
	Name     string           `json:"name"`
	DocsIn   int64            `json:"docs_in"`
	DocsOut  int64            `json:"docs_out"`
	BytesIn  int64            `json:"bytes_in"`
	BytesOut int64            `json:"bytes_out"`
	Seconds  float64          `json:"seconds"`
	Counters map[string]int64 `json:"counters,omitempty"`

	acc   map[string]int64 // counters of instances replaced between groups
	pre   map[string]int64 // what the current instance counted in pre-passes
	nanos atomic.Int64
	in    atomic.Int64
	out   atomic.Int64
	bin   atomic.Int64
	bout  atomic.Int64
}

// SourceStats counts what a build did with one source.
type SourceStats struct {
	Name string `json:"name"`
	// Inputs is the number of input shards; Resumed those a previous run had
	// already committed.
	Inputs  int   `json:"inputs"`
	Resumed int   `json:"resumed"`
	DocsIn  int64 `json:"docs_in"`
	BytesIn int64 `json:"bytes_in"`
	// Skipped counts input records that could not be read, by reason;
	// SkipExamples holds the first few errors in full.
	Skipped      map[string]int64 `json:"skipped"`
	SkipExamples []string         `json:"skip_examples,omitempty"`
	Steps        []*StepStats     `json:"steps"`
	// Drops counts dropped documents by reason ("step:rule").
	Drops    map[string]int64 `json:"drops"`
	DocsOut  int64            `json:"docs_out"`
	BytesOut int64            `json:"bytes_out"`
	Tokens   int64            `json:"tokens"`
	Seconds  float64          `json:"seconds"`

	mu    sync.Mutex
	din   atomic.Int64
	bin   atomic.Int64
	dout  atomic.Int64
	bout  atomic.Int64
	toks  atomic.Int64
	start time.Time
}

// maxSkipExamples bounds the errors kept in full per source.
const maxSkipExamples = 20

// Stats is a build's report, written to stats.json and printed as the
// summary table.
type Stats struct {
	Sources []*SourceStats `json:"sources"`
	Seconds float64        `json:"seconds"`
	Workers int            `json:"workers"`
}

func newSourceStats(name string, steps []Step) *SourceStats {
	s := &SourceStats{Name: name, Skipped: map[string]int64{}, Drops: map[string]int64{}, start: time.Now()}
	for _, st := range steps {
		s.Steps = append(s.Steps, &StepStats{Name: st.Name()})
	}
	return s
}

func (s *SourceStats) skip(err error) {
	var re *RecordError
	msg := err.Error()
	if errors.As(err, &re) {
		msg = re.Error()
	}
	// Filtered records are expected by the thousand; the examples are kept
	// for damage.
	var f *FilteredError
	filtered := errors.As(err, &f)
	s.mu.Lock()
	s.Skipped[SkipReason(err)]++
	if !filtered && len(s.SkipExamples) < maxSkipExamples {
		s.SkipExamples = append(s.SkipExamples, msg)
	}
	s.mu.Unlock()
}

func (s *SourceStats) addDrops(m map[string]int64) {
	if len(m) == 0 {
		return
	}
	s.mu.Lock()
	for k, v := range m {
		s.Drops[k] += v
	}
	s.mu.Unlock()
}

// finish copies the atomic counters into the exported fields.
func (s *SourceStats) finish(steps []Step) {
	s.DocsIn, s.BytesIn = s.din.Load(), s.bin.Load()
	s.DocsOut, s.BytesOut, s.Tokens = s.dout.Load(), s.bout.Load(), s.toks.Load()
	s.Seconds = time.Since(s.start).Seconds()
	for i, st := range s.Steps {
		st.DocsIn, st.DocsOut = st.in.Load(), st.out.Load()
		st.BytesIn, st.BytesOut = st.bin.Load(), st.bout.Load()
		st.Seconds = float64(st.nanos.Load()) / 1e9
		st.keep(steps[i])
		st.Counters = st.acc
	}
}

// keep adds a step instance's counters to the totals.
func (st *StepStats) keep(step Step) {
	r, ok := step.(StatsReporter)
	if !ok {
		return
	}
	if st.acc == nil {
		st.acc = map[string]int64{}
	}
	for k, v := range r.Counters() {
		st.acc[k] += v - st.pre[k]
	}
	st.pre = nil
}

// discount records what a step counted while it ran in a pre-pass (between
// two snapshots of its counters): the documents it saw there are seen again
// in the main pass, and the stats count each once.
func (st *StepStats) discount(before, after map[string]int64) {
	if st.pre == nil {
		st.pre = map[string]int64{}
	}
	for k, v := range after {
		st.pre[k] += v - before[k]
	}
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
