package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
	"github.com/tokenmill/tokenmill/train/data"
)

// writeTrainCorpus writes two learnable sources (counting by 1 and by 2 over
// disjoint token ranges) as token shards with a 512-token vocabulary.
func writeTrainCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	m := &manifest.Manifest{Format: manifest.FormatVersion, Version: 1,
		Tokenizer: &manifest.Tokenizer{Path: "t.model", VocabSize: 512, BOS: 1, EOS: 2}}
	for si, name := range []string{"count", "skip"} {
		var buf bytes.Buffer
		w := parquet.NewGenericWriter[manifest.TokenRow](&buf, parquet.Compression(&parquet.Zstd))
		sh := manifest.Shard{Kind: manifest.KindTokens, Path: "tokens/" + name + "/0.parquet"}
		for d := 0; d < 200; d++ {
			toks := make([]int32, 20+d%50)
			for k := range toks {
				toks[k] = int32(3 + si*250 + (d*7+k*(si+1))%240)
			}
			w.Write([]manifest.TokenRow{{ID: fmt.Sprint(d), Source: name, Tokens: toks, NTokens: int32(len(toks))}})
			sh.Rows++
			sh.Tokens += int64(len(toks))
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(buf.Bytes())
		sh.SHA256, sh.Bytes = hex.EncodeToString(sum[:]), int64(buf.Len())
		os.MkdirAll(filepath.Join(dir, "tokens", name), 0o755)
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(sh.Path)), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		m.Sources = append(m.Sources, manifest.Source{Name: name, Weight: 0.5, Shards: []manifest.Shard{sh}, Docs: sh.Rows, Tokens: sh.Tokens})
	}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "manifest.json")
	os.WriteFile(p, b, 0o644)
	return p
}

func runTrainCmd(t *testing.T, args ...string) (string, error) {
	return runCLI(t, "", false, append([]string{"train"}, args...)...)
}

var stepLine = regexp.MustCompile(`(?m)^step (\d+)/\d+  loss ([0-9.]+)  lr \S+  grad \S+  \d+ tok/s  \| count ([0-9.]+) skip ([0-9.]+)$`)

