package train

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func smallConfig(t testing.TB, tied bool) Config {
	cfg, err := Config{Dim: 32, NLayers: 2, NHeads: 4, Vocab: 64, SeqLen: 16, Tied: tied}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// trainSteps runs steps [from, to) on batches drawn from a generator seeded
// by the step number, so a resumed run sees the same data. The sequences
// follow x[t+1] = 3·x[t]+1 mod V from random starts: learnable, so the loss
// must fall.
func trainSteps(t testing.TB, m *Model, opt *AdamW, from, to int) []float64 {
	sched := NewSchedule(1e-2, 3, 20)
	var losses []float64
	for it := from; it < to; it++ {
		r := rand.New(rand.NewPCG(uint64(it), 99))
		in, tg := patternBatch(r, 3, m.cfg.SeqLen, m.cfg.Vocab)
		loss, err := m.Forward(in, tg)
		if err != nil {
			t.Fatal(err)
		}
		m.ZeroGrad()
		if err := m.Backward(); err != nil {
			t.Fatal(err)
		}
		opt.Step(sched.LR(it))
		losses = append(losses, loss)
	}
	return losses
}

// TestResumeBitExact trains 6 steps straight, and 3 steps + checkpoint +
// resume + 3 steps, and requires identical parameters, moments and losses.
// The second run uses another GOMAXPROCS, which must not change a bit either.
func TestResumeBitExact(t *testing.T) {
	for _, tied := range []bool{true, false} {
		cfg := smallConfig(t, tied)
		m1, err := NewModel(cfg, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		o1 := NewAdamW(m1, LlamaAdamW)
		want := trainSteps(t, m1, o1, 0, 6)

		prev := runtime.GOMAXPROCS(1)
		m2, _ := NewModel(cfg, rand.New(rand.NewPCG(1, 2)))
		o2 := NewAdamW(m2, LlamaAdamW)
		got := trainSteps(t, m2, o2, 0, 3)
		path := filepath.Join(t.TempDir(), "ck.bin")
		if err := SaveCheckpoint(path, m2, o2, []byte("loader@3")); err != nil {
			t.Fatal(err)
		}
		runtime.GOMAXPROCS(prev)
		res, err := LoadCheckpoint(path, &cfg)
		if err != nil {
			t.Fatal(err)
		}
		if string(res.Extra) != "loader@3" || res.Opt == nil || res.Opt.T != 3 {
			t.Fatalf("extra %q, opt %v", res.Extra, res.Opt)
		}
		got = append(got, trainSteps(t, res.Model, res.Opt, 3, 6)...)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("tied=%v step %d: loss %v resumed, %v straight", tied, i, got[i], want[i])
			}
		}
		for i := range m1.Params {
			if m1.Params[i] != res.Model.Params[i] || o1.M[i] != res.Opt.M[i] || o1.V[i] != res.Opt.V[i] {
				t.Fatalf("tied=%v: parameter %d differs after resume", tied, i)
			}
		}
		r := rand.New(rand.NewPCG(5, 99))
		in, tg := patternBatch(r, 3, cfg.SeqLen, cfg.Vocab)
		e1, _ := m1.Evaluate(in, tg)
		f1, _ := m1.Forward(in, tg)
		if e1 != f1 {
			t.Fatalf("Evaluate %v, Forward %v", e1, f1)
		}
		if _, err := m1.Evaluate(in, tg); err != nil || m1.Backward() == nil {
			t.Fatal("Backward accepted after Evaluate")
		}
		if want[5] > 0.9*want[0] {
			t.Errorf("loss did not fall: %v", want)
		}
	}
}

func TestCheckpointCorruptAndMismatch(t *testing.T) {
	cfg := smallConfig(t, true)
	m, _ := NewModel(cfg, rand.New(rand.NewPCG(1, 2)))
	var buf bytes.Buffer
	if err := WriteCheckpoint(&buf, m, nil, nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	res, err := ReadCheckpoint(bytes.NewReader(b))
	if err != nil || res.Opt != nil || !bytes.Equal(f32bytes(res.Model.Params), f32bytes(m.Params)) {
		t.Fatalf("round trip: %v", err)
	}
	bad := append([]byte(nil), b...)
	bad[len(bad)/2] ^= 1
	if _, err := ReadCheckpoint(bytes.NewReader(bad)); err == nil {
		t.Fatal("flipped bit not detected")
	}
	if _, err := ReadCheckpoint(bytes.NewReader(b[:len(b)-10])); err == nil {
		t.Fatal("truncated checkpoint accepted")
	}
	path := filepath.Join(t.TempDir(), "ck")
	os.WriteFile(path, b, 0o644)
	other := cfg
	other.Tied = false
	if _, err := LoadCheckpoint(path, &other); !errors.Is(err, ErrConfigMismatch) {
		t.Fatalf("mismatch: %v", err)
	}
}

func f32bytes(s []float32) []byte {
	var b bytes.Buffer
	writeF32s(&b, s)
	return b.Bytes()
}

func patternBatch(r *rand.Rand, B, T, V int) (in, tg [][]int32) {
	for range B {
		row := make([]int32, T+1)
		row[0] = int32(r.IntN(V))
		for i := 1; i <= T; i++ {
			row[i] = (3*row[i-1] + 1) % int32(V)
		}
		in = append(in, row[:T])
		tg = append(tg, row[1:])
	}
	return in, tg
}
