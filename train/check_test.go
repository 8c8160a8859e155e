package train

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// checkFile is a LLAMACK1 one-step reference file written by
// testdata/ref_llama_train.py (format in that script's write_check_bin).
type checkFile struct {
	cfg                    Config
	batch                  int
	lr                     float64
	loss, gradNorm, coef   float64
	lossAfter              float64
	loss64, gnorm64        float64
	lossAfter64            float64
	tokens                 [][]int32 // [B][T+1]
	params, grads, updated []float32
}

func readCheck(r io.Reader) (*checkFile, error) {
	buf, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(buf) < 168 || string(buf[:8]) != "LLAMACK1" {
		return nil, fmt.Errorf("not a LLAMACK1 file")
	}
	le := binary.LittleEndian
	i32 := func(i int) int { return int(int32(le.Uint32(buf[8+4*i:]))) }
	f32 := func(i int) float32 { return math.Float32frombits(le.Uint32(buf[72+4*i:])) }
	f64 := func(i int) float64 { return math.Float64frombits(le.Uint64(buf[104+8*i:])) }
	if i32(0) != 1 || i32(3) != i32(4) {
		return nil, fmt.Errorf("version %d, n_heads %d, n_kv_heads %d", i32(0), i32(3), i32(4))
	}
	c := &checkFile{batch: i32(8), lr: float64(f32(2))}
	c.cfg = Config{Dim: i32(1), NLayers: i32(2), NHeads: i32(3), Hidden: i32(5), Vocab: i32(6), SeqLen: i32(7),
		Tied: i32(9) == 1, NormEps: f32(0), RopeTheta: float64(f32(1))}
	c.loss, c.gradNorm, c.coef, c.lossAfter = f64(0), f64(1), f64(2), f64(3)
	c.loss64, c.gnorm64, c.lossAfter64 = f64(4), f64(5), f64(6)
	off := 168
	T := c.cfg.SeqLen
	for range c.batch {
		row := make([]int32, T+1)
		for t := range row {
			row[t] = int32(le.Uint32(buf[off:]))
			off += 4
		}
		c.tokens = append(c.tokens, row)
	}
	n := c.cfg.NumParams()
	if want := off + 3*4*n; len(buf) != want {
		return nil, fmt.Errorf("size %d, want %d for %d parameters", len(buf), want, n)
	}
	sec := func() []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = math.Float32frombits(le.Uint32(buf[off:]))
			off += 4
		}
		return s
	}
	c.params, c.grads, c.updated = sec(), sec(), sec()
	return c, nil
}

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

// runCheck replays the reference's one step and compares every quantity with
// the tolerances of the kit's README.
func runCheck(t *testing.T, c *checkFile) {
	t.Helper()
	m, err := newModel(c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Params) != len(c.params) {
		t.Fatalf("model has %d parameters, file %d", len(m.Params), len(c.params))
	}
	copy(m.Params, c.params)
	in := make([][]int32, c.batch)
	tg := make([][]int32, c.batch)
	for b, row := range c.tokens {
		in[b], tg[b] = row[:len(row)-1], row[1:]
	}
	loss, err := m.Forward(in, tg)
	if err != nil {
		t.Fatal(err)
	}
	m.ZeroGrad()
	if err := m.Backward(); err != nil {
		t.Fatal(err)
	}
	if e := relErr(loss, c.loss64); e > 1e-5 {
		t.Errorf("loss %.9f, fp64 reference %.9f (rel %.2e)", loss, c.loss64, e)
	}
	gn := m.GradNorm()
	if e := relErr(gn, c.gnorm64); e > 1e-5 {
		t.Errorf("grad norm %.9f, fp64 reference %.9f (rel %.2e)", gn, c.gnorm64, e)
	}
	t.Logf("loss %.9f (fp64 ref %.9f), grad norm %.9f (fp64 ref %.9f)", loss, c.loss64, gn, c.gnorm64)
	worst := 0.0
	for _, s := range m.Tensors() {
		got, want := m.Grads[s.Offset:s.Offset+s.Size], c.grads[s.Offset:s.Offset+s.Size]
		var maxAbs, maxDiff float64
		for i := range want {
			maxAbs = max(maxAbs, math.Abs(float64(want[i])))
			maxDiff = max(maxDiff, math.Abs(float64(got[i]-want[i])))
		}
		worst = max(worst, maxDiff/maxAbs)
		if maxDiff > 1e-4*maxAbs {
			t.Errorf("grad %s: max |Δ| %.3g > 1e-4 × max |g| %.3g", s.Name, maxDiff, maxAbs)
		}
	}
	t.Logf("worst gradient max|Δ|/max|g| %.2e", worst)
	opt := NewAdamW(m, AdamWConfig{Beta1: 0.9, Beta2: 0.95, Eps: 1e-8, WeightDecay: 0.1, GradClip: 1})
	st := opt.Step(c.lr)
	if e := relErr(st.ClipCoef, c.coef); e > 1e-5 {
		t.Errorf("clip coef %.9f, reference %.9f", st.ClipCoef, c.coef)
	}
	var maxUpd float64
	for i, want := range c.updated {
		maxUpd = max(maxUpd, math.Abs(float64(m.Params[i]-want)))
	}
	if maxUpd > 1e-4 {
		t.Errorf("updated parameters: max |Δ| %.3g > 1e-4", maxUpd)
	}
	loss2, err := m.Forward(in, tg)
	if err != nil {
		t.Fatal(err)
	}
	if e := relErr(loss2, c.lossAfter64); e > 1e-5 {
		t.Errorf("loss after step %.9f, fp64 reference %.9f (rel %.2e)", loss2, c.lossAfter64, e)
	}
	t.Logf("updated max |Δ| %.2e; loss after step %.9f (fp64 ref %.9f)", maxUpd, loss2, c.lossAfter64)
}

