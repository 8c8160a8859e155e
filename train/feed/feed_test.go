package feed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/parquet-go/parquet-go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/train/data"
)

// The test corpora follow train/data's convention: token k of document d of
// source s is 10 + s*1e6 + d*1000 + k, so a wrong row is visible at a
// glance; BOS is 1 and EOS 2. groups[s][i][g] is the number of documents in
// row group g of shard i of source s.
type corpusSource struct {
	name   string
	weight float64
	shards [][]int
	maxLen int
}

var testSources = []corpusSource{
	{"books", 0.3, [][]int{{9, 9}, {9, 9, 9, 8}}, 60},
	{"github", 0.4, [][]int{{60, 60}, {60, 60}, {50}}, 50},
	{"wiki", 0.3, [][]int{{12, 12, 12}, {12, 12, 10}}, 40},
}

// writeCorpus writes token shards and a manifest (version 1) into dir and
// returns the manifest's path.
func writeCorpus(t testing.TB, dir string, sources []corpusSource) string {
	t.Helper()
	m := &manifest.Manifest{Format: manifest.FormatVersion, Version: 1, RecipeSHA256: "test",
		Tokenizer: &manifest.Tokenizer{Path: "tokenizer.model", VocabSize: 32000, BOS: 1, EOS: 2}}
	for si, src := range sources {
		ms := manifest.Source{Name: src.name, Weight: src.weight}
		d := 0
		for shi, groups := range src.shards {
			var buf bytes.Buffer
			w := parquet.NewGenericWriter[manifest.TokenRow](&buf, parquet.Compression(&parquet.Zstd))
			sh := manifest.Shard{Kind: manifest.KindTokens, Path: fmt.Sprintf("tokens/%s/%03d.parquet", src.name, shi)}
			for _, n := range groups {
				rows := make([]manifest.TokenRow, n)
				for i := range rows {
					toks := make([]int32, 1+(d*37+si*11)%src.maxLen)
					for k := range toks {
						toks[k] = int32(10 + si*1_000_000 + d*1000 + k)
					}
					rows[i] = manifest.TokenRow{ID: fmt.Sprintf("%s:%d", src.name, d), Source: src.name, Tokens: toks, NTokens: int32(len(toks))}
					sh.Rows++
					sh.Tokens += int64(len(toks))
					d++
				}
				if _, err := w.Write(rows); err != nil {
					t.Fatal(err)
				}
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, filepath.FromSlash(sh.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(buf.Bytes())
			sh.SHA256, sh.Bytes = hex.EncodeToString(sum[:]), int64(buf.Len())
			ms.Shards = append(ms.Shards, sh)
			ms.Docs += sh.Rows
			ms.Tokens += sh.Tokens
			ms.Bytes += sh.Bytes
		}
		m.Sources = append(m.Sources, ms)
	}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "manifest.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// serve starts a server on loopback and returns a Flight client for it and
// a function that shuts the server down and returns Serve's result.
func serve(t testing.TB, o Options) (flight.Client, func() error) {
	t.Helper()
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis) }()
	c, err := flight.NewClientWithMiddleware(lis.Addr().String(), nil, nil,
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	stop := sync.OnceValue(func() error {
		cancel()
		return <-done
	})
	t.Cleanup(func() {
		c.Close()
		stop()
	})
	return c, stop
}

// row is one sequence as a client sees it.
type row struct {
	step   int64
	source string
	tokens []int32
}

// fetch reads a whole stream through arrow-go's Flight client.
func fetch(t testing.TB, c flight.Client, tk Ticket) (*arrow.Schema, []row, error) {
	t.Helper()
	st, err := c.DoGet(context.Background(), &flight.Ticket{Ticket: tk.Marshal()})
	if err != nil {
		return nil, nil, err
	}
	rd, err := flight.NewRecordReader(st)
	if err != nil {
		return nil, nil, err
	}
	defer rd.Release()
	var out []row
	for rd.Next() {
		out = append(out, rows(rd.RecordBatch())...)
	}
	return rd.Schema(), out, rd.Err()
}

func rows(rec arrow.RecordBatch) []row {
	steps := rec.Column(0).(*array.Int64)
	names := rec.Column(1).(*array.String)
	toks := rec.Column(2).(*array.FixedSizeList)
	w := int(toks.DataType().(*arrow.FixedSizeListType).Len())
	vals := toks.ListValues().(*array.Int32).Int32Values()
	var out []row
	for i := 0; i < int(rec.NumRows()); i++ {
		out = append(out, row{steps.Value(i), names.Value(i), slices.Clone(vals[i*w : (i+1)*w])})
	}
	return out
}

// want reads the same run from train/data directly: what the Go trainer
// gets for cfg, from step start to end (0: the end of the run).
func want(t testing.TB, path string, cfg data.Config, start, end int64) []row {
	t.Helper()
	l, err := data.Open(context.Background(), path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if start > 0 {
		if err := l.Resume(data.State{Samples: start * int64(cfg.GlobalBatch), ConfigHash: l.Plan().ConfigHash}, false); err != nil {
			t.Fatal(err)
		}
	}
	var out []row
	for {
		b, err := l.Next()
		if err == io.EOF || (end > 0 && b.Step >= end) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		for i := range b.Inputs {
			L := len(b.Inputs[i])
			if !slices.Equal(b.Inputs[i][1:], b.Targets[i][:L-1]) {
				t.Fatalf("train/data step %d row %d: targets are not inputs shifted", b.Step, i)
			}
			out = append(out, row{b.Step, b.Sources[i], append(slices.Clone(b.Inputs[i]), b.Targets[i][L-1])})
		}
	}
}

func sameRows(t *testing.T, got, want []row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, train/data gives %d", len(got), len(want))
	}
	for i := range got {
		if got[i].step != want[i].step || got[i].source != want[i].source || !slices.Equal(got[i].tokens, want[i].tokens) {
			t.Fatalf("row %d: got step %d %s %v\nwant step %d %s %v", i,
				got[i].step, got[i].source, got[i].tokens, want[i].step, want[i].source, want[i].tokens)
		}
	}
}

var baseTicket = Ticket{Seed: 7, SeqLen: 16, GlobalBatch: 8, Steps: 100, Window: 2}

func TestStreamEqualsLoader(t *testing.T) {
	dir := t.TempDir()
	path := writeCorpus(t, dir, testSources)
	c, _ := serve(t, Options{Root: dir})
	for _, tc := range []struct {
		name        string
		rank, world int
		start, end  int64
		maxRecord   int
	}{
		{name: "world1", rank: 0, world: 1},
		{name: "rank0of2", rank: 0, world: 2},
		{name: "rank1of2", rank: 1, world: 2},
		{name: "rank1of2-resume37", rank: 1, world: 2, start: 37},
		{name: "rank0of2-resume37-to60", rank: 0, world: 2, start: 37, end: 60},
		{name: "rank3of4-resume99", rank: 3, world: 4, start: 99},
		{name: "at-end", rank: 0, world: 2, start: 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := baseTicket
			tk.Manifest, tk.Rank, tk.World, tk.StartStep, tk.EndStep = "manifest.json", tc.rank, tc.world, tc.start, tc.end
			schema, got, err := fetch(t, c, tk)
			if err != nil {
				t.Fatal(err)
			}
			cfg := tk.Config()
			w := want(t, path, cfg, tc.start, tc.end)
			if tc.start == 100 && len(w) != 0 {
				t.Fatalf("train/data serves %d rows after the last step", len(w))
			}
			sameRows(t, got, w)
			md := schema.Metadata()
			for k, v := range map[string]string{MetaSeqLen: "16", MetaRank: fmt.Sprint(tc.rank), MetaWorld: fmt.Sprint(tc.world),
				MetaStartStep: fmt.Sprint(tc.start), MetaSteps: "100", MetaManifestVersion: "1", MetaBOS: "1", MetaEOS: "2"} {
				if got, _ := md.GetValue(k); got != v {
					t.Errorf("schema metadata %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

// The ranks' rows of each step, concatenated in rank order, are the world-1
// batch; a resumed stream is the tail of the uninterrupted one.
func TestRanksMakeTheGlobalStream(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, testSources)
	c, _ := serve(t, Options{Root: dir, Manifest: filepath.Join(dir, "manifest.json")})
	get := func(rank, world int, start int64) []row {
		tk := baseTicket
		tk.Rank, tk.World, tk.StartStep = rank, world, start
		_, rs, err := fetch(t, c, tk)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	global := get(0, 1, 0)
	r0, r1 := get(0, 2, 0), get(1, 2, 0)
	var union []row
	for s := 0; s < 100; s++ {
		union = append(union, r0[s*4:(s+1)*4]...)
		union = append(union, r1[s*4:(s+1)*4]...)
	}
	sameRows(t, union, global)
	sameRows(t, get(1, 2, 50), r1[50*4:])
}

// A step larger than MaxRecordBytes comes as several records, rows in order.
func TestLargeStepsSplit(t *testing.T) {
	dir := t.TempDir()
	path := writeCorpus(t, dir, testSources)
	c, _ := serve(t, Options{Root: dir, Manifest: path, MaxRecordBytes: 3 * 17 * 4})
	tk := baseTicket
	tk.Rank, tk.World, tk.StartStep, tk.EndStep = 1, 2, 10, 20
	st, err := c.DoGet(context.Background(), &flight.Ticket{Ticket: tk.Marshal()})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := flight.NewRecordReader(st)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	var got []row
	records := 0
	for rd.Next() {
		records++
		got = append(got, rows(rd.RecordBatch())...)
	}
	if rd.Err() != nil {
		t.Fatal(rd.Err())
	}
	if records != 20 { // 10 steps of 4 rows as 3+1
		t.Errorf("%d records, want 20", records)
	}
	sameRows(t, got, want(t, path, tk.Config(), 10, 20))
}

func code(err error) codes.Code {
	if s, ok := status.FromError(err); ok {
		return s.Code()
	}
	var se interface{ GRPCStatus() *status.Status }
	if errors.As(err, &se) {
		return se.GRPCStatus().Code()
	}
	return codes.Unknown
}

func TestBadTickets(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, testSources)
	c, _ := serve(t, Options{Root: dir, Manifest: filepath.Join(dir, "manifest.json")})
	mod := func(f func(*Ticket)) string {
		tk := baseTicket
		f(&tk)
		return string(tk.Marshal())
	}
	for _, tc := range []struct {
		name, ticket string
		code         codes.Code
	}{
		{"not-json", "seed=1", codes.InvalidArgument},
		{"empty", "", codes.InvalidArgument},
		{"unknown-field", `{"seed":1,"seq_len":16,"global_batch":8,"steps":10,"sequence_length":16}`, codes.InvalidArgument},
		{"trailing", mod(func(*Ticket) {}) + "{}", codes.InvalidArgument},
		{"no-length", mod(func(t *Ticket) { t.Steps = 0 }), codes.InvalidArgument},
		{"steps-and-budget", mod(func(t *Ticket) { t.TokenBudget = 1000 }), codes.InvalidArgument},
		{"seq-len-0", mod(func(t *Ticket) { t.SeqLen = 0 }), codes.InvalidArgument},
		{"rank-out-of-range", mod(func(t *Ticket) { t.Rank, t.World = 2, 2 }), codes.InvalidArgument},
		{"negative-rank", mod(func(t *Ticket) { t.Rank, t.World = -1, 2 }), codes.InvalidArgument},
		{"batch-not-multiple", mod(func(t *Ticket) { t.World = 3 }), codes.InvalidArgument},
		{"start-past-end", mod(func(t *Ticket) { t.StartStep = 101 }), codes.InvalidArgument},
		{"end-past-run", mod(func(t *Ticket) { t.EndStep = 101 }), codes.InvalidArgument},
		{"end-before-start", mod(func(t *Ticket) { t.StartStep, t.EndStep = 5, 4 }), codes.InvalidArgument},
		{"negative-start", mod(func(t *Ticket) { t.StartStep = -1 }), codes.InvalidArgument},
		{"weight-for-absent-source", mod(func(t *Ticket) { t.Weights = map[string]float64{"arxiv": 1} }), codes.InvalidArgument},
		{"too-many-epochs", mod(func(t *Ticket) { t.Steps = 100000 }), codes.InvalidArgument},
		{"step-too-large", mod(func(t *Ticket) { t.SeqLen, t.GlobalBatch = 1<<20, 1<<12 }), codes.InvalidArgument},
		{"url", mod(func(t *Ticket) { t.Manifest = "s3://bucket/manifest.json" }), codes.InvalidArgument},
		{"file-url", mod(func(t *Ticket) { t.Manifest = "file:///etc/passwd" }), codes.InvalidArgument},
		{"missing-manifest", mod(func(t *Ticket) { t.Manifest = "nope/manifest.json" }), codes.NotFound},
		{"other-version", mod(func(t *Ticket) { t.ManifestVersion = 2 }), codes.FailedPrecondition},
		{"other-config-hash", mod(func(t *Ticket) { t.ConfigHash = "0123" }), codes.FailedPrecondition},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := c.DoGet(context.Background(), &flight.Ticket{Ticket: []byte(tc.ticket)})
			if err == nil {
				_, err = flight.NewRecordReader(st)
			}
			if code(err) != tc.code {
				t.Fatalf("got %v, want code %v", err, tc.code)
			}
			t.Log(err)
			_, err = c.GetFlightInfo(context.Background(), &flight.FlightDescriptor{Type: flight.DescriptorCMD, Cmd: []byte(tc.ticket)})
			if code(err) != tc.code {
				t.Fatalf("GetFlightInfo: got %v, want code %v", err, tc.code)
			}
		})
	}
}

func TestConfinement(t *testing.T) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "root")
	writeCorpus(t, filepath.Join(root, "run"), testSources)
	outside := filepath.Join(tmp, "outside")
	writeCorpus(t, outside, testSources)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// A folder link that leaves the root, a manifest link that leaves it,
	// and a manifest inside whose shards are links out of the root.
	must(os.Symlink(outside, filepath.Join(root, "escape")))
	must(os.MkdirAll(filepath.Join(root, "linked"), 0o755))
	must(os.Symlink(filepath.Join(outside, "manifest.json"), filepath.Join(root, "linked", "manifest.json")))
	must(os.MkdirAll(filepath.Join(root, "shardlink"), 0o755))
	raw, err := os.ReadFile(filepath.Join(outside, "manifest.json"))
	must(err)
	must(os.WriteFile(filepath.Join(root, "shardlink", "manifest.json"), raw, 0o644))
	must(os.Symlink(filepath.Join(outside, "tokens"), filepath.Join(root, "shardlink", "tokens")))
	// A link that stays inside the root is fine.
	must(os.Symlink(filepath.Join(root, "run"), filepath.Join(root, "alias")))

	c, _ := serve(t, Options{Root: root})
	for _, tc := range []struct {
		manifest string
		code     codes.Code
	}{
		{"run/manifest.json", codes.OK},
		{"run", codes.OK},
		{"./run/../run/manifest.json", codes.OK},
		{filepath.Join(root, "run", "manifest.json"), codes.OK},
		{"alias/manifest.json", codes.OK},
		{"../outside/manifest.json", codes.PermissionDenied},
		{"run/../../outside/manifest.json", codes.PermissionDenied},
		{"..", codes.PermissionDenied},
		{filepath.Join(outside, "manifest.json"), codes.PermissionDenied},
		{root + "/../outside/manifest.json", codes.PermissionDenied},
		{"/etc/passwd", codes.PermissionDenied},
		{"escape/manifest.json", codes.PermissionDenied},
		{"escape", codes.PermissionDenied},
		{"linked/manifest.json", codes.PermissionDenied},
		{"linked", codes.PermissionDenied},
		{"shardlink/manifest.json", codes.PermissionDenied},
	} {
		t.Run(tc.manifest, func(t *testing.T) {
			tk := baseTicket
			tk.Manifest, tk.EndStep = tc.manifest, 1
			_, rs, err := fetch(t, c, tk)
			if code(err) != tc.code && !(tc.code == codes.OK && err == nil) {
				t.Fatalf("got %v, want %v", err, tc.code)
			}
			if tc.code == codes.OK && len(rs) != 8 {
				t.Fatalf("%d rows, want 8", len(rs))
			}
			if err != nil {
				t.Log(err)
			}
		})
	}
	if _, err := New(Options{Root: root, Manifest: filepath.Join(outside, "manifest.json")}); !errors.Is(err, ErrOutsideRoot) {
		t.Errorf("a default manifest outside the root: %v", err)
	}
}

func TestGetFlightInfo(t *testing.T) {
	dir := t.TempDir()
	path := writeCorpus(t, dir, testSources)
	c, _ := serve(t, Options{Root: dir, Manifest: path})
	tk := baseTicket
	tk.Rank, tk.World, tk.StartStep = 1, 4, 90
	info, err := c.GetFlightInfo(context.Background(), &flight.FlightDescriptor{Type: flight.DescriptorCMD, Cmd: tk.Marshal()})
	if err != nil {
		t.Fatal(err)
	}
	if info.TotalRecords != 10*2 || info.TotalBytes != 10*2*17*4 || !info.Ordered || len(info.Endpoint) != 1 {
		t.Fatalf("info %+v", info)
	}
	schema, err := flight.DeserializeSchema(info.Schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantSchema := "schema:\n  fields: 3\n    - step: type=int64\n    - source: type=utf8\n    - tokens: type=fixed_size_list<item: int32>[17]"
	if got := schema.String(); len(got) < len(wantSchema) || got[:len(wantSchema)] != wantSchema {
		t.Errorf("schema:\n%s\nwant prefix\n%s", got, wantSchema)
	}
	pinned, err := ParseTicket(info.Endpoint[0].Ticket.Ticket)
	if err != nil {
		t.Fatal(err)
	}
	l, err := data.Open(context.Background(), path, tk.Config())
	if err != nil {
		t.Fatal(err)
	}
	hash := l.Plan().ConfigHash
	l.Close()
	if pinned.ManifestVersion != 1 || pinned.ConfigHash != hash {
		t.Fatalf("pinned ticket %+v, config hash %s", pinned, hash)
	}
	if h, _ := schema.Metadata().GetValue(MetaConfigHash); h != hash {
		t.Errorf("schema config hash %s, want %s", h, hash)
	}
	_, got, err := fetch(t, c, pinned)
	if err != nil {
		t.Fatal(err)
	}
	sameRows(t, got, want(t, path, tk.Config(), 90, 0))
	if _, err := c.GetFlightInfo(context.Background(), &flight.FlightDescriptor{Type: flight.DescriptorPATH, Path: []string{"x"}}); code(err) != codes.InvalidArgument {
		t.Errorf("a PATH descriptor: %v", err)
	}
}

// Ending Serve's context stops a running stream at a step boundary with
// Unavailable and the step to resume at, and Serve returns.
func TestShutdown(t *testing.T) {
	dir := t.TempDir()
	path := writeCorpus(t, dir, testSources)
	c, stop := serve(t, Options{Root: dir, Manifest: path})
	tk := baseTicket
	tk.Steps, tk.MaxEpochs = 1_000_000, 1e9
	st, err := c.DoGet(context.Background(), &flight.Ticket{Ticket: tk.Marshal()})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := flight.NewRecordReader(st)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	if !rd.Next() {
		t.Fatal(rd.Err())
	}
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	for rd.Next() {
	}
	if code(rd.Err()) != codes.Unavailable {
		t.Fatalf("stream ended with %v, want Unavailable", rd.Err())
	}
	t.Log(rd.Err())
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}

// Streams beyond MaxStreams are refused, not queued: a trainer rank that
// waits silently is worse than one that fails and says why.
func TestMaxStreams(t *testing.T) {
	dir := t.TempDir()
	path := writeCorpus(t, dir, testSources)
	c, _ := serve(t, Options{Root: dir, Manifest: path, MaxStreams: 1})
	tk := baseTicket
	tk.Steps, tk.MaxEpochs = 1_000_000, 1e9
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := c.DoGet(ctx, &flight.Ticket{Ticket: tk.Marshal()})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := flight.NewRecordReader(st)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	if !rd.Next() {
		t.Fatal(rd.Err())
	}
	_, _, err = fetch(t, c, baseTicket)
	if code(err) != codes.ResourceExhausted {
		t.Fatalf("second stream: %v, want ResourceExhausted", err)
	}
	cancel() // the first stream ends; its slot frees
	for i := 0; ; i++ {
		_, rs, err := fetch(t, c, baseTicket)
		if err == nil && len(rs) == 800 {
			break
		}
		if i == 500 || (err != nil && code(err) != codes.ResourceExhausted) {
			t.Fatalf("after the first stream ended: %d rows, %v", len(rs), err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
