package fasttext

import (
	"bufio"
	"fmt"
	"io"
	"slices"
)

// TestResult is what `fasttext test` reports: examples, precision and
// recall at k.
type TestResult struct {
	N         int   // lines with at least one known label and one feature
	Predicted int64 // predictions made
	Gold      int64 // gold labels
	Correct   int64 // predictions that are gold labels
}

// Precision is Correct/Predicted (P@k).
func (r TestResult) Precision() float64 { return float64(r.Correct) / float64(r.Predicted) }

// Recall is Correct/Gold (R@k).
func (r TestResult) Recall() float64 { return float64(r.Correct) / float64(r.Gold) }

// Test evaluates the model on labelled lines as `fasttext test M file k
// threshold` does: a line counts when it holds a label of the model and
// at least one feature.
func (m *Model) Test(r io.Reader, k int, threshold float32) (TestResult, error) {
	var res TestResult
	br := bufio.NewReaderSize(r, 1<<16)
	s := m.getState()
	defer m.states.Put(s)
	var gold []string
	var preds []Prediction
	for {
		line, err := readLine(br, s.text[:0])
		s.text = line
		if len(line) > 0 {
			preds = m.predict(s, preds[:0], line, false, k, threshold)
			// predict tokenized the line; its labels are still in s.lb.
			if len(s.lb.labels) > 0 && len(s.lb.ids) > 0 {
				gold = gold[:0]
				for _, l := range s.lb.labels {
					gold = append(gold, m.dict.entries[m.dict.nwords+l].word)
				}
				res.N++
				res.Gold += int64(len(gold))
				res.Predicted += int64(len(preds))
				for _, p := range preds {
					if slices.Contains(gold, p.Label) {
						res.Correct++
					}
				}
			}
		}
		if err == io.EOF {
			return res, nil
		}
		if err != nil {
			return res, fmt.Errorf("fasttext: test input: %w", err)
		}
	}
}

// readLine appends the next line of br to buf, its '\n' included when there
// is one; err is io.EOF once the input is done.
func readLine(br *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		part, err := br.ReadSlice('\n')
		buf = append(buf, part...)
		if err != bufio.ErrBufferFull {
			return buf, err
		}
	}
}
