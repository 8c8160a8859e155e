package fasttext_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/filters/fasttext"
)

// A toy language-ID model shaped like lid.176 (character n-grams 2-4,
// hierarchical softmax) trained on a few sentences per language.
const langText = `__label__en the file is copied to the current directory
__label__en this option changes the output of the program
__label__en please read the manual before you start
__label__de die datei wird in das aktuelle verzeichnis kopiert
__label__de diese option ändert die ausgabe des programms
__label__de bitte lesen sie zuerst das handbuch
__label__fr le fichier est copié dans le répertoire courant
__label__fr cette option change la sortie du programme
__label__fr veuillez lire le manuel avant de commencer
`

func TestLangID(t *testing.T) {
	opts := fasttext.DefaultOptions()
	opts.Minn, opts.Maxn, opts.Bucket, opts.Dim, opts.Loss, opts.Epoch, opts.LR = 2, 4, 20000, 16, fasttext.LossHS, 25, 1.0
	m, err := fasttext.Train(strings.NewReader(strings.Repeat(langText, 20)), opts)
	if err != nil {
		t.Fatal(err)
	}
	lid, err := fasttext.NewLangID(m)
	if err != nil {
		t.Fatal(err)
	}
	// fastText 0.9.2 trained on the same text with the same options
	// (-thread 1) printed these for the newline-free texts.
	for _, tc := range []struct{ text, lang, fastText string }{
		{"the program reads\nthe manual", "en", "0.997551"},
		{"das programm liest\ndas handbuch", "de", "0.982046"},
		{"le programme lit\nle manuel", "fr", "0.993965"},
	} {
		lang, prob := lid.Detect(tc.text)
		// CCNet deletes the newlines, it does not turn them into spaces.
		want := m.Predict(strings.ReplaceAll(tc.text, "\n", ""), 1, 0)[0]
		if lang != tc.lang || "__label__"+lang != want.Label || prob != want.Prob {
			t.Errorf("Detect(%q) = %s %v; want %s and Predict's %s %v", tc.text, lang, prob, tc.lang, want.Label, want.Prob)
		}
		if got := strconv.FormatFloat(float64(prob), 'g', 6, 32); got != tc.fastText {
			t.Errorf("Detect(%q): probability %s, fastText printed %s", tc.text, got, tc.fastText)
		}
		if spaced := m.Predict(strings.ReplaceAll(tc.text, "\n", " "), 1, 0)[0]; spaced.Prob == prob {
			t.Errorf("Detect(%q): a newline read as a space gives the same probability %v; the test cannot tell them apart", tc.text, prob)
		}
	}
	if lang, prob := lid.Detect(""); lang != "" || prob != 0 {
		t.Errorf("Detect(\"\") = %q %v, want nothing", lang, prob)
	}
}

func TestCCNetScore(t *testing.T) {
	for _, tc := range []struct {
		p    float32
		want float64
		keep bool
	}{
		{0.125, 0.12, false}, // exactly half: numpy rounds to even
		{0.135, 0.14, false}, // float32(0.135) is a bit above
		{0.49499, 0.49, false},
		{0.495, 0.5, true}, // float32(0.495) is a bit above: CCNet keeps it at 0.5
		{1.00001, 1, true},
	} {
		if got := fasttext.CCNetScore(tc.p); got != tc.want {
			t.Errorf("CCNetScore(%v) = %v, want %v", tc.p, got, tc.want)
		}
		if got := fasttext.CCNetKeep(tc.p, 0.5); got != tc.keep {
			t.Errorf("CCNetKeep(%v, 0.5) = %v, want %v", tc.p, got, tc.keep)
		}
	}
}
