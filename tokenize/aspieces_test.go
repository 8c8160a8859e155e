package tokenize

import (
	"os/exec"
	"strings"
	"testing"
)

// asPiecesCases hold spm_encode --output_format=piece's output on the kit's
// unigram model, which lacks some of these letters: spm_encode prints the
// text an unknown piece covers, where IDToPiece (and the kit's "pieces")
// read "<unk>".
var asPiecesCases = map[string]string{
	"Jež hlupost cvrčí, šđćčž ŠĐĆČŽ.":              "▁J e ž ▁h lu post ▁c vr č í , ▁ š đ ć č ž ▁ Š Đ Ć Č Ž .",
	"Щастям б'єш жук їх глицю в фон й ґедзь пріч.": "▁ Щ а ст я м ▁ б ' є ш ▁ ж у к ▁ ї х ▁ г ли ц ю ▁в ▁ ф о н ▁ й ▁ ґ е д з ь ▁ пр і ч .",
}

func TestEncodeAsPieces(t *testing.T) {
	m, err := Load("testdata/unigram8k.model")
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range asPiecesCases {
		got := strings.Join(m.EncodeAsPieces(text), " ")
		if got != want {
			t.Errorf("%q:\n got %s\nwant %s", text, got, want)
		}
		if !strings.Contains(strings.Join(m.EncodePieces(text), " "), "<unk>") {
			t.Errorf("%q: no unknown piece: the case tests nothing", text)
		}
		// And the peer itself, when installed.
		if _, err := exec.LookPath("spm_encode"); err == nil {
			cmd := exec.Command("spm_encode", "--model", "testdata/unigram8k.model", "--output_format=piece")
			cmd.Stdin = strings.NewReader(text + "\n")
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			if peer := strings.TrimSpace(string(out)); peer != got {
				t.Errorf("%q: spm_encode says\n%s", text, peer)
			}
		}
	}
}
