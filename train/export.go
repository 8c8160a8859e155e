package train

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// ExportLlama2c writes m in llama2.c's legacy (version 0) .bin format, the
// one its run.c reads: a header of seven int32 (dim, hidden_dim, n_layers,
// n_heads, n_kv_heads, vocab_size, seq_len; vocab_size negative when the
// classifier is not shared), then the float32 tensors in canonical order with
// the RoPE tables freq_cis_real and freq_cis_imag ([seq_len, head_dim/2] each)
// between the final norm and the untied classifier. run.c skips those tables;
// they are computed here in float32, like export.py's precompute_freqs_cis.
func ExportLlama2c(w io.Writer, m *Model) error {
	c := m.cfg
	bw := bufio.NewWriterSize(w, 1<<20)
	vocab := int32(c.Vocab)
	if !c.Tied {
		vocab = -vocab
	}
	hdr := []int32{int32(c.Dim), int32(c.Hidden), int32(c.NLayers), int32(c.NHeads), int32(c.NHeads), vocab, int32(c.SeqLen)}
	binary.Write(bw, binary.LittleEndian, hdr)
	last := m.specs[len(m.specs)-1]
	body := m.Params
	if !c.Tied {
		body = m.Params[:last.Offset]
	}
	writeF32s(bw, body)
	cos, sin := llama2cFreqs(c.SeqLen, c.HeadDim(), c.RopeTheta)
	writeF32s(bw, cos)
	writeF32s(bw, sin)
	if !c.Tied {
		writeF32s(bw, m.Params[last.Offset:])
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("train: export llama2.c: %w", err)
	}
	return nil
}

func llama2cFreqs(seqLen, hd int, theta float64) (cos, sin []float32) {
	half := hd / 2
	cos = make([]float32, seqLen*half)
	sin = make([]float32, seqLen*half)
	for i := range half {
		inv := float32(1 / float32(math.Pow(theta, float64(float32(2*i)/float32(hd)))))
		for t := range seqLen {
			a := float32(t) * inv
			cos[t*half+i] = float32(math.Cos(float64(a)))
			sin[t*half+i] = float32(math.Sin(float64(a)))
		}
	}
	return cos, sin
}

// ReadLlama2c loads a legacy (version 0) llama2.c .bin, such as Karpathy's
// stories15M.bin. The file does not record multiple_of, norm eps or RoPE
// theta: the defaults (1e-5, 10000) are assumed, as run.c does.
func ReadLlama2c(r io.Reader) (*Model, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	var hdr [7]int32
	if err := binary.Read(br, binary.LittleEndian, &hdr); err != nil {
		return nil, fmt.Errorf("train: llama2.c header: %w", unexpected(err))
	}
	if hdr[3] != hdr[4] {
		return nil, fmt.Errorf("train: llama2.c: n_kv_heads %d != n_heads %d (grouped-query attention is not supported)", hdr[4], hdr[3])
	}
	vocab, tied := int(hdr[5]), true
	if vocab < 0 {
		vocab, tied = -vocab, false
	}
	cfg := Config{Dim: int(hdr[0]), Hidden: int(hdr[1]), NLayers: int(hdr[2]), NHeads: int(hdr[3]), Vocab: vocab, SeqLen: int(hdr[6]), Tied: tied}
	if cfg.Dim <= 0 || cfg.Dim > 1<<16 || cfg.Hidden > 1<<18 || cfg.NLayers > 1024 || vocab > 1<<22 || cfg.SeqLen > 1<<20 {
		return nil, fmt.Errorf("train: llama2.c header %v out of range", hdr)
	}
	if cfg.Dim%max(cfg.NHeads, 1) != 0 || cfg.NHeads <= 0 {
		return nil, fmt.Errorf("train: llama2.c header %v: dim not a multiple of n_heads", hdr)
	}
	cfg.NormEps, cfg.RopeTheta, cfg.MultipleOf = DefaultNormEps, DefaultRopeTheta, DefaultMultipleOf
	need := 4 * (int64(cfg.NumParams()) + int64(cfg.SeqLen)*int64(cfg.Dim/cfg.NHeads))
	// When the size is known it must be exact: extra bytes mean another
	// variant of the format (grouped-query attention, a newer version).
	if n, ok := remaining(r); ok && n+int64(br.Buffered()) != need {
		return nil, fmt.Errorf("train: llama2.c header %v needs %d more bytes, the input has %d", hdr, need, n+int64(br.Buffered()))
	}
	m, err := newModel(cfg)
	if err != nil {
		return nil, fmt.Errorf("train: llama2.c header %v: %w", hdr, err)
	}
	last := m.specs[len(m.specs)-1]
	body := m.Params
	if !tied {
		body = m.Params[:last.Offset]
	}
	if err := readF32s(br, body); err != nil {
		return nil, fmt.Errorf("train: llama2.c weights: %w", err)
	}
	skip := int64(2 * 4 * cfg.SeqLen * cfg.HeadDim() / 2)
	if _, err := io.CopyN(io.Discard, br, skip); err != nil {
		return nil, fmt.Errorf("train: llama2.c RoPE tables: %w", unexpected(err))
	}
	if !tied {
		if err := readF32s(br, m.Params[last.Offset:]); err != nil {
			return nil, fmt.Errorf("train: llama2.c classifier: %w", err)
		}
	}
	return m, nil
}

