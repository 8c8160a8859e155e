package stackexchange

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// scanAll renders every row a scanner returns: its index, offset and either
// its attributes or its error.
func scanAll(r io.Reader) (string, error) {
	var b strings.Builder
	s := NewRowScanner(r)
	for s.Scan() {
		fmt.Fprintf(&b, "%d@%d ", s.RowIndex(), s.RowOffset())
		if err := s.RowErr(); err != nil {
			fmt.Fprintf(&b, "error: %v\n", err)
			continue
		}
		a := s.Attrs()
		fmt.Fprintf(&b, "Id=%d/%v type=%d/%v parent=%d/%v score=%d/%v title=%q/%v body=%q tags=%q date=%q\n",
			a.Id, a.HasId, a.PostTypeId, a.HasPostType, a.ParentId, a.HasParent, a.Score, a.HasScore,
			a.Title, a.HasTitle, a.Body, a.Tags, a.CreationDate)
	}
	return b.String(), s.Err()
}

func TestRowScanner(t *testing.T) {
	const head = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n"
	for _, tc := range []struct {
		name, in, want string
	}{
		{"typical",
			head + `  <row Id="1" PostTypeId="1" CreationDate="2008-07-31T21:42:52.667" Score="-5" Body="&lt;p&gt;Hi&lt;/p&gt;&#xA;" Title="A &amp; B" Tags="&lt;c#&gt;" />` + "\n</posts>\n",
			`0@49 Id=1/true type=1/true parent=0/false score=-5/true title="A & B"/true body="<p>Hi</p>\n" tags="<c#>" date="2008-07-31T21:42:52.667"` + "\n"},
		// XML attribute-value normalization: literal tabs and line breaks
		// (CR LF counting once) are spaces; character references stay.
		{"whitespace",
			"<row Id=\"2\" Body=\"a\tb\nc\r\nd\re&#xA;f&#xD;g&#x9;h&#10;\" />",
			`0@0 Id=2/true type=0/false parent=0/false score=0/false title=""/false body="a b c d e\nf\rg\th\n" tags="" date=""` + "\n"},
		{"references",
			`<row Id="3" Title="&#65;&#x42;&#x43;&#x1F600;&#xE000;&#xFFFD;&#x10FFFF;&apos;&quot;&gt;" />`,
			`0@0 Id=3/true type=0/false parent=0/false score=0/false title="ABC😀\ue000�\U0010ffff'\">"/true body="" tags="" date=""` + "\n"},
		{"single-quotes and spaces around =",
			`<row Id = '4'  Title='say "hi"' PostTypeId=` + "\n" + `"2"/>`,
			`0@0 Id=4/true type=2/true parent=0/false score=0/false title="say \"hi\""/true body="" tags="" date=""` + "\n"},
		{"explicit end tag",
			`<row Id="5"></row><row Id="6" ></row >`,
			"0@0 Id=5/true type=0/false parent=0/false score=0/false title=\"\"/false body=\"\" tags=\"\" date=\"\"\n" +
				"1@18 Id=6/true type=0/false parent=0/false score=0/false title=\"\"/false body=\"\" tags=\"\" date=\"\"\n"},
		{"not a row element", `<rows><rowx Id="1"/><row Id="7"/>`,
			"0@20 Id=7/true type=0/false parent=0/false score=0/false title=\"\"/false body=\"\" tags=\"\" date=\"\"\n"},
		{"undefined entity", `<row Id="1" Body="&nbsp;" /><row Id="2" />`,
			"0@0 error: attribute Body: stackexchange: bad entity reference: undefined entity &nbsp;\n" +
				"1@28 Id=2/true type=0/false parent=0/false score=0/false title=\"\"/false body=\"\" tags=\"\" date=\"\"\n"},
		{"unterminated entity", `<row Id="1" Body="a &amp b" />`,
			"0@0 error: attribute Body: stackexchange: bad entity reference: unterminated \"&amp b\"\n"},
		{"forbidden character reference", `<row Id="1" Body="&#0;" /><row Id="1" Body="&#x8;" /><row Id="1" Body="&#xD800;" /><row Id="1" Body="&#x110000;" /><row Id="1" Body="&#xFFFE;" />`,
			"0@0 error: attribute Body: stackexchange: bad entity reference: &#0;\n" +
				"1@26 error: attribute Body: stackexchange: bad entity reference: &#x8;\n" +
				"2@53 error: attribute Body: stackexchange: bad entity reference: &#xD800;\n" +
				"3@83 error: attribute Body: stackexchange: bad entity reference: &#x110000;\n" +
				"4@115 error: attribute Body: stackexchange: bad entity reference: &#xFFFE;\n"},
		{"upper-case X and bad digits", `<row Id="1" Body="&#X41;" /><row Id="1" Body="&#4a;" /><row Id="1" Body="&#;" />`,
			"0@0 error: attribute Body: stackexchange: bad entity reference: &#X41;\n" +
				"1@28 error: attribute Body: stackexchange: bad entity reference: &#4a;\n" +
				"2@55 error: attribute Body: stackexchange: bad entity reference: undefined entity &#;\n"},
		// A bad reference in an attribute the source does not use still
		// makes the row malformed, as it would for an XML parser.
		{"bad entity in other attribute", `<row Id="1" OwnerDisplayName="&bogus;" />`,
			"0@0 error: attribute OwnerDisplayName: stackexchange: bad entity reference: undefined entity &bogus;\n"},
		{"unterminated value resyncs at the next row",
			"<row Id=\"1\" Body=\"abc />\n<row Id=\"2\" />\n",
			"0@0 error: stackexchange: malformed row: '<' in attribute Body (unterminated value?)\n" +
				"1@25 Id=2/true type=0/false parent=0/false score=0/false title=\"\"/false body=\"\" tags=\"\" date=\"\"\n"},
		{"no space between attributes", `<row Id="1"Body="x" />`,
			"0@0 error: stackexchange: malformed row: no space before attribute\n"},
		{"unquoted value", `<row Id=1 />`,
			"0@0 error: stackexchange: malformed row: attribute Id value not quoted\n"},
		{"attribute without value", `<row Id />`,
			"0@0 error: stackexchange: malformed row: attribute Id without a value\n"},
		{"content", `<row Id="1">text</row>`,
			"0@0 error: stackexchange: malformed row: row element has content\n"},
		{"bad integer", `<row Id="x1" />`,
			"0@0 error: attribute Id: stackexchange: malformed row: not an integer: \"x1\"\n"},
		{"invalid UTF-8", "<row Id=\"1\" Body=\"\xff\" /><row Id=\"2\" />",
			"0@0 error: stackexchange: invalid UTF-8 in row\n" +
				"1@23 Id=2/true type=0/false parent=0/false score=0/false title=\"\"/false body=\"\" tags=\"\" date=\"\"\n"},
		{"cut inside a row", head + `  <row Id="1" /><row Id="2" Body="abc`,
			"0@49 Id=1/true type=0/false parent=0/false score=0/false title=\"\"/false body=\"\" tags=\"\" date=\"\"\n" +
				"1@63 error: stackexchange: file ends inside a row\n"},
		{"cut right after <row", `<row Id="1" /><row`,
			"0@0 Id=1/true type=0/false parent=0/false score=0/false title=\"\"/false body=\"\" tags=\"\" date=\"\"\n" +
				"1@14 error: stackexchange: file ends inside a row\n"},
		{"cut inside <row", `<row Id="1" /><ro`,
			"0@0 Id=1/true type=0/false parent=0/false score=0/false title=\"\"/false body=\"\" tags=\"\" date=\"\"\n"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Whole, and one byte per Read: rows across buffer refills.
			for _, r := range []io.Reader{strings.NewReader(tc.in), iotest.OneByteReader(strings.NewReader(tc.in))} {
				got, err := scanAll(r)
				if err != nil {
					t.Fatal(err)
				}
				if got != tc.want {
					t.Errorf("got\n%s\nwant\n%s", got, tc.want)
				}
			}
		})
	}
}

// TestRowScannerReadError: a read error ends the scan and is returned by
// Err, with the rows before it.
func TestRowScannerReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader(`<row Id="1" /><row Id="2"`), iotest.ErrReader(boom))
	got, err := scanAll(r)
	if !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	if want := "0@0 Id=1/true type=0/false parent=0/false score=0/false title=\"\"/false body=\"\" tags=\"\" date=\"\"\n"; got != want {
		t.Errorf("got %q", got)
	}
}

// TestRowScannerLongRow: rows far larger than the initial buffer.
func TestRowScannerLongRow(t *testing.T) {
	body := strings.Repeat("&lt;p&gt;x&lt;/p&gt;", 300000) // 6 MB
	in := `<row Id="1" Body="` + body + `" /><row Id="2" />`
	s := NewRowScanner(strings.NewReader(in))
	n := 0
	for s.Scan() {
		if s.RowErr() != nil {
			t.Fatal(s.RowErr())
		}
		if n == 0 && len(s.Attrs().Body) != 300000*8 {
			t.Errorf("body %d bytes", len(s.Attrs().Body))
		}
		n++
	}
	if n != 2 || s.Err() != nil {
		t.Errorf("%d rows, %v", n, s.Err())
	}
}
