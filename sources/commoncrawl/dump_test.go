package commoncrawl

import "testing"

func TestDump(t *testing.T) {
	for in, want := range map[string]string{
		"https://data.commoncrawl.org/crawl-data/CC-MAIN-2023-06/segments/1674764494826.88/wet/CC-MAIN-20230126210844-20230127000844-00000.warc.wet.gz": "CC-MAIN-2023-06",
		"s3://commoncrawl/crawl-data/CC-MAIN-2019-30/segments/x/wet/y.warc.wet.gz?region=us-east-1":                                                     "CC-MAIN-2019-30",
		"/mnt/cc/CC-MAIN-2020-05/part-1.warc.wet.gz":                     "CC-MAIN-2020-05",
		"/data/wet/shard-0001.warc.wet.gz":                               "",
		"embed://sample/commoncrawl/CC-SAMPLE-2023-06-00000.warc.wet.gz": "",
	} {
		if got := Dump(in); got != want {
			t.Errorf("Dump(%q) = %q, want %q", in, got, want)
		}
	}
}