// hfName maps a canonical tensor name to the Hugging Face LLaMA name.
func hfName(name string) string {
	switch name {
	case "tok_embeddings":
		return "model.embed_tokens.weight"
	case "norm":
		return "model.norm.weight"
	case "output":
		return "lm_head.weight"
	}
	var l int
	var kind string
	rest := strings.TrimPrefix(name, "layers.")
	if i := strings.IndexByte(rest, '.'); i > 0 {
		l, _ = strconv.Atoi(rest[:i])
		kind = rest[i+1:]
	}
	sub := map[string]string{
		"attention_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm",
		"wq": "self_attn.q_proj", "wk": "self_attn.k_proj", "wv": "self_attn.v_proj", "wo": "self_attn.o_proj",
		"w1": "mlp.gate_proj", "w2": "mlp.down_proj", "w3": "mlp.up_proj",
	}[kind]
	return fmt.Sprintf("model.layers.%d.%s.weight", l, sub)
}

// permuteHF reorders the rows of a q or k projection from interleaved RoPE
// pairs (2i, 2i+1) to Hugging Face's rotate_half pairs (i, i+hd/2), as
// transformers' convert_llama_weights_to_hf does; inverse undoes it.
func permuteHF(w []float32, nHeads, hd, in int, inverse bool) []float32 {
	out := make([]float32, len(w))
	half := hd / 2
	for h := range nHeads {
		for i := range half {
			for c := range 2 {
				src, dst := h*hd+2*i+c, h*hd+c*half+i
				if inverse {
					src, dst = dst, src
				}
				copy(out[dst*in:dst*in+in], w[src*in:src*in+in])
			}
		}
	}
	return out
}

