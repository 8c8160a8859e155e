package tokenize

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// corpusWords are the building blocks of the generated training text: several
// scripts, digits, punctuation, code-like tokens and emoji, so that trained
// models exercise script splitting, digit splitting and byte fallback, and
// the text of special pieces, which spm_train cuts out of its input.
var corpusWords = strings.Fields(`the of and to in is that for it as with was on be by this are from or
tokenizer tokenizers token merge merges piece pieces vocabulary sentence normalization whitespace
running runner runs ran quickly brown fox jumps over lazy dog dogs Hello World HTTP URL JSON
über schön Straße naïve café résumé façade coöperate
привет мир токенизатор пример слово слова
γειά σου κόσμε λέξη
שלום עולם مرحبا بالعالم
नमस्ते दुनिया
東京 日本語 テキスト ひらがな カタカナ 中文 汉字
한국어 텍스트 안녕하세요
ภาษาไทย
func main() { return nil } if (x == 0) { x++; } #include <stdio.h> def __init__(self): print("hi")
2024-01-15 3.14159 1,000,000 v1.2.3 192.168.0.1 0x1F 42 7 100%
🙂 🚀 👍🏽 ✨ … — « » “quoted” ‘single’ ¿qué? ¡sí!
<s> </s> "</s>\\n" <unk> x<0x41>y <pad> >>> ->`)

// genCorpus writes n lines drawn from corpusWords with a fixed seed; some
// lines are indented or hold runs of spaces, as code does.
func genCorpus(seed int64, n int) []string {
	r := rand.New(rand.NewSource(seed))
	lines := make([]string, n)
	for i := range lines {
		var sb strings.Builder
		if r.Intn(8) == 0 {
			sb.WriteString(strings.Repeat(" ", 1+r.Intn(8)))
		}
		k := 3 + r.Intn(14)
		for j := 0; j < k; j++ {
			if j > 0 {
				if r.Intn(20) == 0 {
					sb.WriteString("   ")
				} else {
					sb.WriteByte(' ')
				}
			}
			// Zipf-like: low indexes far more often.
			w := corpusWords[int(float64(len(corpusWords))*r.Float64()*r.Float64()*r.Float64())]
			sb.WriteString(w)
			if r.Intn(30) == 0 {
				sb.WriteString(strconv.Itoa(r.Intn(100000)))
			}
		}
		lines[i] = sb.String()
	}
	return lines
}

// genQueries returns varied encoder inputs: corpus-like lines, unseen
// words, rare characters (byte fallback and <unk>), whitespace runs, the
// literal special pieces, and strings of random code points.
func genQueries(seed int64, n int) []string {
	r := rand.New(rand.NewSource(seed))
	fixed := []string{"", " ", "  ", "a", " a", "a ", "\t\t", "<s>", "</s>", "<unk>", "<0x41>", "\u2581", "\u2581word",
		"12 345 678", "ﬃ ligature", "Ⅻ ① ｱｲｳ ＡＢＣ", "e\u0301 é", "𝔉𝔯𝔞𝔨𝔱𝔲𝔯", "🙂🙃", "\u200b\u200d\ufeff", "\u00a0nbsp\u3000",
		strings.Repeat(" ", 33) + "x", "x" + strings.Repeat(" ", 17), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "****////****"}
	out := append([]string(nil), fixed...)
	out = append(out, genCorpus(seed+1, n/2)...)
	ranges := [][2]rune{{0x20, 0x7f}, {0xa0, 0x250}, {0x370, 0x3ff}, {0x400, 0x4ff}, {0x590, 0x6ff}, {0x900, 0x97f},
		{0xe00, 0xe7f}, {0x3040, 0x30ff}, {0x4e00, 0x4fff}, {0xac00, 0xad00}, {0xff00, 0xffef}, {0x1f300, 0x1f6ff}, {0x2000, 0x206f}}
	for len(out) < n {
		var sb strings.Builder
		k := 1 + r.Intn(24)
		for j := 0; j < k; j++ {
			switch r.Intn(6) {
			case 0:
				sb.WriteString(strings.Repeat(" ", 1+r.Intn(5)))
			case 1:
				sb.WriteString(corpusWords[r.Intn(len(corpusWords))])
			default:
				rg := ranges[r.Intn(len(ranges))]
				sb.WriteRune(rg[0] + rune(r.Intn(int(rg[1]-rg[0]))))
			}
		}
		out = append(out, sb.String())
	}
	return out
}

