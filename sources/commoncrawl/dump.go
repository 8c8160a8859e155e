package commoncrawl

import (
	"regexp"
	"strings"
)

// crawlRE matches a CommonCrawl crawl's name as it appears in its paths
// (crawl-data/CC-MAIN-2023-06/segments/...) and WARC-Filename values.
var crawlRE = regexp.MustCompile(`CC-MAIN-\d{4}-\d{2}`)

// Dump returns the crawl ("dump") an input belongs to, from its URL: the
// last CC-MAIN-YYYY-WW in the path, as CommonCrawl lays out its files and
// mirrors keep them. It returns "" when the path names no crawl. CCNet
// deduplicates lines within one dump only; the build groups a source's
// inputs by this key so that line dedup never crosses two dumps.
func Dump(url string) string {
	if i := strings.IndexAny(url, "?#"); i >= 0 {
		url = url[:i]
	}
	all := crawlRE.FindAllString(url, -1)
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1]
}
