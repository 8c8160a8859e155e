package export

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// The readers below are written from the formats' definitions (Megatron's
// _IndexReader and _MMapBinReader; Dolma's MemmapWriter and MemmapMetadata),
// not from this package's writers, and check every structural field.

// readMegatron reads PREFIX.idx and PREFIX.bin into documents.
func readMegatron(t *testing.T, prefix string) (docs [][]int32, code uint8) {
	t.Helper()
	idx, err := os.ReadFile(prefix + ".idx")
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(prefix + ".bin")
	if err != nil {
		t.Fatal(err)
	}
	if string(idx[:9]) != "MMIDIDX\x00\x00" {
		t.Fatalf("idx magic %q", idx[:9])
	}
	le := binary.LittleEndian
	if v := le.Uint64(idx[9:]); v != 1 {
		t.Fatalf("idx version %d", v)
	}
	code = idx[17]
	size := map[uint8]int{4: 4, 8: 2}[code]
	if size == 0 {
		t.Fatalf("dtype code %d", code)
	}
	n, nd := int(le.Uint64(idx[18:])), int(le.Uint64(idx[26:]))
	off := 34
	if want := off + 4*n + 8*n + 8*nd; len(idx) != want {
		t.Fatalf("idx is %d bytes, its counts (%d sequences, %d document indices) need %d", len(idx), n, nd, want)
	}
	lens := make([]int32, n)
	ptrs := make([]int64, n)
	for i := range n {
		lens[i] = int32(le.Uint32(idx[off+4*i:]))
		ptrs[i] = int64(le.Uint64(idx[off+4*n+8*i:]))
	}
	docIdx := make([]int64, nd)
	for i := range nd {
		docIdx[i] = int64(le.Uint64(idx[off+12*n+8*i:]))
	}
	if nd != n+1 || docIdx[0] != 0 || docIdx[nd-1] != int64(n) {
		t.Fatalf("document indices %v for %d sequences", docIdx, n)
	}
	var next int64
	for i := range n {
		if ptrs[i] != next {
			t.Fatalf("sequence %d at byte %d, want %d", i, ptrs[i], next)
		}
		next += int64(lens[i]) * int64(size)
		doc := make([]int32, lens[i])
		for k := range doc {
			p := ptrs[i] + int64(k*size)
			if size == 2 {
				doc[k] = int32(le.Uint16(bin[p:]))
			} else {
				doc[k] = int32(le.Uint32(bin[p:]))
			}
		}
		docs = append(docs, doc)
	}
	if next != int64(len(bin)) {
		t.Fatalf("bin is %d bytes, the index covers %d", len(bin), next)
	}
	return docs, code
}

type npyRow struct {
	ID, Src string
	Loc     int64
	Tokens  []int32
}

