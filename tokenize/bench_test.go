package tokenize

import (
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkEncode measures one core encoding the reference case texts
// (prose, code, 49 languages, whitespace runs, byte fallback).
func BenchmarkEncode(b *testing.B) {
	for _, name := range []string{"bpe8k", "unigram8k"} {
		b.Run(name, func(b *testing.B) {
			m := loadTestModel(b, name+".model")
			cases := readCases(b, filepath.Join("testdata", name+"-cases.jsonl"))
			var texts [][]byte
			n := 0
			for _, c := range cases {
				texts = append(texts, []byte(c.Text))
				n += len(c.Text)
			}
			b.SetBytes(int64(n))
			b.ResetTimer()
			var ids []int32
			for i := 0; i < b.N; i++ {
				for _, t := range texts {
					ids = m.AppendEncode(ids[:0], t)
				}
			}
		})
	}
}

// BenchmarkTrainBPE trains the 1000-piece model of TestTrainBPEGolden on
// the generated 6000-line corpus (about 290 KB).
func BenchmarkTrainBPE(b *testing.B) {
	text := strings.Join(genCorpus(1, 6000), "\n") + "\n"
	opts := LLaMAOptions()
	opts.VocabSize = 1000
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		if _, err := TrainBPE(strings.NewReader(text), opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrainUnigram trains a 700-piece Unigram model (spm_train's
// defaults otherwise) on the generated 6000-line corpus (about 290 KB).
func BenchmarkTrainUnigram(b *testing.B) {
	text := strings.Join(genCorpus(1, 6000), "\n") + "\n"
	opts := DefaultUnigramOptions()
	opts.VocabSize = 700
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		if _, err := TrainUnigram(strings.NewReader(text), opts); err != nil {
			b.Fatal(err)
		}
	}
}
