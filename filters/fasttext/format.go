package fasttext

import "strconv"

// AppendFormat appends preds as `fasttext predict-prob` prints one line:
// "label prob label prob", probabilities with six significant digits as
// C++'s ostream prints a float (%g: 0.936253, 2.68533e-05, 1.00001), and
// no newline. With no predictions it appends nothing, as fastText prints an
// empty line.
func AppendFormat(dst []byte, preds []Prediction) []byte {
	for i, p := range preds {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, p.Label...)
		dst = append(dst, ' ')
		dst = strconv.AppendFloat(dst, float64(p.Prob), 'g', 6, 64)
	}
	return dst
}
