package pipeline

import (
	"strings"
	"testing"
)

// TestCheckInputs: a source that lists the same file twice, or two inputs
// under one name, is refused with both named.
func TestCheckInputs(t *testing.T) {
	ok := []Input{{URL: "a.gz", Name: "a"}, {URL: "a.gz", Part: "1", Name: "a/1"}, {URL: "b.gz", Name: "b"}}
	if err := checkInputs("s", ok); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ins  []Input
		want string
	}{
		{[]Input{{URL: "x/a.gz", Name: "a"}, {URL: "y/a.gz", Name: "a"}}, `source s: inputs x/a.gz and y/a.gz have the same name "a"`},
		{[]Input{{URL: "a.gz", Name: "a"}, {URL: "a.gz", Name: "a2"}}, `source s: the same input is listed twice, as "a" and "a2" (a.gz)`},
	} {
		if err := checkInputs("s", c.ins); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.ins, err, c.want)
		}
	}
}
