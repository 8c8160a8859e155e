package langid_test

import (
	"fmt"

	"github.com/tokenmill/tokenmill/filters/langid"
)

func Example() {
	d := langid.Shared()
	for _, text := range []string{
		"All human beings are born free and equal in dignity and rights.",
		"Alle Menschen sind frei und gleich an Würde und Rechten geboren.",
		"QUxsIGh1bWFuIGJlaW5ncyBhcmUgYm9ybiBmcmVlIGFuZCBlcXVhbA==",
	} {
		r := d.Detect(langid.Sample(text, langid.DefaultSampleBytes))
		fmt.Printf("%q %.2f %s\n", r.Lang, r.Score, r.Path)
	}
	// Output:
	// "en" 1.00 words
	// "de" 1.00 words
	// "" 0.00 junk
}
