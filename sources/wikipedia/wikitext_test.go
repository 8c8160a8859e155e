package wikipedia

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected outputs under testdata")

// wikitextCase is one case of testdata/wikitext.
type wikitextCase struct {
	header, input, want string
	lang                string
	urls                bool
	comment             string // the lines before the header
}

// readCases parses testdata/wikitext: ">>> name [lang=xx] [urls]", the
// wikitext, "----", the expected text; "#" lines before a header comment it.
func readCases(t *testing.T, path string) []wikitextCase {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []wikitextCase
	var cur *wikitextCase
	var comment []string
	inWant := false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, ">>> "):
			cases = append(cases, wikitextCase{header: line, comment: strings.Join(comment, "\n")})
			cur, comment, inWant = &cases[len(cases)-1], nil, false
			for _, f := range strings.Fields(line) {
				if l, ok := strings.CutPrefix(f, "[lang="); ok {
					cur.lang = strings.TrimSuffix(l, "]")
				}
				if f == "[urls]" {
					cur.urls = true
				}
			}
		case cur == nil:
			comment = append(comment, line)
		case line == "----" && !inWant:
			inWant = true
		case inWant:
			cur.want += line + "\n"
		default:
			cur.input += line + "\n"
		}
	}
	for i := range cases {
		cases[i].want = strings.TrimRight(cases[i].want, "\n")
		cases[i].input = strings.TrimSuffix(cases[i].input, "\n")
	}
	return cases
}

func runCase(c wikitextCase) string {
	lang := c.lang
	if lang == "" {
		lang = "en"
		if strings.Contains(c.header, "German") {
			lang = "de"
		}
	}
	cl := NewCleaner(&SiteInfo{DBName: lang + "wiki", Lang: lang}, c.urls)
	text, urls := cl.Clean(c.input)
	if c.urls {
		text += "\n~~~~\n" + strings.Join(urls, "\n")
	}
	return text
}

// TestWikitext checks the plain text of every case in testdata/wikitext.
func TestWikitext(t *testing.T) {
	const path = "testdata/wikitext"
	cases := readCases(t, path)
	if len(cases) < 20 {
		t.Fatalf("%d cases in %s", len(cases), path)
	}
	var out strings.Builder
	for i, c := range cases {
		got := runCase(c)
		if *update {
			if i > 0 || c.comment != "" {
				out.WriteString(c.comment + "\n")
			}
			out.WriteString(c.header + "\n" + c.input + "\n----\n" + got + "\n")
			continue
		}
		if got != c.want {
			t.Errorf("%s\ninput:\n%s\ngot:\n%s\nwant:\n%s", c.header, c.input, got, c.want)
		}
	}
	if *update {
		os.WriteFile(path, []byte(out.String()), 0o644)
	}
}

// TestCleanerReuse: a cleaner gives each page the answer a fresh one gives.
func TestCleanerReuse(t *testing.T) {
	cases := readCases(t, "testdata/wikitext")
	cl := NewCleaner(&SiteInfo{DBName: "enwiki", Lang: "en"}, true)
	for _, c := range cases {
		if c.lang != "" || strings.Contains(c.header, "German") {
			continue
		}
		got, _ := cl.Clean(c.input)
		want, _ := NewCleaner(&SiteInfo{DBName: "enwiki", Lang: "en"}, true).Clean(c.input)
		if got != want {
			t.Errorf("%s: reused cleaner gives %q, fresh %q", c.header, got, want)
		}
	}
}

func TestRedirectText(t *testing.T) {
	for text, want := range map[string]bool{
		"#REDIRECT [[Paris]]":            true,
		"  #redirect[[Paris]]":           true,
		"#REDIRECT: [[Paris]]":           true,
		"#WEITERLEITUNG [[Berlin]]":      true,
		"#weiterleitung [[Berlin]]":      true,
		"#PATRZ [[Warszawa]]":            true,
		"#ПЕРЕНАПРАВЛЕНИЕ [[Москва]]":    true,
		"#перенаправление [[Москва]]":    true,
		"#PŘESMĚRUJ [[Praha]]":           true,
		"#ÁTIRÁNYÍTÁS [[Budapest]]":      true,
		"#REDIRECTION [[Paris]]":         true,
		"#REDIRECT is a magic word.":     false,
		"# a numbered item [[REDIRECT]]": false,
		"Text #REDIRECT [[Paris]]":       false,
		"":                               false,
	} {
		if got := IsRedirectText(text); got != want {
			t.Errorf("IsRedirectText(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestNormalizeURL(t *testing.T) {
	for in, want := range map[string]string{
		"HTTPS://WWW.Example.COM/Path/?q=1#frag": "https://example.com/Path/?q=1",
		"http://example.org/":                    "http://example.org",
		"//www.example.org/a/":                   "https://example.org/a",
		"https://example.org/a&amp;b":            "https://example.org/a&b",
		"ftp://example.org/file":                 "",
		"not a url":                              "",
		"https://example.org/page).":             "https://example.org/page",
	} {
		if got := NormalizeURL(in); got != want {
			t.Errorf("NormalizeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSiteNamespaces: the File and Category names a dump's <siteinfo>
// declares (and its aliases) are dropped like the built-in ones, in any case.
func TestSiteNamespaces(t *testing.T) {
	si := parseSiteInfo([]byte(`<siteinfo><dbname>xxwiki</dbname><case>first-letter</case><namespaces>
<namespace key="-2" case="first-letter">Meedia</namespace><namespace key="0" case="first-letter" />
<namespace key="6" case="first-letter">Pilt</namespace><namespace key="14" case="first-letter">Kateegoria</namespace>
</namespaces><namespacealiases><namespace key="6">Fail</namespace></namespacealiases></siteinfo>`))
	if si.DBName != "xxwiki" || si.Lang != "xx" || si.Case != "first-letter" || len(si.Namespaces) != 5 || !si.Namespaces[4].Alias || si.Namespaces[3].Alias {
		t.Fatalf("parseSiteInfo = %+v", si)
	}
	got, _ := NewCleaner(&si, false).Clean("A [[Pilt:x.jpg|thumb|cap]] [[fail:y.png]] [[Meedia:z.ogg]] b [[Image:w.png]].\n[[kateegoria:Z]]")
	if got != "A b." {
		t.Errorf("got %q", got)
	}
}
