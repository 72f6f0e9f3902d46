package dev.sluice.core.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text format, as Python's prometheus_client writes it, for LiteLLM's dashboards. */
class MetricRegistryTest {

    private final MetricRegistry registry = new MetricRegistry();

    @Test
    void aCounterIsExposedWithTheTotalSuffixAndEscapedLabels() {
        MetricRegistry.Counter counter = registry.counter("litellm_requests_metric", "Total requests", "model", "team");
        counter.add(1, "gpt-4o", "a \"quoted\" \\ team\nname");
        counter.add(2, "gpt-4o", "a \"quoted\" \\ team\nname");
        assertEquals("""
                # HELP litellm_requests_metric_total Total requests
                # TYPE litellm_requests_metric_total counter
                litellm_requests_metric_total{model="gpt-4o",team="a \\"quoted\\" \\\\ team\\nname"} 3.0
                """, registry.scrape());
        assertEquals(3.0, counter.value("gpt-4o", "a \"quoted\" \\ team\nname"));
    }

    @Test
    void aHistogramHasCumulativeBucketsEndingInInfThenCountAndSum() {
        MetricRegistry.Histogram histogram = registry.histogram("latency", "Latency", new double[] {0.1, 1.0}, "model");
        histogram.observe(0.05, "m");
        histogram.observe(0.1, "m"); // on a bound: that bucket
        histogram.observe(0.5, "m");
        histogram.observe(7, "m");
        assertEquals("""
                # HELP latency Latency
                # TYPE latency histogram
                latency_bucket{model="m",le="0.1"} 2.0
                latency_bucket{model="m",le="1.0"} 3.0
                latency_bucket{model="m",le="+Inf"} 4.0
                latency_count{model="m"} 4.0
                latency_sum{model="m"} 7.65
                """, registry.scrape());
        assertEquals(4, histogram.count("m"));
    }

    @Test
    void aGaugeIsReadWhenScrapedAndLabelValuesMustMatchTheNames() {
        registry.gauge("in_flight", "Calls in flight", () -> Map.of(List.of(), 2.0));
        assertTrue(registry.scrape().endsWith("# TYPE in_flight gauge\nin_flight 2.0\n"), registry.scrape());
        MetricRegistry.Counter counter = registry.counter("c", "c", "a", "b");
        assertThrows(IllegalArgumentException.class, () -> counter.add(1, "only one"));
    }
}
