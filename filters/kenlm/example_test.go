package kenlm_test

import (
	"fmt"
	"strings"

	"github.com/tokenmill/tokenmill/filters/kenlm"
)

func Example() {
	arpa := `\data\
ngram 1=5
ngram 2=3

\1-grams:
-1.0	<unk>	0
0	<s>	-0.5
-0.7	</s>	0
-0.6	a	-0.3
-0.9	b	-0.2

\2-grams:
-0.2	<s> a
-0.3	a b
-0.4	b </s>

\end\
`
	lm, err := kenlm.ReadARPA(strings.NewReader(arpa))
	if err != nil {
		panic(err)
	}
	// p(a|<s>) p(b|a) p(</s>|b): three stored bigrams.
	lp, oov := lm.Score([]string{"a", "b"}, true, true)
	fmt.Printf("a b: %.1f oov=%d pp=%.1f\n", lp, oov, kenlm.DocPerplexity(lp, 2))
	// b and a back off to unigrams, c is <unk>, </s> follows an OOV.
	lp, oov = lm.Score([]string{"b", "a", "c"}, true, true)
	fmt.Printf("b a c: %.1f oov=%d\n", lp, oov)
	cut := kenlm.Cutoffs{"en": {P30: 340, P60: 520}}
	fmt.Println(cut.Bucket("en", 120.5), cut.Bucket("en", 340), cut.Bucket("en", 999))
	// Output:
	// a b: -0.9 oov=0 pp=2.0
	// b a c: -4.2 oov=1
	// head middle tail
}
