package train

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// The readers must reject any malformed input with an error, never panic
// or allocate for sizes the input cannot hold. Seeds are valid files of a
// small model.
func fuzzSeeds(f *testing.F, write func(*bytes.Buffer, *Model)) {
	for _, tied := range []bool{true, false} {
		cfg, _ := Config{Dim: 8, NLayers: 1, NHeads: 2, Vocab: 16, SeqLen: 4, Tied: tied}.Normalize()
		m, _ := NewModel(cfg, rand.New(rand.NewPCG(1, 1)))
		var b bytes.Buffer
		write(&b, m)
		f.Add(b.Bytes())
	}
}

func FuzzReadCheckpoint(f *testing.F) {
	fuzzSeeds(f, func(b *bytes.Buffer, m *Model) { WriteCheckpoint(b, m, NewAdamW(m, LlamaAdamW), []byte("x")) })
	f.Fuzz(func(t *testing.T, data []byte) {
		ReadCheckpoint(bytes.NewReader(data))
	})
}

func FuzzReadLlama2c(f *testing.F) {
	fuzzSeeds(f, func(b *bytes.Buffer, m *Model) { ExportLlama2c(b, m) })
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadLlama2c(bytes.NewReader(data))
		if err == nil {
			var b bytes.Buffer
			ExportLlama2c(&b, m)
			if b.Len() != len(data) {
				t.Fatalf("accepted %d bytes, re-export has %d", len(data), b.Len())
			}
		}
	})
}

func FuzzReadSafetensors(f *testing.F) {
	fuzzSeeds(f, func(b *bytes.Buffer, m *Model) { ExportSafetensors(b, m, nil) })
	f.Fuzz(func(t *testing.T, data []byte) {
		ReadSafetensors(bytes.NewReader(data))
	})
}
