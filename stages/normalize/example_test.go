package normalize_test

import (
	"fmt"

	"github.com/tokenmill/tokenmill/stages/normalize"
)

func Example() {
	line := "  Ça coûte 12 € — «vraiment»!  "
	fmt.Printf("%q\n", normalize.ForDedup(line))
	fmt.Printf("%q\n", normalize.Normalize(line))
	// Output:
	// "ça coûte 00 €  vraiment!"
	// "ca coute 00 €  -  \"vraiment\"!"
}
