// Package length is the recipe's "min_length" step: it drops documents
// shorter than a number of characters, counted as Unicode code points as
// Python's len counts them (CCNet and RedPajama drop documents under 300).
//
// It is a keep/drop decision on one document, so it lives with the other
// filters, not with the cross-document decisions of dedup (whose
// line_dedup step applies its own min_chars after removing lines, as
// CCNet does). The package must not change text or write files.
package length
