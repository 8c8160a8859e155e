package train

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// loadLlama2cInTorch reads a llama2.c legacy .bin into the PyTorch reference
// model of testdata/ref_llama_train.py (canonical order, RoPE tables skipped)
// and prints its mean loss on the token file's sequences.
const loadLlama2cInTorch = `
import sys, struct, importlib.util
import numpy as np, torch
spec = importlib.util.spec_from_file_location("ref", sys.argv[1])
ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)
buf = open(sys.argv[2], "rb").read()
d, hid, L, H, Hkv, V, T = struct.unpack_from("<7i", buf, 0)
tied = V > 0; V = abs(V); hd = d // H
model = ref.build_torch_model_class()(dict(dim=d, n_layers=L, n_heads=H, seq_len=T, vocab_size=V), hid, tied=tied)
off = 28
with torch.no_grad():
    for name, p in model.canonical_tensors():
        if name == "output":
            off += 2 * 4 * T * (hd // 2)
        n = p.numel()
        p.copy_(torch.from_numpy(np.frombuffer(buf, dtype="<f4", count=n, offset=off).reshape(p.shape).copy()))
        off += 4 * n
if tied:
    off += 2 * 4 * T * (hd // 2)
assert off == len(buf), (off, len(buf))
tok = np.frombuffer(open(sys.argv[3], "rb").read(), dtype="<i4").reshape(int(sys.argv[4]), -1).astype(np.int64)
if len(sys.argv) > 5:
    # The safetensors file must hold the same tensors under Hugging Face names,
    # q/k rows permuted by transformers' convert_llama_weights_to_hf formula.
    import json
    st = open(sys.argv[5], "rb").read()
    (n,) = struct.unpack_from("<Q", st, 0)
    hdr = json.loads(st[8:8 + n]); base = 8 + n
    def permute(w, n_heads=H, dim1=d, dim2=d):
        return w.view(n_heads, dim1 // n_heads // 2, 2, dim2).transpose(1, 2).reshape(dim1, dim2)
    hf = {"attention_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm", "wq": "self_attn.q_proj",
          "wk": "self_attn.k_proj", "wv": "self_attn.v_proj", "wo": "self_attn.o_proj", "w1": "mlp.gate_proj",
          "w2": "mlp.down_proj", "w3": "mlp.up_proj"}
    names = {"tok_embeddings": "model.embed_tokens.weight", "norm": "model.norm.weight", "output": "lm_head.weight"}
    seen = set()
    for name, p in model.canonical_tensors():
        if name in names:
            key = names[name]
        else:
            _, l, kind = name.split(".")
            key = "model.layers.%s.%s.weight" % (l, hf[kind])
        e = hdr[key]; seen.add(key)
        assert e["dtype"] == "F32" and e["shape"] == list(p.shape), (key, e)
        a, b = e["data_offsets"]
        got = torch.from_numpy(np.frombuffer(st, dtype="<f4", count=(b - a) // 4, offset=base + a).reshape(p.shape).copy())
        want = p.detach()
        if name.endswith(".wq") or name.endswith(".wk"):
            want = permute(want)
        assert torch.equal(got, want), key
    assert seen == set(hdr) - {"__metadata__"}, set(hdr) - seen
with torch.no_grad():
    print(repr(float(model(torch.from_numpy(tok[:, :-1].copy()), torch.from_numpy(tok[:, 1:].copy())))))
`

// TestLlama2cExportInTorch exports a model with the llama2.c writer, loads
// the file into the PyTorch reference with an independent reader, and
// requires the same loss: the export's layout and header are what the
// reference (and llama2.c) expect. The safetensors export is checked there
// too: every tensor under its Hugging Face name, q/k permuted with
// transformers' own formula.
func TestLlama2cExportInTorch(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping PyTorch cross-check in -short mode")
	}
	py := systemPython(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "load.py")
	os.WriteFile(script, []byte(loadLlama2cInTorch), 0o644)
	for _, tied := range []bool{true, false} {
		cfg := smallConfig(t, tied)
		m, _ := NewModel(cfg, rand.New(rand.NewPCG(21, 22)))
		r := rand.New(rand.NewPCG(23, 24))
		for i := range m.Params { // non-trivial gains and larger weights
			m.Params[i] = m.Params[i]*5 + float32(r.NormFloat64()*0.01)
		}
		const B, T = 3, 12
		in, tg := randomBatch(r, B, T, cfg.Vocab)
		want, err := m.Evaluate(in, tg)
		if err != nil {
			t.Fatal(err)
		}
		var bin, toks bytes.Buffer
		if err := ExportLlama2c(&bin, m); err != nil {
			t.Fatal(err)
		}
		for b := range B {
			binary.Write(&toks, binary.LittleEndian, append(append([]int32(nil), in[b]...), tg[b][T-1]))
		}
		var st bytes.Buffer
		if err := ExportSafetensors(&st, m, nil); err != nil {
			t.Fatal(err)
		}
		bp, tp, sp := filepath.Join(dir, "m.bin"), filepath.Join(dir, "tok.bin"), filepath.Join(dir, "m.safetensors")
		os.WriteFile(bp, bin.Bytes(), 0o644)
		os.WriteFile(tp, toks.Bytes(), 0o644)
		os.WriteFile(sp, st.Bytes(), 0o644)
		cmd := exec.Command(py, script, "testdata/ref_llama_train.py", bp, tp, strconv.Itoa(B), sp)
		cmd.Env = append(os.Environ(), "OMP_NUM_THREADS=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("torch: %v\n%s", err, out)
		}
		got, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
		if err != nil {
			t.Fatalf("torch output %q", out)
		}
		if math.Abs(got-want) > 1e-5*want {
			t.Fatalf("tied=%v: torch loss %.9f on the exported file, Go %.9f", tied, got, want)
		}
		t.Logf("tied=%v: loss Go %.9f, PyTorch on the llama2.c export %.9f", tied, want, got)
	}
}
