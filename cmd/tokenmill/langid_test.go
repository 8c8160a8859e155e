package main

import (
	"errors"
	"testing"
)

func TestLangidCmd(t *testing.T) {
	stdin := []byte("All human beings are born free and equal in dignity and rights.\n" +
		"Alle Menschen sind frei und gleich an Würde und Rechten geboren.\n" +
		"QUxsIGh1bWFuIGJlaW5ncyBhcmUgYm9ybiBmcmVlIGFuZCBlcXVhbCBpbiBkaWduaXR5\n" +
		"\n")
	got, err := runClassify(t, stdin, "langid", "--decision", "--keep", "en")
	if err != nil {
		t.Fatal(err)
	}
	want := "en\t1.0000\tkeep\n" +
		"de\t1.0000\tlangid:lang=de\n" +
		"-\t0.0000\tlangid:score<0.5\n" +
		"-\t0.0000\tlangid:score<0.5\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	got, err = runClassify(t, []byte(`"first line\nAll human beings are born free and equal in dignity and rights."`+"\n"), "langid", "--json")
	if err != nil || got != "en\t1.0000\n" {
		t.Errorf("--json: %q, %v", got, err)
	}
	_, err = runClassify(t, nil, "langid", "--top", "0")
	var u usageError
	if !errors.As(err, &u) {
		t.Errorf("--top 0: err = %v, want a usage error", err)
	}
	_, err = runClassify(t, []byte("not json\n"), "langid", "--json")
	if err == nil {
		t.Error("--json with a bare line must fail")
	}
}
