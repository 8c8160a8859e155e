package data

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// recordingReaderAt records every range read through it.
type recordingReaderAt struct {
	storage.ReaderAt
	mu     *sync.Mutex
	ranges *[][2]int64
}

func (r recordingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	r.mu.Lock()
	*r.ranges = append(*r.ranges, [2]int64{off, off + int64(len(p))})
	r.mu.Unlock()
	return r.ReaderAt.ReadAt(p, off)
}

// chunkRanges returns, per row group, the byte range of each column chunk,
// keyed by column path, and where the footer starts.
func chunkRanges(t *testing.T, file string) (rgs []map[string][2]int64, footer int64) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, rg := range f.Metadata().RowGroups {
		m := map[string][2]int64{}
		for _, c := range rg.Columns {
			md := c.MetaData
			start := md.DataPageOffset
			if md.DictionaryPageOffset > 0 && md.DictionaryPageOffset < start {
				start = md.DictionaryPageOffset
			}
			m[strings.Join(md.PathInSchema, ".")] = [2]int64{start, start + md.TotalCompressedSize}
		}
		rgs = append(rgs, m)
	}
	// The footer follows the last column chunk.
	footer = 0
	for _, m := range rgs {
		for _, r := range m {
			footer = max(footer, r[1])
		}
	}
	return rgs, footer
}

func TestReadsOnlyNeededRowGroups(t *testing.T) {
	dir := t.TempDir()
	src := []CorpusSource{{Name: "web", Weight: 1, Shards: [][]int{{10, 10, 10, 10, 10, 10}}, MaxLen: 300}}
	path := WriteCorpus(t, dir, src)
	rgs, footer := chunkRanges(t, filepath.Join(dir, "tokens/web/000.parquet"))

	var mu sync.Mutex
	var ranges [][2]int64
	wrap := func(key string, r storage.ReaderAt) storage.ReaderAt {
		return recordingReaderAt{r, &mu, &ranges}
	}
	cfg := Config{Seed: 3, SeqLen: 64, GlobalBatch: 32, TokenBudget: 64 * 32 * 2, Window: 1, NoReadAhead: true}
	l, err := open(context.Background(), path, cfg, wrap)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	// classify names each range: the footer, or a column chunk of a row group.
	classify := func(r [2]int64) string {
		if r[0] >= footer {
			return "footer"
		}
		for g, m := range rgs {
			for col, c := range m {
				if r[0] >= c[0] && r[1] <= c[1] {
					return fmt.Sprintf("%d:%s", g, col)
				}
			}
		}
		return fmt.Sprintf("unknown [%d,%d)", r[0], r[1])
	}
	readSet := func() []string {
		mu.Lock()
		defer mu.Unlock()
		var out []string
		for _, r := range ranges {
			out = append(out, classify(r))
		}
		ranges = nil
		sort.Strings(out)
		return out
	}

	// Open reads the footer and every row group's n_tokens, one ReadAt each.
	want := []string{}
	for g := range rgs {
		want = append(want, fmt.Sprintf("%d:n_tokens", g))
	}
	got := slices.Compact(readSet())
	if !slices.Equal(got, append(want, "footer")) {
		t.Fatalf("Open read %v, want the footer and %v", got, want)
	}

	// The first step needs the windows holding stream positions
	// [0, 32*64+1); with a window of one row group those are known from the
	// epoch's layout, and the batch's own tokens name the row groups of the
	// documents they come from.
	b, err := l.Next()
	if err != nil {
		t.Fatal(err)
	}
	lay := l.streams[0].layout(0)
	need := map[int]bool{}
	for w := range len(lay.start) - 1 {
		if lay.start[w] < 32*64+1 {
			need[l.streams[0].rgs[lay.order[w]].index] = true
		}
	}
	fromTokens := map[int]bool{}
	for _, row := range append(b.Inputs, b.Targets...) {
		for _, tok := range row {
			if tok > CorpusEOS {
				_, d, _ := DecodeCorpusToken(tok)
				fromTokens[d/10] = true
			}
		}
	}
	for g := range fromTokens {
		if !need[g] {
			t.Errorf("batch holds tokens of row group %d, which the layout did not need", g)
		}
	}
	var wantNext []string
	for g := range need {
		wantNext = append(wantNext, fmt.Sprintf("%d:n_tokens", g), fmt.Sprintf("%d:tokens.list.element", g))
	}
	got = readSet()
	var chunks []string
	for _, c := range got {
		if c != "footer" {
			chunks = append(chunks, c)
		}
	}
	sort.Strings(wantNext)
	if !slices.Equal(chunks, wantNext) {
		t.Fatalf("step 0 read %v, want exactly one read of each of %v (plus footers)", got, wantNext)
	}
	if len(need) >= len(rgs) {
		t.Fatalf("the test needs a step that reads fewer than all %d row groups", len(rgs))
	}
	t.Logf("step 0 read row groups %v of %d; stats %+v", slices.Sorted(func(yield func(int) bool) {
		for g := range need {
			if !yield(g) {
				return
			}
		}
	}), len(rgs), l.Stats())
}

