package fasttext_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/tokenmill/tokenmill/filters/fasttext"
)

// Train a tiny classifier in fastText's format, save it as a .bin that
// `fasttext predict` can load, read it back and predict.
func Example() {
	text := strings.Repeat(`__label__wiki the manual describes each option in detail .
__label__cc click here for cheap prices ! buy now !
`, 20)
	opts := fasttext.DefaultOptions()
	opts.Dim, opts.Epoch, opts.LR = 10, 20, 0.5
	m, err := fasttext.Train(strings.NewReader(text), opts)
	if err != nil {
		panic(err)
	}
	var bin bytes.Buffer
	if err := m.Write(&bin); err != nil {
		panic(err)
	}
	m, err = fasttext.Read(&bin)
	if err != nil {
		panic(err)
	}
	for _, doc := range []string{"the manual describes the options", "buy now , cheap !"} {
		p := m.Predict(doc, 1, 0)
		fmt.Printf("%s %.2f\n", p[0].Label, p[0].Prob)
	}
	// The line `fasttext predict-prob model.bin - 2` would print:
	fmt.Println(string(fasttext.AppendFormat(nil, m.Predict("click here", 2, 0))))
	// Output:
	// __label__wiki 1.00
	// __label__cc 1.00
	// __label__cc 0.965955 __label__wiki 0.0340652
}
