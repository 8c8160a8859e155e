package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
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