func needSPM(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"spm_train", "spm_encode"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: install Debian's sentencepiece to compare with the reference implementation", tool)
		}
	}
}

var llamaSPMFlags = []string{"--model_type=bpe", "--input_format=text", "--character_coverage=0.99995", "--max_sentencepiece_length=16",
	"--split_by_unicode_script=true", "--split_by_whitespace=true", "--split_by_number=true", "--split_digits=true",
	"--allow_whitespace_only_pieces=true", "--byte_fallback=true", "--normalization_rule_name=identity",
	"--add_dummy_prefix=true", "--remove_extra_whitespaces=false", "--unk_id=0", "--bos_id=1", "--eos_id=2", "--pad_id=-1",
	"--num_threads=1", "--max_sentence_length=4192", "--input_sentence_size=200000000"}

func spmTrain(t *testing.T, dir, input, prefix string, flags ...string) *Model {
	t.Helper()
	args := append([]string{"--input=" + input, "--model_prefix=" + filepath.Join(dir, prefix), "--minloglevel=2"}, flags...)
	cmd := exec.Command("spm_train", args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("spm_train %v: %v\n%s", args, err, out)
	}
	return loadPath(t, filepath.Join(dir, prefix+".model"))
}

func loadPath(t *testing.T, path string) *Model {
	t.Helper()
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// spmEncode runs spm_encode over texts (one per line) and parses the ids.
func spmEncode(t *testing.T, model string, texts []string) [][]int32 {
	t.Helper()
	cmd := exec.Command("spm_encode", "--model="+model, "--output_format=id")
	cmd.Stdin = strings.NewReader(strings.Join(texts, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("spm_encode: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(texts) {
		t.Fatalf("spm_encode wrote %d lines for %d texts", len(lines), len(texts))
	}
	res := make([][]int32, len(lines))
	for i, l := range lines {
		res[i] = []int32{}
		for _, f := range strings.Fields(l) {
			v, err := strconv.Atoi(f)
			if err != nil {
				t.Fatalf("spm_encode line %d: %v", i, err)
			}
			res[i] = append(res[i], int32(v))
		}
	}
	return res
}

func compareWithSPM(t *testing.T, m *Model, modelPath string, texts []string) {
	t.Helper()
	want := spmEncode(t, modelPath, texts)
	fails := 0
	for i, text := range texts {
		got := m.Encode(text)
		if got == nil {
			got = []int32{}
		}
		if !reflect.DeepEqual(got, want[i]) {
			fails++
			if fails <= 5 {
				t.Errorf("%q:\n got %v\nwant %v", text, got, want[i])
			}
		}
	}
	if fails > 0 {
		t.Errorf("%s: %d of %d texts differ from spm_encode", filepath.Base(modelPath), fails, len(texts))
	}
}

// TestAgainstSPM trains models with spm_train on generated text, then checks
// that several hundred varied strings encode to spm_encode's ids, that
// TrainBPE learns spm_train's exact vocabulary, and that spm_encode loads
// the model TrainBPE writes and agrees with our encoder on it.
func TestAgainstSPM(t *testing.T) {
	needSPM(t)
	dir := t.TempDir()
	input := filepath.Join(dir, "corpus.txt")
	corpus := genCorpus(1, 6000)
	if err := os.WriteFile(input, []byte(strings.Join(corpus, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	queries := genQueries(2, 600)
	for _, q := range queries {
		if strings.ContainsAny(q, "\n\r") {
			t.Fatalf("query %q is not line-safe", q)
		}
	}

	bpe := spmTrain(t, dir, input, "bpe", append([]string{"--vocab_size=1000"}, llamaSPMFlags...)...)
	t.Run("bpe-encode", func(t *testing.T) { compareWithSPM(t, bpe, filepath.Join(dir, "bpe.model"), queries) })

	// Without whitespace splitting pieces span words ("s▁of"), so the
	// encoder must run over whole lines instead of cached words.
	span := spmTrain(t, dir, input, "span", "--vocab_size=1000", "--model_type=bpe", "--split_by_whitespace=false",
		"--byte_fallback=true", "--num_threads=1")
	if span.wordSplit {
		t.Errorf("split_by_whitespace=false model: wordSplit is on")
	}
	t.Run("bpe-no-ws-split-encode", func(t *testing.T) { compareWithSPM(t, span, filepath.Join(dir, "span.model"), queries) })

	uni := spmTrain(t, dir, input, "uni", "--vocab_size=700", "--model_type=unigram", "--num_threads=1")
	t.Run("unigram-encode", func(t *testing.T) { compareWithSPM(t, uni, filepath.Join(dir, "uni.model"), queries) })

	t.Run("train-bpe", func(t *testing.T) {
		opts := LLaMAOptions()
		opts.VocabSize = 1000
		f, err := os.Open(input)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		ours, err := TrainBPE(f, opts)
		if err != nil {
			t.Fatal(err)
		}
		if ours.VocabSize() != bpe.VocabSize() {
			t.Fatalf("vocab size %d, spm_train's %d", ours.VocabSize(), bpe.VocabSize())
		}
		diff := 0
		for id := 0; id < bpe.VocabSize(); id++ {
			if ours.Piece(int32(id)) != bpe.Piece(int32(id)) {
				diff++
				if diff <= 5 {
					t.Errorf("piece %d: got %+v, spm_train %+v", id, ours.Piece(int32(id)), bpe.Piece(int32(id)))
				}
			}
		}
		if diff > 0 {
			t.Errorf("%d of %d pieces differ from spm_train's", diff, bpe.VocabSize())
		}
		data, err := ours.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "ours.model")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		compareWithSPM(t, ours, path, queries)
	})
}

// genSpecialCorpus is text dense in the strings of special pieces, which
// spm_train replaces by a tab before counting: a trainer that keeps them
// learns pieces such as "</" and "unk" that spm_train never sees.
func genSpecialCorpus(seed int64, n int) string {
	r := rand.New(rand.NewSource(seed))
	words := strings.Fields("the of and to in is that for it as with was on be by this are from or tokenizer merge pieces")
	special := []string{`"</s>\\n"`, "<s>", "</s>", "<unk>", "<0x41>", "<pad>", "x<s>y", `"<unk>\\t"`, `>\\`, ">["}
	var sb strings.Builder
	for i := 0; i < n; i++ {
		k := 3 + r.Intn(10)
		for j := 0; j < k; j++ {
			if j > 0 {
				sb.WriteByte(' ')
			}
			if r.Intn(10) < 7 {
				sb.WriteString(words[r.Intn(len(words))])
			} else {
				sb.WriteString(special[r.Intn(len(special))])
			}
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// TestTrainBPESpecialPiecesSPM compares TrainBPE with spm_train on text full
// of special-piece strings.
func TestTrainBPESpecialPiecesSPM(t *testing.T) {
	needSPM(t)
	dir := t.TempDir()
	input := filepath.Join(dir, "special.txt")
	text := genSpecialCorpus(5, 3000)
	if err := os.WriteFile(input, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	want := spmTrain(t, dir, input, "special", append([]string{"--vocab_size=350"}, llamaSPMFlags...)...)
	opts := LLaMAOptions()
	opts.VocabSize = 350
	got, err := TrainBPE(strings.NewReader(text), opts)
	if err != nil {
		t.Fatal(err)
	}
	for id := int32(0); id < int32(want.VocabSize()); id++ {
		if got.Piece(id) != want.Piece(id) {
			t.Errorf("piece %d: got %+v, spm_train %+v", id, got.Piece(id), want.Piece(id))
		}
	}
}

// TestTrainBPESpecialPieces checks, without spm, that the text of special
// pieces never reaches the alphabet or the merges.
func TestTrainBPESpecialPieces(t *testing.T) {
	opts := LLaMAOptions()
	opts.VocabSize = 350
	m, err := TrainBPE(strings.NewReader(genSpecialCorpus(5, 3000)), opts)
	if err != nil {
		t.Fatal(err)
	}
	for id := int32(0); id < int32(m.VocabSize()); id++ {
		p := m.Piece(id)
		if p.Type == Normal && (strings.Contains(p.Text, "unk") || strings.Contains(p.Text, "/") || strings.Contains(p.Text, "0x")) {
			t.Errorf("piece %d %q holds text of a special piece", id, p.Text)
		}
	}
}

// TestQueriesLineSafe keeps the generated queries usable with spm_encode's
// line input even when spm is absent.
func TestQueriesLineSafe(t *testing.T) {
	qs := genQueries(2, 600)
	if len(qs) != 600 {
		t.Fatalf("%d queries", len(qs))
	}
	var buf bytes.Buffer
	for _, q := range qs {
		if strings.ContainsAny(q, "\n\r") {
			t.Errorf("query %q is not line-safe", q)
		}
		fmt.Fprintln(&buf, q)
	}
}
