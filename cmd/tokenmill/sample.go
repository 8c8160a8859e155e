package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
	"github.com/tokenmill/tokenmill/recipes"
	"github.com/tokenmill/tokenmill/tokenize"
	"github.com/tokenmill/tokenmill/train"
)

type sampleFlags struct {
	ckpt, data, tokenizer, prompt string
	n                             int
	temperature, topP             float64
	seed                          uint64
	llama2c, safetensors          string
}

func newSampleCmd() *cobra.Command {
	var f sampleFlags
	cmd := &cobra.Command{
		Use:   "sample",
		Short: "Generate text from a trained checkpoint, or export it (llama2.c .bin, safetensors)",
		Long: `Loads a checkpoint written by 'tokenmill train' (or a llama2.c legacy .bin such as
stories15M.bin), encodes --prompt with the tokenizer named by the build's manifest
(--data) or given directly (--tokenizer), and continues it with temperature and top-p
sampling, stopping at EOS. With --export-llama2c or --export-safetensors it writes the
model in those formats (then samples only if --prompt is given).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSample(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.ckpt, "ckpt", "ckpt/ckpt.bin", "checkpoint (tokenmill train) or llama2.c .bin")
	fl.StringVar(&f.data, "data", "", "manifest.json of the build the model was trained on (gives the tokenizer)")
	fl.StringVar(&f.tokenizer, "tokenizer", "", "SentencePiece .model (overrides the manifest's)")
	fl.StringVar(&f.prompt, "prompt", "", "text to continue (default: start from BOS alone)")
	fl.IntVarP(&f.n, "tokens", "n", 128, "tokens to generate at most")
	fl.Float64Var(&f.temperature, "temperature", 0.8, "sampling temperature; 0 is greedy")
	fl.Float64Var(&f.topP, "top-p", 0.9, "nucleus sampling threshold; 1 keeps every token")
	fl.Uint64Var(&f.seed, "seed", 1, "sampling seed")
	fl.StringVar(&f.llama2c, "export-llama2c", "", "write the model as a llama2.c legacy .bin (run.c reads it)")
	fl.StringVar(&f.safetensors, "export-safetensors", "", "write the model as safetensors with Hugging Face LLaMA names")
	return cmd
}

func runSample(cmd *cobra.Command, f sampleFlags) error {
	ctx := cmd.Context()
	out := cmd.OutOrStdout()
	if f.n < 0 || f.temperature < 0 || f.topP <= 0 {
		return usageError{errors.New("sample: -n and --temperature must be non-negative and --top-p positive")}
	}
	model, err := loadModel(f.ckpt)
	if err != nil {
		return err
	}
	exported := false
	for _, e := range []struct {
		path  string
		write func(io.Writer) error
	}{
		{f.llama2c, func(w io.Writer) error { return train.ExportLlama2c(w, model) }},
		{f.safetensors, func(w io.Writer) error {
			return train.ExportSafetensors(w, model, map[string]string{"source": filepath.Base(f.ckpt)})
		}},
	} {
		if e.path == "" {
			continue
		}
		if err := atomicfile.WriteFile(e.path, 0o644, e.write); err != nil {
			return fmt.Errorf("sample: %w", err)
		}
		fmt.Fprintf(out, "wrote %s\n", e.path)
		exported = true
	}
	if exported && f.prompt == "" {
		return nil
	}

	storage.RegisterEmbedded("sample", recipes.Sample())
	stores := pipeline.NewStores()
	defer stores.Close()
	tokRef, bos, eos := f.tokenizer, int32(1), int32(2)
	if f.data != "" {
		b, err := stores.ReadFile(ctx, f.data)
		if err != nil {
			return fmt.Errorf("sample: %w", err)
		}
		man, err := manifest.Parse(b)
		if err != nil {
			return fmt.Errorf("sample: %s: %w", f.data, err)
		}
		if man.Tokenizer == nil {
			return fmt.Errorf("sample: %s names no tokenizer", f.data)
		}
		bos, eos = man.Tokenizer.BOS, man.Tokenizer.EOS
		if tokRef == "" {
			tokRef = man.Tokenizer.Path
			// A relative path is relative to the recipe of the build; try the
			// manifest's folder, then the current one.
			if !strings.Contains(tokRef, "://") && !filepath.IsAbs(tokRef) {
				if dir := path.Dir(f.data); dir != "." {
					if _, err := stores.ReadFile(ctx, dir+"/"+tokRef); err == nil {
						tokRef = dir + "/" + tokRef
					}
				}
			}
		}
	}
	if tokRef == "" {
		return usageError{errors.New("sample: need --data (a manifest naming the tokenizer) or --tokenizer")}
	}
	tb, err := stores.ReadFile(ctx, tokRef)
	if err != nil {
		return fmt.Errorf("sample: tokenizer: %w", err)
	}
	tok, err := tokenize.Parse(tb)
	if err != nil {
		return fmt.Errorf("sample: tokenizer %s: %w", tokRef, err)
	}
	if f.data == "" {
		bos, eos = tok.BOSID(), tok.EOSID()
	}
	if tok.VocabSize() > model.Config().Vocab {
		return fmt.Errorf("sample: tokenizer has %d pieces, the model %d embeddings", tok.VocabSize(), model.Config().Vocab)
	}
	prompt := append([]int32{bos}, tok.Encode(f.prompt)...)
	gen, err := model.Generate(prompt, f.n, train.SampleOptions{Temperature: float32(f.temperature), TopP: float32(f.topP), Stop: []int32{eos}},
		rand.New(rand.NewPCG(f.seed, 0x73616d706c65)))
	if err != nil {
		return err
	}
	if len(gen) > 0 && gen[len(gen)-1] == eos {
		gen = gen[:len(gen)-1]
	}
	text, err := tok.Decode(append(prompt[1:], gen...))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, text)
	return nil
}

// loadModel reads a tokenmill checkpoint, or a llama2.c legacy .bin when the
// file lacks the checkpoint magic.
func loadModel(p string) (*train.Model, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("sample: %w", err)
	}
	if bytes.HasPrefix(b, []byte("TMCKPT")) {
		r, err := train.ReadCheckpoint(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("sample: %s: %w", p, err)
		}
		return r.Model, nil
	}
	m, err := train.ReadLlama2c(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("sample: %s is neither a tokenmill checkpoint nor a llama2.c .bin: %w", p, err)
	}
	return m, nil
}