// TestCheckTied replays llama_check_tiny_T128_B2.bin (tiny, tied, T 128,
// B 2), shipped gzipped; sha256 of the .bin is in the .json beside it.
func TestCheckTied(t *testing.T) {
	f, err := os.Open("testdata/llama_check_tiny_T128_B2.bin.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	c, err := readCheck(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !c.cfg.Tied || c.cfg.SeqLen != 128 || c.batch != 2 {
		t.Fatalf("unexpected file: %+v batch %d", c.cfg, c.batch)
	}
	runCheck(t, c)
	// The same with the classifier in uneven chunks of 7 rows.
	defer func(n int) { clsChunkFloats = n }(clsChunkFloats)
	clsChunkFloats = 7 * c.cfg.Vocab
	t.Run("chunked-classifier", func(t *testing.T) { runCheck(t, c) })
}

// systemPython returns Debian's interpreter when it has torch and numpy (a
// pyenv python3 earlier on PATH usually has neither).
func systemPython(t *testing.T) string {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import torch, numpy").Run(); err != nil {
		t.Skipf("skipping: %s with torch and numpy not available (apt-get install python3-torch python3-numpy): %v", py, err)
	}
	return py
}

// TestCheckUntied regenerates llama_check_tiny_T32_B2_untied.bin with the
// PyTorch reference (too big to ship next to the tied file) and replays it.
func TestCheckUntied(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping PyTorch regeneration in -short mode")
	}
	py := systemPython(t)
	dir := t.TempDir()
	cmd := exec.Command(py, "testdata/ref_llama_train.py", "check", "--config", "tiny", "--batch", "2", "--seq", "32", "--untied", "--out", dir)
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("reference check: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "llama_check_tiny_T32_B2_untied.bin"))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Sha string `json:"bin_sha256"`
	}
	if j, err := os.ReadFile("testdata/llama_check_tiny_T32_B2_untied.json"); err == nil && json.Unmarshal(j, &meta) == nil {
		// Another torch or numpy build may round differently; the
		// comparisons below are what must hold, so this is only reported.
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got == meta.Sha {
			t.Logf("regenerated file is byte-identical to the kit's (sha256 %s)", got)
		} else {
			t.Logf("regenerated file sha256 %s differs from the kit's %s", got, meta.Sha)
		}
	}
	c, err := readCheck(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.Tied || c.cfg.SeqLen != 32 {
		t.Fatalf("unexpected file: %+v", c.cfg)
	}
	runCheck(t, c)
}

// TestScheduleProbes compares the LR schedule with the probes in the kit's
// .json (lr 3e-4, warm-up 2000, total 100000).
func TestScheduleProbes(t *testing.T) {
	j, err := os.ReadFile("testdata/llama_check_tiny_T128_B2.json")
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Probe map[string]float64 `json:"lr_schedule_probe"`
	}
	if err := json.Unmarshal(j, &meta); err != nil {
		t.Fatal(err)
	}
	if len(meta.Probe) != 8 {
		t.Fatalf("%d probes", len(meta.Probe))
	}
	s := NewSchedule(3e-4, 2000, 100000)
	for k, want := range meta.Probe {
		var it int
		fmt.Sscan(k, &it)
		if got := s.LR(it); math.Abs(got-want) > 1e-12*want {
			t.Errorf("LR(%d) = %.17g, want %.17g", it, got, want)
		}
	}
}