// readNpy reads BASE.npy (a headerless memmap of size-byte ids) and
// BASE.csv.gz.
func readNpy(t *testing.T, base string, size int) []npyRow {
	t.Helper()
	mm, err := os.ReadFile(base + ".npy")
	if err != nil {
		t.Fatal(err)
	}
	if len(mm)%size != 0 {
		t.Fatalf("npy of %d bytes for %d-byte ids", len(mm), size)
	}
	f, err := os.Open(base + ".csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(gz).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []npyRow
	var next int64
	for _, r := range recs {
		if len(r) != 5 {
			t.Fatalf("metadata row %q: want start,end,id,src,loc", r)
		}
		start, _ := strconv.ParseInt(r[0], 10, 64)
		end, _ := strconv.ParseInt(r[1], 10, 64)
		loc, _ := strconv.ParseInt(r[4], 10, 64)
		if start != next || end <= start || end*int64(size) > int64(len(mm)) {
			t.Fatalf("metadata row %q after token %d of %d", r, next, len(mm)/size)
		}
		next = end
		toks := make([]int32, end-start)
		for k := range toks {
			p := (start + int64(k)) * int64(size)
			if size == 2 {
				toks[k] = int32(binary.LittleEndian.Uint16(mm[p:]))
			} else {
				toks[k] = int32(binary.LittleEndian.Uint32(mm[p:]))
			}
		}
		out = append(out, npyRow{r[2], r[3], loc, toks})
	}
	if next*int64(size) != int64(len(mm)) {
		t.Fatalf("metadata covers %d tokens, the memmap holds %d", next, len(mm)/size)
	}
	return out
}

// shardRows reads a token shard the plain way.
func shardRows(t *testing.T, p string) []manifest.TokenRow {
	t.Helper()
	rows, err := parquet.ReadFile[manifest.TokenRow](p)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func withEOS(toks []int32, eos int32) []int32 {
	return append(append([]int32{}, toks...), eos)
}

// TestSampleRoundTrip exports the real sample build both ways and reads
// every document back, with its EOS, in the manifest's shard order.
func TestSampleRoundTrip(t *testing.T) {
	man := "testdata/sample/manifest.json"
	m, err := manifest.Parse(mustRead(t, man))
	if err != nil {
		t.Fatal(err)
	}
	var want []manifest.TokenRow
	var wantSrc []string
	for _, sh := range m.Sources[0].TokenShards() {
		rows := shardRows(t, filepath.Join("testdata/sample", sh.Path))
		want = append(want, rows...)
		for range rows {
			wantSrc = append(wantSrc, sh.Path)
		}
	}
	if len(want) != 7 {
		t.Fatalf("%d sample documents", len(want))
	}

	out := t.TempDir()
	res, err := Run(context.Background(), man, Options{Format: FormatMegatron, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(out, "wikipedia")
	wantRes := []Result{{Source: "wikipedia", Weight: 0.045, Docs: 7, Tokens: 2240 + 7, Prefix: prefix, Files: []string{prefix + ".bin", prefix + ".idx"}}}
	if !reflect.DeepEqual(res, wantRes) {
		t.Errorf("result %+v, want %+v", res, wantRes)
	}
	docs, code := readMegatron(t, prefix)
	if code != MegatronUint16 || len(docs) != 7 {
		t.Fatalf("dtype code %d, %d documents", code, len(docs))
	}
	for i, d := range docs {
		if !reflect.DeepEqual(d, withEOS(want[i].Tokens, 2)) {
			t.Errorf("megatron document %d: %v, want the shard's %s plus EOS", i, d, want[i].ID)
		}
	}

	out = t.TempDir()
	res, err = Run(context.Background(), man, Options{Format: FormatNpy, Out: out, Sources: []string{"wikipedia"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || len(res[0].Files) != 4 || res[0].Docs != 7 || res[0].Tokens != 2247 {
		t.Fatalf("result %+v", res)
	}
	var got []npyRow
	for _, f := range res[0].Files {
		if base, ok := strings.CutSuffix(f, ".npy"); ok {
			got = append(got, readNpy(t, base, 2)...)
		}
	}
	if !strings.HasSuffix(res[0].Files[2], "wikipedia/enwiki-20230601-pages-articles-multistream/streams=500-7001.npy") {
		t.Errorf("files %v", res[0].Files)
	}
	for i, r := range got {
		w := npyRow{want[i].ID, wantSrc[i], int64(i), withEOS(want[i].Tokens, 2)}
		if i >= 3 {
			w.Loc = int64(i - 3) // row in the second shard
		}
		if !reflect.DeepEqual(r, w) {
			t.Errorf("npy document %d: %+v\nwant %+v", i, r, w)
		}
	}
}

// writeShards writes one source's token shard with the given documents and
// a manifest with the given vocabulary, and returns the manifest's path.
func writeShards(t testing.TB, vocab int, eos int32, docs [][]int32) string {
	t.Helper()
	dir := t.TempDir()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[manifest.TokenRow](&buf)
	sh := manifest.Shard{Kind: manifest.KindTokens, Path: "tokens/web/0.parquet"}
	for i, d := range docs {
		if _, err := w.Write([]manifest.TokenRow{{ID: fmt.Sprint("web:", i), Source: "web", Tokens: d, NTokens: int32(len(d))}}); err != nil {
			t.Fatal(err)
		}
		sh.Rows++
		sh.Tokens += int64(len(d))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	sh.SHA256, sh.Bytes = hex.EncodeToString(sum[:]), int64(buf.Len())
	os.MkdirAll(filepath.Join(dir, "tokens/web"), 0o755)
	os.WriteFile(filepath.Join(dir, sh.Path), buf.Bytes(), 0o644)
	m := &manifest.Manifest{Format: manifest.FormatVersion, Version: 1,
		Tokenizer: &manifest.Tokenizer{VocabSize: vocab, BOS: 1, EOS: eos},
		Sources:   []manifest.Source{{Name: "web", Weight: 1, Shards: []manifest.Shard{sh}, Docs: sh.Rows, Tokens: sh.Tokens, Bytes: sh.Bytes}}}
	b, _ := m.Marshal()
	p := filepath.Join(dir, "manifest.json")
	os.WriteFile(p, b, 0o644)
	return p
}

// TestWideVocab: above 65500 pieces Megatron files hold int32 and above
// 65536 the memmap holds uint32, so ids past 65535 survive; an empty
// document is just its EOS.
func TestWideVocab(t *testing.T) {
	for _, tc := range []struct {
		vocab    int
		code     uint8
		npySize  int
		maxToken int32
	}{
		{65499, MegatronUint16, 2, 65498},
		{65500, MegatronInt32, 2, 65499},
		{65536, MegatronInt32, 2, 65535},
		{65537, MegatronInt32, 4, 65536},
		{128256, MegatronInt32, 4, 128255},
	} {
		t.Run(fmt.Sprint(tc.vocab), func(t *testing.T) {
			docs := [][]int32{{5, tc.maxToken, 7}, nil, {tc.maxToken}}
			p := writeShards(t, tc.vocab, 3, docs)
			out := t.TempDir()
			if _, err := Run(context.Background(), p, Options{Format: FormatMegatron, Out: out}); err != nil {
				t.Fatal(err)
			}
			got, code := readMegatron(t, filepath.Join(out, "web"))
			want := [][]int32{{5, tc.maxToken, 7, 3}, {3}, {tc.maxToken, 3}}
			if code != tc.code || !reflect.DeepEqual(got, want) {
				t.Errorf("megatron: code %d, %v; want %d, %v", code, got, tc.code, want)
			}
			if _, err := Run(context.Background(), p, Options{Format: FormatNpy, Out: out}); err != nil {
				t.Fatal(err)
			}
			rows := readNpy(t, filepath.Join(out, "web/0"), tc.npySize)
			for i, r := range rows {
				if !reflect.DeepEqual(r.Tokens, want[i]) || r.ID != fmt.Sprint("web:", i) || r.Loc != int64(i) || r.Src != "tokens/web/0.parquet" {
					t.Errorf("npy row %d: %+v, want tokens %v", i, r, want[i])
				}
			}
		})
	}
}

// TestRefuses: ids outside the vocabulary, a damaged shard, unknown
// formats and sources are errors, and leave no output files.
func TestRefuses(t *testing.T) {
	p := writeShards(t, 1000, 2, [][]int32{{5, 6}, {7, 1000}})
	for _, tc := range []struct {
		name string
		p    string
		o    Options
		want string
	}{
		{"id beyond vocab, megatron", p, Options{Format: FormatMegatron}, "row 1: export: token id 1000 is outside the vocabulary of 1000"},
		{"id beyond vocab, npy", p, Options{Format: FormatNpy}, "row 1: export: token id 1000 is outside the vocabulary of 1000"},
		{"format", p, Options{Format: "arrow"}, `export: format "arrow": want megatron or npy`},
		{"source", p, Options{Format: FormatNpy, Sources: []string{"books"}}, `export: the manifest has no source "books"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			tc.o.Out = out
			_, err := Run(context.Background(), tc.p, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want %q", err, tc.want)
			}
			var left []string
			filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
				if err == nil && !info.IsDir() {
					left = append(left, p)
				}
				return nil
			})
			if len(left) > 0 {
				t.Errorf("left %v", left)
			}
		})
	}

	// A flipped byte in a shard: refused before anything is written.
	good := writeShards(t, 1000, 2, [][]int32{{5, 6}, {7, 8}})
	shard := filepath.Join(filepath.Dir(good), "tokens/web/0.parquet")
	b := mustRead(t, shard)
	b[len(b)-20] ^= 1
	os.WriteFile(shard, b, 0o644)
	out := t.TempDir()
	_, err := Run(context.Background(), good, Options{Format: FormatMegatron, Out: out})
	if err == nil || !strings.Contains(err.Error(), "export: source web: data: shard "+shard+": sha256 is ") {
		t.Errorf("err %v", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("wrote %v", entries)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestNumpyReadsExports: NumPy, reading as Megatron and OLMo do
// (testdata/read_exports.py), gets back every document of the sample build
// and of a wide-vocabulary corpus. Skipped without /usr/bin/python3 and
// numpy (scripts/test.sh installs python3-numpy).
func TestNumpyReadsExports(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		t.Skipf("no numpy for %s: %v", py, err)
	}
	script, _ := filepath.Abs("testdata/read_exports.py")
	for _, tc := range []struct {
		name, manifest string
		npyDType       string
		megaDType      string
	}{
		{"sample", "testdata/sample/manifest.json", "uint16", "uint16"},
		{"wide", writeShards(t, 128256, 128001, [][]int32{{5, 128255, 70000}, nil, {65536}}), "uint32", "int32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := manifest.Parse(mustRead(t, tc.manifest))
			if err != nil {
				t.Fatal(err)
			}
			eos := m.Tokenizer.EOS
			type row struct {
				ID     string  `json:"id"`
				Src    string  `json:"src"`
				Loc    int64   `json:"loc"`
				Tokens []int32 `json:"tokens"`
			}
			var wantDocs [][]int32
			var wantRows []row
			for _, sh := range m.Sources[0].TokenShards() {
				for i, r := range shardRows(t, filepath.Join(filepath.Dir(tc.manifest), sh.Path)) {
					wantDocs = append(wantDocs, withEOS(r.Tokens, eos))
					wantRows = append(wantRows, row{r.ID, sh.Path, int64(i), withEOS(r.Tokens, eos)})
				}
			}
			mega, npyDir := t.TempDir(), t.TempDir()
			res, err := Run(context.Background(), tc.manifest, Options{Format: FormatMegatron, Out: mega})
			if err != nil {
				t.Fatal(err)
			}
			nres, err := Run(context.Background(), tc.manifest, Options{Format: FormatNpy, Out: npyDir})
			if err != nil {
				t.Fatal(err)
			}
			args := []string{script, res[0].Prefix, tc.npyDType}
			for _, f := range nres[0].Files {
				if base, ok := strings.CutSuffix(f, ".npy"); ok {
					args = append(args, base)
				}
			}
			out, err := exec.Command(py, args...).Output()
			if err != nil {
				t.Fatalf("%s: %v", py, err)
			}
			var got struct {
				Megatron struct {
					DType string    `json:"dtype"`
					Docs  [][]int32 `json:"docs"`
				} `json:"megatron"`
				Npy []row `json:"npy"`
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if got.Megatron.DType != tc.megaDType || !reflect.DeepEqual(got.Megatron.Docs, wantDocs) {
				t.Errorf("numpy read Megatron %s %v\nwant %s %v", got.Megatron.DType, got.Megatron.Docs, tc.megaDType, wantDocs)
			}
			if !reflect.DeepEqual(got.Npy, wantRows) {
				t.Errorf("numpy read npy %+v\nwant %+v", got.Npy, wantRows)
			}
		})
	}
}