func TestTrainLossFallsAndResumes(t *testing.T) {
	manifestPath := writeTrainCorpus(t)
	common := []string{"--data", manifestPath, "--config", "tiny", "--steps", "40", "--batch", "4",
		"--seq-len", "32", "--lr", "5e-3", "--log-every", "10", "--ckpt-every", "10"}
	full := t.TempDir()
	out, err := runTrainCmd(t, append(common, "--out", full)...)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := stepLine.FindAllStringSubmatch(out, -1)
	if len(lines) != 4 {
		t.Fatalf("want 4 progress lines, got:\n%s", out)
	}
	t.Log("\n" + out)
	first, _ := strconv.ParseFloat(lines[0][2], 64)
	last, _ := strconv.ParseFloat(lines[3][2], 64)
	if !(first > 5.5 && last < first-1) {
		t.Errorf("loss %.3f → %.3f, want a clear fall from about ln 512 = 6.24:\n%s", first, last, out)
	}
	if !strings.Contains(out, "count ") || !strings.Contains(out, "epochs") {
		t.Errorf("no plan or per-source loss:\n%s", out)
	}

	// Interrupted after 20 steps, then resumed: the same final checkpoint,
	// byte for byte (model, optimizer, data position).
	part := t.TempDir()
	if out, err := runTrainCmd(t, append(common, "--out", part, "--stop-after", "20")...); err != nil || !strings.Contains(out, "stopped after step 20") {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err = runTrainCmd(t, append(common, "--out", part, "--resume")...)
	if err != nil || !strings.Contains(out, "resumed from") {
		t.Fatalf("%v\n%s", err, out)
	}
	a, _ := os.ReadFile(filepath.Join(full, "ckpt.bin"))
	b, _ := os.ReadFile(filepath.Join(part, "ckpt.bin"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("resumed run's checkpoint (%d bytes) differs from the uninterrupted run's (%d bytes)", len(b), len(a))
	}

	// Another data configuration is refused unless forced.
	_, err = runTrainCmd(t, append(common, "--out", part, "--resume", "--seed", "9")...)
	if err == nil || !strings.Contains(err.Error(), data.ErrConfigMismatch.Error()) {
		t.Errorf("resume under another seed: err %v, want the data mismatch", err)
	}
}

// buildSample builds the embedded sample's wikipedia source into a new
// folder: a real output with real token shards, in well under a second.
func buildSample(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := runCLI(t, "", false, "build", "--out", dir, "--only", "wikipedia", "--progress", "none"); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return dir
}

// flipFooterByte flips a byte of the shard's footer inside its created_by
// string ("tokenmill version ..." → "Tokenmill version ..."), so the file
// still parses and only its digest tells.
func flipFooterByte(t *testing.T, shard string) (before, after string) {
	t.Helper()
	b, err := os.ReadFile(shard)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.LastIndex(b, []byte("tokenmill version"))
	if at < 0 {
		t.Fatalf("%s: no created_by in the footer", shard)
	}
	before = hex.EncodeToString(sha256Sum(b))
	b[at] ^= 0x20
	after = hex.EncodeToString(sha256Sum(b))
	if err := os.WriteFile(shard, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return before, after
}

func sha256Sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

var sampleTrainArgs = []string{"--config", "tiny", "--steps", "2", "--batch", "2", "--seq-len", "32", "--log-every", "1"}

// TestTrainVerifiesShards: a byte flipped in a real built shard's footer
// (which still parses) stops train before its first step, naming the file
// and both digests; inspect lists it and exits non-zero. --skip-sha256
// trains anyway (the size is unchanged), which is what the flag is for.
func TestTrainVerifiesShards(t *testing.T) {
	out := buildSample(t)
	ok, err := runCLI(t, "", true, "inspect", out)
	if err != nil || !strings.Contains(ok, "all 4 shards match the manifest (size and sha256)") {
		t.Fatalf("inspect of an intact build: %v\n%s", err, ok)
	}
	if got, err := runTrainCmd(t, append(sampleTrainArgs, "--data", out, "--out", t.TempDir())...); err != nil {
		t.Fatalf("train on the intact build: %v\n%s", err, got)
	}
	// --meta shows what each shard's footer says.
	metaRep, err := runCLI(t, "", true, "inspect", out, "--meta")
	for _, want := range []string{
		"; columns id, source, tokens.list.element, n_tokens\n",
		"      tokenmill.tokenizer.sha256 = f2f9efb5515820f053eb1dc0f12125ed4a458f8206b30d905c100eeecbd5e367\n",
		"      tokenmill.tokenizer.vocab_size = 2000\n",
	} {
		if err != nil || !strings.Contains(metaRep, want) {
			t.Errorf("inspect --meta (%v) lacks %q:\n%s", err, want, metaRep)
		}
	}

	shard := filepath.Join(out, "tokens/wikipedia/dewiki-20230601-pages-articles.parquet")
	st, err := os.Stat(shard)
	if err != nil {
		t.Fatal(err)
	}
	want, got := flipFooterByte(t, shard)
	_, err = runTrainCmd(t, append(sampleTrainArgs, "--data", out, "--out", t.TempDir())...)
	wantErr := fmt.Sprintf("data: shard %s: sha256 is %s, the manifest says %s", shard, got, want)
	if err == nil || !strings.Contains(err.Error(), wantErr) || exitCode(err) != 1 {
		t.Errorf("train on a flipped shard: %v\nwant %q", err, wantErr)
	}
	if got, err := runTrainCmd(t, append(sampleTrainArgs, "--data", out, "--out", t.TempDir(), "--skip-sha256")...); err != nil {
		t.Errorf("train --skip-sha256: %v\n%s", err, got)
	}

	rep, err := runCLI(t, "", true, "inspect", out)
	if err == nil || exitCode(err) != 1 {
		t.Errorf("inspect exits with %v, want status 1", err)
	}
	for _, line := range []string{
		fmt.Sprintf("tokens/wikipedia/dewiki-20230601-pages-articles.parquet      rows       3 tokens       954 bytes %9d sha256 %s  MISMATCH", st.Size(), want),
		"bad shard: " + wantErr,
		"1 of 4 shards do not match the manifest",
	} {
		if !strings.Contains(rep, line) {
			t.Errorf("inspect lacks %q:\n%s", line, rep)
		}
	}

	// A missing shard, and a stray one the manifest does not list.
	os.Remove(filepath.Join(out, "docs/wikipedia/dewiki-20230601-pages-articles.parquet"))
	os.WriteFile(filepath.Join(out, "tokens/wikipedia/stray.parquet"), []byte("x"), 0o644)
	rep, err = runCLI(t, "", true, "inspect", out, "--shards=false")
	for _, line := range []string{
		"bad shard: data: storage: open ",
		"2 of 4 shards do not match the manifest",
		"note: 1 file(s) under tokens/ and docs/ are not in the manifest (a build killed or still running?):\n  tokens/wikipedia/stray.parquet\n",
	} {
		if err == nil || !strings.Contains(rep, line) {
			t.Errorf("inspect (%v) lacks %q:\n%s", err, line, rep)
		}
	}
	if rep, err := runCLI(t, "", true, "inspect", out, "--verify=false"); err != nil || strings.Contains(rep, "MISMATCH") {
		t.Errorf("inspect --verify=false: %v\n%s", err, rep)
	}
}

// TestTrainChecksManifestSizes: numbers in the manifest that would make
// train allocate without bound fail with a message, before any shard is
// read or any model allocated.
func TestTrainChecksManifestSizes(t *testing.T) {
	edit := func(t *testing.T, change func(m *manifest.Manifest)) string {
		p := writeTrainCorpus(t)
		m, err := manifest.Parse(mustRead(t, p))
		if err != nil {
			t.Fatal(err)
		}
		change(m)
		b, _ := m.Marshal()
		os.WriteFile(p, b, 0o644)
		return p
	}
	for _, tc := range []struct {
		name   string
		change func(m *manifest.Manifest)
		limit  int64 // memory limit for the run, 0 for none
		want   string
	}{
		{"vocab 1e8", func(m *manifest.Manifest) { m.Tokenizer.VocabSize = 1e8 }, 0,
			"manifest: tokenizer: vocab_size 100000000 is out of range [1, 16777216]"},
		{"negative vocab", func(m *manifest.Manifest) { m.Tokenizer.VocabSize = -1 }, 0, "vocab_size -1 is out of range"},
		{"negative tokens", func(m *manifest.Manifest) { m.Sources[0].Shards[0].Tokens = -5 }, 0,
			`source count: shard "tokens/count/0.parquet": tokens -5 is out of range`},
		{"inconsistent tokens", func(m *manifest.Manifest) { m.Sources[1].Tokens++ }, 0,
			"source skip: the source says 200 docs and 8901 tokens, its token shards add up to 200 and 8900"},
		{"vocab beyond memory", func(m *manifest.Manifest) { m.Tokenizer.VocabSize = 1 << 24 }, 4 << 30,
			"train: model tiny (vocab 16777216, dim 64, 2 layers) needs about 20.3 GiB to train at --batch 4 × --seq-len 32 " +
				"(parameters, gradients, AdamW moments, activations), more than the 4.0 GiB of GOMEMLIMIT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := edit(t, tc.change)
			if tc.limit > 0 {
				defer debug.SetMemoryLimit(debug.SetMemoryLimit(tc.limit))
			}
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := runTrainCmd(t, "--data", p, "--out", t.TempDir(), "--steps", "2", "--batch", "4", "--seq-len", "32")
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v\nwant %q", err, tc.want)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
				t.Errorf("allocated %d MB before failing", grew>>20)
			}
		})
	}
}

// TestTrainFlagErrors: flags that cannot make a run are usage errors (exit
// 2) that say which flag and why, all of them at once.
func TestTrainFlagErrors(t *testing.T) {
	p := writeTrainCorpus(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--steps", "10"}, "train: --data is required (a build's output folder or its manifest.json)"},
		{[]string{"--data", p}, "train: --steps 0 must be positive"},
		{[]string{"--data", p, "--steps", "-3"}, "train: --steps -3 must be positive"},
		{[]string{"--data", p, "--steps", "10", "--batch", "0"}, "train: --batch 0 must be positive"},
		{[]string{"--data", p, "--steps", "10", "--seq-len", "-1"}, "train: --seq-len -1 must be positive (or 0 for the model's)"},
		{[]string{"--data", p, "--steps", "10", "--lr", "0"}, "train: --lr 0 must be positive and finite"},
		{[]string{"--data", p, "--steps", "10", "--lr", "NaN"}, "train: --lr NaN must be positive and finite"},
		{[]string{"--data", p, "--steps", "10", "--log-every", "0"}, "train: --log-every 0 must be positive"},
		{[]string{"--data", p, "--steps", "10", "--ckpt-every", "-1"}, "train: --ckpt-every -1 must be positive"},
		{[]string{"--data", p, "--steps", "10", "--warmup", "-2"}, "train: --warmup -2 must be 0 or more"},
		{[]string{"--data", p, "--steps", "10", "--warmup", "11"}, "train: --warmup 11 exceeds --steps 10"},
		{[]string{"--data", p, "--steps", "10", "--max-epochs", "-1"}, "train: --max-epochs -1 must be positive"},
		{[]string{"--data", p, "--steps", "10", "--out", ""}, "train: --out must name a folder"},
		{[]string{"--data", p, "--steps", "10", "--weight", "count=-1"}, "train: --weight count=-1 must be finite and non-negative"},
		{[]string{"--data", p, "--steps", "10", "--weight", "count"}, `train: --weight "count": want SOURCE=NUMBER`},
		{[]string{"--data", p, "--steps", "10", "--seq-len", "4096"}, "train: --seq-len 4096 exceeds the model's 128"},
		{[]string{"--data", p, "--steps", "0", "--batch", "-1"}, "train: --steps 0 must be positive\n--batch -1 must be positive"},
		{[]string{"--data", filepath.Join(t.TempDir(), "nothing"), "--steps", "10"}, "/nothing: no manifest there (give a build's output folder or its manifest.json)"},
	} {
		_, err := runTrainCmd(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(err) != 2 {
			code := -1
			if err != nil {
				code = exitCode(err)
			}
			t.Errorf("train %q: err %v (exit %d)\nwant exit 2 with %q", tc.args, err, code, tc.want)
		}
	}
	// --memory-mb sets the limit the model must fit (-1: none).
	_, err := runTrainCmd(t, "--data", p, "--out", t.TempDir(), "--steps", "2", "--batch", "2", "--seq-len", "32", "--memory-mb", "1")
	if want := "more than the 1.0 MiB of memory limit given (--memory-mb)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("--memory-mb 1: %v, want %q", err, want)
	}
	if out, err := runTrainCmd(t, "--data", p, "--out", t.TempDir(), "--steps", "2", "--batch", "2", "--seq-len", "32", "--memory-mb", "-1"); err != nil {
		t.Errorf("--memory-mb -1: %v\n%s", err, out)
	}
	// An output folder stands for its manifest.
	if out, err := runTrainCmd(t, "--data", filepath.Dir(p), "--out", t.TempDir(), "--steps", "2", "--batch", "2", "--seq-len", "32"); err != nil {
		t.Errorf("--data FOLDER: %v\n%s", err, out)
	}
}

// TestTrainCleansStaleTemps: temporary checkpoints a killed trainer left
// are removed at the next start, and nothing else in --out is; a second
// trainer on the same --out is refused, naming the holder, and removes
// nothing.
func TestTrainCleansStaleTemps(t *testing.T) {
	p := writeTrainCorpus(t)
	out := t.TempDir()
	// A temporary file of the checkpoint writer itself, killed before its
	// commit, and others named the same way.
	killed, err := atomicfile.Create(filepath.Join(out, "ckpt.bin"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	killed.Write([]byte("partial"))
	stale, _ := filepath.Glob(filepath.Join(out, ".ckpt.bin"+atomicfile.TempMarker+"*"))
	if len(stale) != 1 {
		t.Fatalf("atomicfile made %v", stale)
	}
	stale = append(stale, filepath.Join(out, ".ckpt.bin.tmp-0123456789ab"), filepath.Join(out, ".ckpt.bin.tmp-ffffffffffff"))
	keep := []string{"notes.txt", ".other.bin.tmp-0123456789ab", "ckpt.bin.bak", ".ckpt.bin.tmpX"}
	for _, n := range keep {
		os.WriteFile(filepath.Join(out, n), []byte("partial"), 0o644)
	}
	for _, n := range stale[1:] {
		os.WriteFile(n, []byte("partial"), 0o644)
	}
	args := []string{"--data", p, "--out", out, "--steps", "2", "--batch", "2", "--seq-len", "32", "--log-every", "1"}

	// Another trainer holds the folder.
	lock := filepath.Join(out, "ckpt.bin.lock")
	f, err := os.OpenFile(lock, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("host elsewhere pid 4242\n")
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	_, err = runTrainCmd(t, args...)
	want := fmt.Sprintf("train: %s is in use by another trainer (host elsewhere pid 4242): give each run its own --out", filepath.Join(out, "ckpt.bin"))
	if err == nil || err.Error() != want {
		t.Errorf("err %v\nwant %q", err, want)
	}
	for _, n := range stale {
		if _, err := os.Stat(n); err != nil {
			t.Errorf("%s removed while another trainer holds the folder", n)
		}
	}
	f.Close() // the holder exits

	log, err := runTrainCmd(t, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if !strings.Contains(log, "removed 3 temporary checkpoint file(s) left by a killed run") {
		t.Errorf("no report of the removal:\n%s", log)
	}
	for _, n := range stale {
		if _, err := os.Stat(n); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: %v, want removed", n, err)
		}
	}
	for _, n := range append(keep, "ckpt.bin") {
		if _, err := os.Stat(filepath.Join(out, n)); err != nil {
			t.Errorf("%s: %v, want kept", n, err)
		}
	}
}

// TestExportCmd: the sample build exported both ways; the files' layouts
// are tested in train/export, this checks the command's flags and report.
func TestExportCmd(t *testing.T) {
	out := buildSample(t)
	dir := t.TempDir()
	rep, err := runCLI(t, "", true, "export", "--format", "megatron", "--data", out, "--out", dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, rep)
	}
	prefix := filepath.Join(dir, "wikipedia")
	for _, want := range []string{
		fmt.Sprintf("wikipedia                 8 docs           2311 tokens (EOS included)  %s.bin %s.idx\n", prefix, prefix),
		fmt.Sprintf("megatron: --data-path 0.045 %s\n", prefix),
	} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q:\n%s", want, rep)
		}
	}
	bin, _ := os.ReadFile(prefix + ".bin")
	if len(bin) != 2*2311 {
		t.Errorf(".bin is %d bytes, want 2311 uint16 tokens", len(bin))
	}
	rep, err = runCLI(t, "", true, "export", "--format", "npy", "--data", filepath.Join(out, "manifest.json"), "--out", dir, "--source", "wikipedia")
	if err != nil || !strings.Contains(rep, filepath.Join(dir, "wikipedia/dewiki-20230601-pages-articles.npy")) {
		t.Errorf("%v\n%s", err, rep)
	}
	for _, tc := range [][]string{{"--format", "arrow", "--data", out, "--out", dir}, {"--format", "npy", "--out", dir}} {
		if _, err := runCLI(t, "", true, append([]string{"export"}, tc...)...); err == nil || exitCode(err) != 2 {
			t.Errorf("export %q: %v, want a usage error", tc, err)
		}
	}
}

// TestTrainRefusesOtherTokenizer: a manifest whose tokenizer is not the one
// its token shards' footers name (shards of two builds listed together) is
// refused by train and reported by inspect.
func TestTrainRefusesOtherTokenizer(t *testing.T) {
	out := buildSample(t)
	p := filepath.Join(out, "manifest.json")
	m, err := manifest.Parse(mustRead(t, p))
	if err != nil {
		t.Fatal(err)
	}
	real := m.Tokenizer.SHA256
	m.Tokenizer.SHA256 = strings.Repeat("ab", 32)
	b, _ := m.Marshal()
	os.WriteFile(p, b, 0o644)
	want := "made by tokenizer " + real + ", the manifest's is " + m.Tokenizer.SHA256
	_, err = runTrainCmd(t, append(sampleTrainArgs, "--data", out, "--out", t.TempDir())...)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("train: %v, want %q", err, want)
	}
	rep, err := runCLI(t, "", true, "inspect", out)
	if err == nil || !strings.Contains(rep, want) || !strings.Contains(rep, "2 of 4 shards do not match the manifest") {
		t.Errorf("inspect: %v\n%s", err, rep)
	}
}