func TestCorruptShard(t *testing.T) {
	dir := t.TempDir()
	path := WriteCorpus(t, dir, mixSources)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Claim 1000 tokens more for the first books shard than it holds (and
	// for its source, so that the manifest is consistent in itself).
	m, err := manifest.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	m.Sources[0].Shards[0].Tokens += 1000
	m.Sources[0].Tokens += 1000
	bad, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), path, mixConfig)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "manifest says") {
		t.Fatalf("err %v, want ErrCorrupt naming the mismatch", err)
	}

	// A shard that is not Parquet.
	path = WriteCorpus(t, dir, mixSources)
	if err := os.WriteFile(filepath.Join(dir, "tokens/wiki/001.parquet"), []byte("not parquet at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), path, mixConfig)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "tokens/wiki/001.parquet") {
		t.Fatalf("err %v, want ErrCorrupt naming the shard", err)
	}
}

// TestShardDigests: a shard that differs from its manifest entry is refused
// at Open, naming the file, the expected value and the actual one. The flip
// is in the footer's created_by string, so the file still parses: only the
// digest can tell.
func TestShardDigests(t *testing.T) {
	dir := t.TempDir()
	path := WriteCorpus(t, dir, mixSources)
	shard := filepath.Join(dir, "tokens/github/001.parquet")
	good, err := os.ReadFile(shard)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.LastIndex(good, []byte("parquet-go"))
	if at < 0 {
		t.Fatal("no created_by in the footer")
	}
	flipped := bytes.Clone(good)
	flipped[at] ^= 0x20 // parquet-go → Parquet-go
	gotSum := sha256hex(flipped)
	wantSum := sha256hex(good)

	for _, tc := range []struct {
		name   string
		file   []byte
		cfg    func(Config) Config
		want   string // "" when Open must succeed
		hashed bool
	}{
		{"intact", good, nil, "", true},
		{"flipped byte", flipped, nil, fmt.Sprintf("data: shard %s: sha256 is %s, the manifest says %s", shard, gotSum, wantSum), true},
		{"flipped byte, sha256 skipped", flipped, func(c Config) Config { c.SkipSHA256 = true; return c }, "", false},
		{"one byte longer", append(bytes.Clone(good), 0), nil, fmt.Sprintf("the file has more than %d bytes, the manifest says %d", len(good), len(good)), true},
		{"one byte shorter", good[:len(good)-1], nil, fmt.Sprintf("the file has %d bytes, the manifest says %d", len(good)-1, len(good)), true},
		{"longer, sha256 skipped", append(bytes.Clone(good), 0), func(c Config) Config { c.SkipSHA256 = true; return c },
			fmt.Sprintf("data: shard %s: the file has %d bytes, the manifest says %d", shard, len(good)+1, len(good)), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(shard, tc.file, 0o644); err != nil {
				t.Fatal(err)
			}
			cfg := mixConfig
			if tc.cfg != nil {
				cfg = tc.cfg(cfg)
			}
			l, err := Open(context.Background(), path, cfg)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				defer l.Close()
				if h := l.Stats().HashedBytes; (h > 0) != tc.hashed {
					t.Errorf("hashed %d bytes", h)
				}
				return
			}
			if err == nil {
				l.Close()
				t.Fatalf("Open succeeded, want %q", tc.want)
			}
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "source github") {
				t.Errorf("err %v\nwant ErrCorrupt with %q", err, tc.want)
			}
		})
	}
}

func sha256hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// With read-ahead, the whole run loads each window it reads once, and none
// past its last sample.
func TestReadAheadStopsAtTheRunsEnd(t *testing.T) {
	src := []CorpusSource{{Name: "web", Weight: 1, Shards: [][]int{{10, 10, 10, 10, 10, 10}}, MaxLen: 300}}
	path := WriteCorpus(t, t.TempDir(), src)
	cfg := Config{Seed: 3, SeqLen: 64, GlobalBatch: 32, TokenBudget: 64 * 32 * 2, Window: 1}
	l := openT(t, path, cfg)
	drain(t, l)
	lay := l.streams[0].layout(0)
	limit := l.streams[0].limit
	if limit > l.streams[0].perEp {
		t.Fatalf("the test wants a run shorter than an epoch")
	}
	want := int64(0)
	for w := range len(lay.start) - 1 {
		if lay.start[w] < limit {
			want++
		}
	}
	if got := l.Stats().RowGroups; got != want || want >= 6 {
		t.Errorf("loaded %d row groups, the run reads %d of 6", got, want)
	}
}
