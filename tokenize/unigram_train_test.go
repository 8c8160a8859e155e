package tokenize

import (
	"bufio"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// caseTexts returns the texts of testdata/unigram8k-cases.jsonl: English,
// 45 languages, code, digits and held-out lines of the tokenizer kit.
func caseTexts(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("testdata/unigram8k-cases.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c struct {
			Text     string `json:"text"`
			LineSafe bool   `json:"line_safe"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		if c.LineSafe && !strings.ContainsAny(c.Text, "\n\r") {
			out = append(out, c.Text)
		}
	}
	return out
}

// piecesPerChar is the held-out compression figure of the acceptance
// criterion: pieces over characters of the texts.
func piecesPerChar(m *Model, texts []string) float64 {
	var pieces, chars int
	for _, s := range texts {
		pieces += len(m.Encode(s))
		chars += utf8.RuneCountInString(s)
	}
	return float64(pieces) / float64(chars)
}

func trainUnigramFile(t *testing.T, path string, opts UnigramOptions) *Model {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := TrainUnigram(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTrainUnigramAgainstSPM trains spm_train --model_type=unigram and
// TrainUnigram on the same text and checks (1) held-out pieces per
// character within 1% of spm_train's model, (2) spm_encode loads our model
// and encodes the held-out texts and varied queries to exactly our ids,
// (3) the two .model files are identical.
func TestTrainUnigramAgainstSPM(t *testing.T) {
	needSPM(t)
	cases := caseTexts(t)
	var caseTrain, caseHeld []string
	for i, s := range cases {
		if i%5 == 4 {
			caseHeld = append(caseHeld, s)
		} else {
			caseTrain = append(caseTrain, s)
		}
	}
	for _, c := range []struct {
		name        string
		train, held []string
		vocab       int
		flags       []string
		opts        func(*UnigramOptions)
	}{
		{name: "generated", train: genCorpus(1, 6000), held: genCorpus(7, 1500), vocab: 700},
		{name: "kit-cases", train: caseTrain, held: caseHeld, vocab: 1500},
		{name: "kit-cases-bytes-digits", train: caseTrain, held: caseHeld, vocab: 1500,
			flags: []string{"--byte_fallback=true", "--split_digits=true", "--character_coverage=0.995"},
			opts:  func(o *UnigramOptions) { o.ByteFallback, o.SplitDigits, o.CharacterCoverage = true, true, 0.995 }},
		// Identity normalization keeps fullwidth digits, which split_digits
		// splits as it splits ASCII ones.
		{name: "identity-fullwidth-digits", train: append(slices.Repeat([]string{"ｖ１２３４５ ６７８９０ 1234 ５５５５ x２０２３"}, 200), caseTrain...),
			held: caseHeld, vocab: 1500,
			flags: []string{"--normalization_rule_name=identity", "--split_digits=true"},
			opts:  func(o *UnigramOptions) { o.NormalizationRule, o.SplitDigits = "identity", true }},
		{name: "no-whitespace-split", train: caseTrain, held: caseHeld, vocab: 1500,
			flags: []string{"--split_by_whitespace=false"},
			opts:  func(o *UnigramOptions) { o.SplitByWhitespace = false }},
		{name: "whitespace-suffix-whitespace-pieces", train: genCorpus(3, 3000), held: genCorpus(8, 500), vocab: 600,
			flags: []string{"--treat_whitespace_as_suffix=true", "--allow_whitespace_only_pieces=true", "--remove_extra_whitespaces=false"},
			opts: func(o *UnigramOptions) {
				o.TreatWhitespaceAsSuffix, o.AllowWhitespaceOnlyPieces, o.RemoveExtraWhitespaces = true, true, false
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			input := filepath.Join(dir, "train.txt")
			if err := os.WriteFile(input, []byte(strings.Join(c.train, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			flags := append([]string{"--model_type=unigram", "--num_threads=1", "--vocab_size=" + strconv.Itoa(c.vocab)}, c.flags...)
			spm := spmTrain(t, dir, input, "spm", flags...)
			opts := DefaultUnigramOptions()
			opts.VocabSize = c.vocab
			// The names spm_train records in the trainer spec.
			opts.InputName, opts.ModelPrefix = input, filepath.Join(dir, "spm")
			if c.opts != nil {
				c.opts(&opts)
			}
			ours := trainUnigramFile(t, input, opts)
			if ours.VocabSize() != spm.VocabSize() {
				t.Errorf("vocab size %d, spm_train's %d", ours.VocabSize(), spm.VocabSize())
			}
			data, err := ours.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "ours.model")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			compareWithSPM(t, ours, path, append(append([]string(nil), c.held...), genQueries(3, 200)...))
			same, exact := 0, 0
			for id := 0; id < spm.VocabSize(); id++ {
				p := spm.Piece(int32(id))
				if ours.PieceToID(p.Text) != ours.UnkID() || p.Type == Unknown {
					same++
				}
				if id < ours.VocabSize() && ours.Piece(int32(id)) == p {
					exact++
				}
			}
			ppcOurs, ppcSPM := piecesPerChar(ours, c.held), piecesPerChar(spm, c.held)
			ratio := ppcOurs / ppcSPM
			t.Logf("held-out pieces/char: ours %.5f spm_train %.5f ratio %.4f; %d of %d spm_train pieces in our vocabulary, %d with the same id and score",
				ppcOurs, ppcSPM, ratio, same, spm.VocabSize(), exact)
			if math.Abs(ratio-1) > 0.01 {
				t.Errorf("held-out pieces/char %.5f is not within 1%% of spm_train's %.5f", ppcOurs, ppcSPM)
			}
			// Stronger than the acceptance criterion, and true on these
			// corpora: the same model, byte for byte. The scores go through
			// float32 sums, logs and exps; a libm that rounds one of them
			// differently would change some last bits.
			want, err := os.ReadFile(filepath.Join(dir, "spm.model"))
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != string(want) {
				t.Errorf("our model differs from spm_train's (%d of %d pieces with the same id and score bits)", exact, spm.VocabSize())
			}
		})
	}
}

// FuzzTrainUnigram trains on arbitrary text (split into lines) with a small
// vocabulary: an error is fine, a panic or a model that does not load and
// encode its own training text is not.
func FuzzTrainUnigram(f *testing.F) {
	f.Add("the cat sat on the mat\nthe dog sat\n")
	f.Add(strings.Join(genCorpus(5, 40), "\n"))
	f.Add("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\u2585\u2585 x\n<unk> <s> </s>\t\t\n\xff\xfe ab\n")
	f.Add("ﬃ Ⅻ ① ｱｲｳ 東京 日本語 🙂🙂 12345 e\u0301")
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 4000 {
			return
		}
		opts := DefaultUnigramOptions()
		opts.VocabSize = 40
		opts.SeedSentencePieceSize = 200
		m, err := TrainUnigram(strings.NewReader(text), opts)
		if err != nil {
			return
		}
		data, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := Parse(data)
		if err != nil {
			t.Fatalf("trained model does not load: %v", err)
		}
		for line := range strings.SplitSeq(text, "\n") {
			m2.Encode(line)
		}
	})
}

func TestTrainUnigramVocabTooHigh(t *testing.T) {
	opts := DefaultUnigramOptions()
	opts.VocabSize = 5000
	_, err := TrainUnigram(strings.NewReader("tiny text\nonly a few words\n"), opts)
	if !errors.Is(err, ErrVocabTooHigh) {
		t.Fatalf("err = %v, want ErrVocabTooHigh", err)
	}
}
