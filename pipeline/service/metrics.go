package service

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/tokenmill/tokenmill/pipeline"
)

// metrics is the server's Prometheus registry. It is the server's own (no
// global registration): two servers in one process (tests) do not collide.
type metrics struct {
	reg      *prometheus.Registry
	finished *prometheus.CounterVec
	errors   *prometheus.CounterVec
	docsIn   *prometheus.CounterVec
	docsOut  *prometheus.CounterVec
	bytesIn  *prometheus.CounterVec
	bytesOut *prometheus.CounterVec
	tokens   *prometheus.CounterVec
	drops    *prometheus.CounterVec
	stepSecs *prometheus.CounterVec
	http     *prometheus.HistogramVec
}

// stateCollector reports builds by state and the queue depth at scrape
// time, from the server's own records.
type stateCollector struct {
	s      *Server
	builds *prometheus.Desc
	queue  *prometheus.Desc
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.builds; ch <- c.queue }

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	c.s.mu.Lock()
	n := map[string]int{}
	for _, r := range c.s.builds {
		n[r.State]++
	}
	q := len(c.s.queue)
	c.s.mu.Unlock()
	for _, st := range States {
		ch <- prometheus.MustNewConstMetric(c.builds, prometheus.GaugeValue, float64(n[st]), st)
	}
	ch <- prometheus.MustNewConstMetric(c.queue, prometheus.GaugeValue, float64(q))
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	cv := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "tokenmill", Name: name, Help: help}, labels)
		m.reg.MustRegister(c)
		return c
	}
	m.finished = cv("builds_finished_total", "Builds that ended, by final state.", "state")
	m.errors = cv("errors_total", "Errors, by where they happened (build, state, http).", "kind")
	m.docsIn = cv("documents_in_total", "Documents read by finished builds, by source.", "source")
	m.docsOut = cv("documents_out_total", "Documents written by finished builds, by source.", "source")
	m.bytesIn = cv("bytes_in_total", "Text bytes read by finished builds, by source.", "source")
	m.bytesOut = cv("bytes_out_total", "Text bytes written by finished builds, by source.", "source")
	m.tokens = cv("tokens_total", "Tokens written by finished builds, by source.", "source")
	m.drops = cv("documents_dropped_total", "Documents dropped by finished builds, by source and reason (step:rule).", "source", "reason")
	m.stepSecs = cv("step_seconds_total", "Time spent in each step by finished builds, by source and step.", "source", "step")
	for _, k := range []string{"build", "state", "http"} {
		m.errors.WithLabelValues(k)
	}
	for _, st := range []string{StateSucceeded, StateFailed, StateCanceled} {
		m.finished.WithLabelValues(st)
	}
	m.http = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "tokenmill", Name: "http_request_duration_seconds",
		Help: "HTTP request latency, by route, method and status code.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)},
		[]string{"route", "method", "code"})
	m.reg.MustRegister(m.http)
	m.reg.MustRegister(&stateCollector{s: s,
		builds: prometheus.NewDesc("tokenmill_builds", "Builds known to the server, by state.", []string{"state"}, nil),
		queue:  prometheus.NewDesc("tokenmill_queue_depth", "Builds waiting for a slot.", nil, nil)})
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// addStats counts a finished build's stats.json.
func (m *metrics) addStats(st *pipeline.Stats) {
	for _, s := range st.Sources {
		m.docsIn.WithLabelValues(s.Name).Add(float64(s.DocsIn))
		m.docsOut.WithLabelValues(s.Name).Add(float64(s.DocsOut))
		m.bytesIn.WithLabelValues(s.Name).Add(float64(s.BytesIn))
		m.bytesOut.WithLabelValues(s.Name).Add(float64(s.BytesOut))
		m.tokens.WithLabelValues(s.Name).Add(float64(s.Tokens))
		for reason, n := range s.Drops {
			m.drops.WithLabelValues(s.Name, reason).Add(float64(n))
		}
		for _, step := range s.Steps {
			m.stepSecs.WithLabelValues(s.Name, step.Name).Add(step.Seconds)
		}
	}
}