type safeEntry struct {
	Dtype   string   `json:"dtype"`
	Shape   []int    `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

// ExportSafetensors writes m as a safetensors file with Hugging Face LLaMA
// tensor names (model.layers.N.self_attn.q_proj.weight, ...), float32. The q
// and k projections are permuted to HF's rotate_half convention so that
// transformers' LlamaForCausalLM computes the same function; lm_head is
// omitted when tied (tie_word_embeddings). meta goes into __metadata__, along
// with the config.
func ExportSafetensors(w io.Writer, m *Model, meta map[string]string) error {
	c := m.cfg
	header := map[string]any{}
	md := map[string]string{"format": "pt", "tokenmill_config": mustJSON(c), "rope": "hf_rotate_half"}
	for k, v := range meta {
		md[k] = v
	}
	header["__metadata__"] = md
	type item struct {
		name string
		data []float32
	}
	var items []item
	var off int64
	for _, s := range m.specs {
		data := m.Params[s.Offset : s.Offset+s.Size]
		if strings.HasSuffix(s.Name, ".wq") || strings.HasSuffix(s.Name, ".wk") {
			data = permuteHF(data, c.NHeads, c.HeadDim(), c.Dim, false)
		}
		n := hfName(s.Name)
		header[n] = safeEntry{Dtype: "F32", Shape: s.Shape, Offsets: [2]int64{off, off + int64(4*s.Size)}}
		off += int64(4 * s.Size)
		items = append(items, item{n, data})
	}
	hj, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("train: safetensors header: %w", err)
	}
	for len(hj)%8 != 0 { // the spec allows trailing spaces; alignment helps mmap readers
		hj = append(hj, ' ')
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	binary.Write(bw, binary.LittleEndian, uint64(len(hj)))
	bw.Write(hj)
	for _, it := range items {
		writeF32s(bw, it.data)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("train: export safetensors: %w", err)
	}
	return nil
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// SafeTensor is one float32 tensor read from a safetensors file.
type SafeTensor struct {
	Shape []int
	Data  []float32
}

// ReadSafetensors reads every F32 tensor of a safetensors file and its
// __metadata__.
func ReadSafetensors(r io.Reader) (map[string]SafeTensor, map[string]string, error) {
	var n uint64
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return nil, nil, fmt.Errorf("train: safetensors: %w", unexpected(err))
	}
	if n > 100<<20 {
		return nil, nil, fmt.Errorf("train: safetensors header of %d bytes", n)
	}
	hj := make([]byte, n)
	if _, err := io.ReadFull(r, hj); err != nil {
		return nil, nil, fmt.Errorf("train: safetensors header: %w", unexpected(err))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hj, &raw); err != nil {
		return nil, nil, fmt.Errorf("train: safetensors header: %w", err)
	}
	var meta map[string]string
	if md, ok := raw["__metadata__"]; ok {
		if err := json.Unmarshal(md, &meta); err != nil {
			return nil, nil, fmt.Errorf("train: safetensors metadata: %w", err)
		}
		delete(raw, "__metadata__")
	}
	type named struct {
		name string
		e    safeEntry
	}
	var entries []named
	for k, v := range raw {
		var e safeEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, nil, fmt.Errorf("train: safetensors entry %s: %w", k, err)
		}
		if e.Dtype != "F32" {
			return nil, nil, fmt.Errorf("train: safetensors entry %s: dtype %s (only F32 is read)", k, e.Dtype)
		}
		entries = append(entries, named{k, e})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].e.Offsets[0] < entries[j].e.Offsets[0] })
	var total int64
	for _, en := range entries {
		size := int64(4)
		for _, d := range en.e.Shape {
			if d < 0 || d > 1<<31 {
				return nil, nil, fmt.Errorf("train: safetensors entry %s: shape %v", en.name, en.e.Shape)
			}
			size *= int64(d)
			if size > 1<<40 {
				return nil, nil, fmt.Errorf("train: safetensors entry %s: shape %v too large", en.name, en.e.Shape)
			}
		}
		total += size
	}
	if err := checkSize(r, total, "safetensors data"); err != nil {
		return nil, nil, err
	}
	out := make(map[string]SafeTensor, len(entries))
	var pos int64
	br := bufio.NewReaderSize(r, 1<<20)
	for _, en := range entries {
		size := int64(4)
		for _, d := range en.e.Shape {
			size *= int64(d)
		}
		if en.e.Offsets[0] != pos || en.e.Offsets[1]-en.e.Offsets[0] != size {
			return nil, nil, fmt.Errorf("train: safetensors entry %s: offsets %v, expected a packed tensor at %d of %d bytes", en.name, en.e.Offsets, pos, size)
		}
		t := SafeTensor{Shape: en.e.Shape, Data: make([]float32, size/4)}
		if err := readF32s(br, t.Data); err != nil {
			return nil, nil, fmt.Errorf("train: safetensors entry %s: %w", en.name, err)
		}
		pos += size
		out[en.name] = t
	}
	return out, meta, nil
}
