// Command samplemodels trains the quality models of the embedded recipe on
// the sample corpus's data (written by tools/samplegen -modeldata), with
// tokenmill's own trainers, reproducibly:
//
//   - lm.arpa.gz: a 3-gram Kneser-Ney model (lmplz's estimate) of the English
//     prose, CCNet-normalized and cut into the sample tokenizer's pieces;
//   - cutoffs.tsv: the 30th and 60th percentiles of the English pages'
//     document perplexity under it (head/middle/tail);
//   - wikiref.bin: a fastText-format classifier of prose (__label__wiki)
//     against web chrome and junk (__label__cc).
//
// tools/samplemodels/make.sh runs it (outside recipes/sample, which is
// compiled into the binary whole).
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/tokenmill/tokenmill/filters/fasttext"
	"github.com/tokenmill/tokenmill/filters/kenlm"
	"github.com/tokenmill/tokenmill/stages/normalize"
	"github.com/tokenmill/tokenmill/tokenize"
)

var (
	data  = flag.String("data", "", "folder written by samplegen -modeldata")
	spm   = flag.String("spm", "recipes/sample/tokenizer.model", "SentencePiece model for the LM's pieces")
	out   = flag.String("out", "recipes/sample", "output folder")
	order = flag.Int("order", 3, "n-gram order")
)

func main() {
	flag.Parse()
	enc, err := tokenize.Load(*spm)
	if err != nil {
		log.Fatal(err)
	}
	// LM text: normalized prose, pieces separated by spaces.
	prose, err := os.ReadFile(filepath.Join(*data, "en-prose.txt"))
	if err != nil {
		log.Fatal(err)
	}
	var pieces bytes.Buffer
	for _, line := range strings.Split(strings.TrimSpace(string(prose)), "\n") {
		pieces.WriteString(strings.Join(enc.EncodeAsPieces(normalize.Normalize(line)), " "))
		pieces.WriteByte('\n')
	}
	lm, err := kenlm.Train(&pieces, *order, kenlm.TrainOptions{DiscountFallback: []float64{0.5, 1, 1.5}})
	if err != nil {
		log.Fatal(err)
	}
	var arpa bytes.Buffer
	z, _ := gzip.NewWriterLevel(&arpa, gzip.BestCompression)
	if err := lm.WriteARPA(z); err != nil {
		log.Fatal(err)
	}
	z.Close()
	write("lm.arpa.gz", arpa.Bytes())

	// Cutoffs over the English pages as the pipeline sees them.
	f, err := os.Open(filepath.Join(*data, "pages.jsonl"))
	if err != nil {
		log.Fatal(err)
	}
	scorer := &kenlm.DocScorer{LM: lm, Normalize: normalize.Normalize, Encoder: enc}
	var pps []float64
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var page string
		if err := json.Unmarshal(sc.Bytes(), &page); err != nil {
			log.Fatal(err)
		}
		pps = append(pps, scorer.Score(page).Perplexity)
	}
	var cut bytes.Buffer
	kenlm.ComputeCutoffs(map[string][]float64{"en": pps}).WriteTo(&cut)
	write("cutoffs.tsv", cut.Bytes())

	// The classifier: small vectors keep the file small.
	lab, err := os.Open(filepath.Join(*data, "labelled.txt"))
	if err != nil {
		log.Fatal(err)
	}
	opts := fasttext.DefaultOptions()
	opts.Dim, opts.Epoch, opts.Bucket, opts.Seed = 8, 25, 0, 1
	m, err := fasttext.Train(lab, opts)
	if err != nil {
		log.Fatal(err)
	}
	var mb bytes.Buffer
	if err := m.Write(&mb); err != nil {
		log.Fatal(err)
	}
	write("wikiref.bin", mb.Bytes())
}

func write(name string, b []byte) {
	if err := os.WriteFile(filepath.Join(*out, name), b, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("%s: %d bytes", name, len(b))
}
