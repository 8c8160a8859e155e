package tokenize_test

import (
	"fmt"
	"log"

	"github.com/tokenmill/tokenmill/tokenize"
)

// Example encodes with the kit's BPE model (LLaMA's options, 8000 pieces):
// a dummy-prefix space, one piece per digit, and byte pieces for a
// character outside the alphabet.
func Example() {
	m, err := tokenize.Load("testdata/bpe8k.model")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Type(), m.VocabSize(), m.BOSID(), m.EOSID())
	ids := m.Encode("Tokenizers split 42 🙂")
	fmt.Println(ids)
	fmt.Println(m.EncodePieces("Tokenizers split 42 🙂"))
	text, err := m.Decode(ids)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", text)
	// Output:
	// bpe 8000 1 2
	// [302 477 265 391 386 270 2921 5378 5466 5434 5378 243 162 156 133]
	// [▁T ok en iz ers ▁s plit ▁ 4 2 ▁ <0xF0> <0x9F> <0x99> <0x82>]
	// "Tokenizers split 42 🙂"
}
