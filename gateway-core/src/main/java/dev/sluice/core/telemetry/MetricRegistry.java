package dev.sluice.core.telemetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Counters, histograms and gauges with labels, written in Prometheus' text format (0.0.4) as
 * Python's prometheus_client writes them, so LiteLLM's dashboards read Sluice's series unchanged:
 * a counter {@code x} is exposed as {@code x_total}, a histogram as {@code x_bucket},
 * {@code x_sum} and {@code x_count}. Recording is lock-free (adders per label set); the text is
 * built only when scraped.
 */
public final class MetricRegistry {

    private final List<Family> families = new CopyOnWriteArrayList<>();

    /** @return a new counter */
    public Counter counter(String name, String help, String... labelNames) {
        return register(new Counter(name, help, labelNames));
    }

    /** @return a new histogram with these bucket upper bounds (+Inf is added) */
    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        return register(new Histogram(name, help, buckets, labelNames));
    }

    /**
     * Registers a gauge read when scraped.
     *
     * @param values the current value per list of label values
     */
    public void gauge(String name, String help, Supplier<Map<List<String>, Double>> values, String... labelNames) {
        register(new Gauge(name, help, labelNames, values));
    }

    private <T extends Family> T register(T family) {
        families.add(family);
        return family;
    }

    /** @return every metric in Prometheus' text format */
    public String scrape() {
        StringBuilder out = new StringBuilder(8192);
        for (Family family : families) {
            family.writeTo(out);
        }
        return out.toString();
    }

    /** One metric with its label names. */
    private abstract static sealed class Family permits Counter, Histogram, Gauge {
        final String name;
        final String help;
        final String[] labelNames;

        Family(String name, String help, String[] labelNames) {
            this.name = name;
            this.help = help;
            this.labelNames = labelNames.clone();
        }

        abstract void writeTo(StringBuilder out);

        void header(StringBuilder out, String exposedName, String type) {
            out.append("# HELP ").append(exposedName).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                    .append('\n').append("# TYPE ").append(exposedName).append(' ').append(type).append('\n');
        }

        void sample(StringBuilder out, String sampleName, List<String> values, String extraName, String extraValue,
                    double value) {
            out.append(sampleName);
            if (labelNames.length > 0 || extraName != null) {
                out.append('{');
                for (int i = 0; i < labelNames.length; i++) {
                    label(out, labelNames[i], i < values.size() ? values.get(i) : "");
                    out.append(',');
                }
                if (extraName != null) {
                    label(out, extraName, extraValue);
                    out.append(',');
                }
                out.setLength(out.length() - 1);
                out.append('}');
            }
            out.append(' ').append(number(value)).append('\n');
        }

        Labels labels(String[] values) {
            if (values.length != labelNames.length) {
                throw new IllegalArgumentException(name + " takes " + labelNames.length + " label values, got "
                        + values.length);
            }
            return new Labels(values);
        }

        private static void label(StringBuilder out, String name, String value) {
            out.append(name).append("=\"");
            String text = value == null ? "" : value;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '\\' -> out.append("\\\\");
                    case '"' -> out.append("\\\"");
                    case '\n' -> out.append("\\n");
                    default -> out.append(c);
                }
            }
            out.append('"');
        }

        private static String number(double value) {
            if (value == Double.POSITIVE_INFINITY) {
                return "+Inf";
            }
            return value == Math.rint(value) && Math.abs(value) < 1e15 ? (long) value + ".0" : Double.toString(value);
        }
    }

    /** Label values as a map key. */
    private record Labels(String[] values) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Labels labels && Arrays.equals(values, labels.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        List<String> list() {
            return Arrays.asList(values);
        }
    }

    /** A count that only goes up. */
    public static final class Counter extends Family {
        private final Map<Labels, DoubleAdder> series = new ConcurrentHashMap<>();

        private Counter(String name, String help, String[] labelNames) {
            super(name, help, labelNames);
        }

        /** Adds to the series of these label values (in the order of the label names). */
        public void add(double amount, String... labelValues) {
            series.computeIfAbsent(labels(labelValues), labels -> new DoubleAdder()).add(amount);
        }

        /** @return the series' value, 0 if never counted */
        public double value(String... labelValues) {
            DoubleAdder adder = series.get(labels(labelValues));
            return adder == null ? 0 : adder.sum();
        }

        @Override
        void writeTo(StringBuilder out) {
            header(out, name + "_total", "counter");
            series.forEach((labels, adder) -> sample(out, name + "_total", labels.list(), null, null, adder.sum()));
        }
    }

    /** Observations counted into cumulative buckets, with their sum and count. */
    public static final class Histogram extends Family {
        private final double[] bounds;
        private final Map<Labels, Buckets> series = new ConcurrentHashMap<>();

        private Histogram(String name, String help, double[] bounds, String[] labelNames) {
            super(name, help, labelNames);
            this.bounds = bounds.clone();
            Arrays.sort(this.bounds);
        }

        /** Records one observation in the series of these label values. */
        public void observe(double value, String... labelValues) {
            Buckets buckets = series.computeIfAbsent(labels(labelValues), labels -> new Buckets(bounds.length));
            int index = Arrays.binarySearch(bounds, value);
            buckets.counts[index >= 0 ? index : -index - 1].increment(); // the first bound >= value, else +Inf
            buckets.sum.add(value);
        }

        /** @return how many observations the series has */
        public long count(String... labelValues) {
            Buckets buckets = series.get(labels(labelValues));
            return buckets == null ? 0 : Arrays.stream(buckets.counts).mapToLong(LongAdder::sum).sum();
        }

        @Override
        void writeTo(StringBuilder out) {
            header(out, name, "histogram");
            series.forEach((labels, buckets) -> {
                List<String> values = labels.list();
                long cumulative = 0;
                for (int i = 0; i <= bounds.length; i++) {
                    cumulative += buckets.counts[i].sum();
                    double bound = i < bounds.length ? bounds[i] : Double.POSITIVE_INFINITY;
                    sample(out, name + "_bucket", values, "le", Family.number(bound), cumulative);
                }
                sample(out, name + "_count", values, null, null, cumulative);
                sample(out, name + "_sum", values, null, null, buckets.sum.sum());
            });
        }

        private static final class Buckets {
            final LongAdder[] counts;
            final DoubleAdder sum = new DoubleAdder();

            Buckets(int bounds) {
                counts = new LongAdder[bounds + 1];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = new LongAdder();
                }
            }
        }
    }

    /** A value read when scraped. */
    private static final class Gauge extends Family {
        private final Supplier<Map<List<String>, Double>> values;

        private Gauge(String name, String help, String[] labelNames, Supplier<Map<List<String>, Double>> values) {
            super(name, help, labelNames);
            this.values = values;
        }

        @Override
        void writeTo(StringBuilder out) {
            header(out, name, "gauge");
            List<Map.Entry<List<String>, Double>> current = new ArrayList<>(values.get().entrySet());
            for (Map.Entry<List<String>, Double> entry : current) {
                sample(out, name, entry.getKey(), null, null, entry.getValue());
            }
        }
    }
}
