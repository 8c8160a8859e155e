package langid

import (
	"strings"
	"testing"
)

func benchDocs(tb testing.TB, set string, langs ...string) []string {
	var docs []string
	for _, l := range readUDHR(tb) {
		if l.set != set {
			continue
		}
		for _, c := range langs {
			if l.code == c {
				docs = append(docs, l.text)
			}
		}
	}
	return docs
}

// benchDetect detects documents made of UDHR paragraphs glued into pages
// of about 4 KB, the size of a Common Crawl document after line dedup.
func benchDetect(b *testing.B, code string) {
	paras := benchDocs(b, "llama20", code)
	var pages []string
	var cur strings.Builder
	for i := 0; len(pages) < 20; i++ {
		cur.WriteString(paras[i%len(paras)])
		cur.WriteByte('\n')
		if cur.Len() > 4000 {
			pages = append(pages, cur.String())
			cur.Reset()
		}
	}
	d := Shared()
	d.Preload()
	var n int64
	for _, p := range pages {
		n += int64(len(p))
	}
	b.SetBytes(n)
	b.ResetTimer()
	for b.Loop() {
		for _, p := range pages {
			d.Detect(Sample(p, DefaultSampleBytes))
		}
	}
}

func BenchmarkDetectEnglish(b *testing.B)  { benchDetect(b, "eng") }
func BenchmarkDetectGerman(b *testing.B)   { benchDetect(b, "deu_1996") }
func BenchmarkDetectRussian(b *testing.B)  { benchDetect(b, "rus") }
func BenchmarkDetectCroatian(b *testing.B) { benchDetect(b, "hrv") }
