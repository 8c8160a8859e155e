package train

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestExportLlama2cRoundTrip(t *testing.T) {
	for _, tied := range []bool{true, false} {
		cfg := smallConfig(t, tied)
		m, _ := NewModel(cfg, rand.New(rand.NewPCG(3, 4)))
		var buf bytes.Buffer
		if err := ExportLlama2c(&buf, m); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		hd := cfg.HeadDim()
		want := 28 + 4*(len(m.Params)+2*cfg.SeqLen*hd/2)
		if len(b) != want {
			t.Fatalf("tied=%v: %d bytes, want %d", tied, len(b), want)
		}
		var hdr [7]int32
		binary.Read(bytes.NewReader(b), binary.LittleEndian, &hdr)
		wantV := int32(cfg.Vocab)
		if !tied {
			wantV = -wantV
		}
		if hdr != [7]int32{32, int32(cfg.Hidden), 2, 4, 4, wantV, 16} || cfg.Hidden != 96 {
			t.Fatalf("header %v", hdr)
		}
		// freq_cis_real[t=1][i=1] = cos(1·10000^(−2/8)) sits after the norm.
		normEnd := 28 + 4*m.specs[len(m.specs)-1].Offset
		if !tied {
			normEnd = 28 + 4*m.specs[len(m.specs)-2].Offset + 4*cfg.Dim
		} else {
			normEnd += 4 * cfg.Dim
		}
		got := math.Float32frombits(binary.LittleEndian.Uint32(b[normEnd+4*(1*hd/2+1):]))
		if w := math.Cos(math.Pow(10000, -2.0/8)); math.Abs(float64(got)-w) > 1e-6 {
			t.Fatalf("freq_cis_real[1][1] = %g, want %g", got, w)
		}
		m2, err := ReadLlama2c(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if m2.cfg.Hash() != m.cfg.Hash() || !bytes.Equal(f32bytes(m2.Params), f32bytes(m.Params)) {
			t.Fatalf("tied=%v: round trip differs (%+v)", tied, m2.cfg)
		}
		if _, err := ReadLlama2c(bytes.NewReader(b[:len(b)-4])); err == nil {
			t.Fatal("truncated file accepted")
		}
	}
}

func TestExportSafetensors(t *testing.T) {
	cfg := smallConfig(t, false)
	m, _ := NewModel(cfg, rand.New(rand.NewPCG(5, 6)))
	var buf bytes.Buffer
	if err := ExportSafetensors(&buf, m, map[string]string{"step": "7"}); err != nil {
		t.Fatal(err)
	}
	hlen := binary.LittleEndian.Uint64(buf.Bytes())
	if hlen%8 != 0 {
		t.Fatalf("header length %d not 8-aligned", hlen)
	}
	ts, meta, err := ReadSafetensors(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if meta["step"] != "7" || !strings.Contains(meta["tokenmill_config"], `"dim":32`) {
		t.Fatalf("metadata %v", meta)
	}
	if len(ts) != len(m.specs) {
		t.Fatalf("%d tensors, want %d", len(ts), len(m.specs))
	}
	for _, s := range m.specs {
		st, ok := ts[hfName(s.Name)]
		if !ok {
			t.Fatalf("missing %s (%s)", hfName(s.Name), s.Name)
		}
		data := st.Data
		if strings.HasSuffix(s.Name, ".wq") || strings.HasSuffix(s.Name, ".wk") {
			data = permuteHF(data, cfg.NHeads, cfg.HeadDim(), cfg.Dim, true)
		}
		if !bytes.Equal(f32bytes(data), f32bytes(m.Params[s.Offset:s.Offset+s.Size])) || len(st.Shape) != len(s.Shape) {
			t.Fatalf("%s differs", s.Name)
		}
	}
	for _, n := range []string{"model.embed_tokens.weight", "lm_head.weight", "model.layers.1.mlp.down_proj.weight", "model.layers.0.self_attn.q_proj.weight"} {
		if _, ok := ts[n]; !ok {
			t.Fatalf("missing %s", n)
		}
	}
}

// TestPermuteHF checks that HF's rotate_half RoPE on permuted rows equals
// the permuted interleaved RoPE, which is why the export permutes wq and wk.
func TestPermuteHF(t *testing.T) {
	const H, hd, T = 2, 8, 5
	d := H * hd
	r := rand.New(rand.NewPCG(9, 9))
	q := randSlice(r, T*d)
	cos, sin := ropeTables(T, hd, 10000)
	inter := append([]float32(nil), q...)
	rope(inter, cos, sin, T, T, d, hd, false)
	// Rows of a q projection become columns of q here: permute per row of q.
	perm := func(x []float32) []float32 {
		out := make([]float32, len(x))
		for t := range T {
			copy(out[t*d:], permuteHF(x[t*d:t*d+d], H, hd, 1, false))
		}
		return out
	}
	hq := perm(q)
	half := hd / 2
	for t := range T {
		for h := range H {
			x := hq[t*d+h*hd : t*d+h*hd+hd]
			y := make([]float32, hd)
			for i := range half {
				c, s := cos[t*half+i], sin[t*half+i]
				y[i] = x[i]*c - x[i+half]*s
				y[i+half] = x[i+half]*c + x[i]*s
			}
			copy(x, y)
		}
	}
	want := perm(inter)
	for i := range want {
		if math.Abs(float64(hq[i]-want[i])) > 1e-6 {
			t.Fatalf("element %d: rotate_half %g, permuted interleaved %g", i, hq[i], want[i])
		}
	}
}
