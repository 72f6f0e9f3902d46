package dev.sluice.core.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpendJournalTest {

    @TempDir
    Path dir;

    private static byte[] line(int i) {
        return ("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(40) + "\"}\n").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<SpendJournal.Line> lines) {
        return lines.stream().map(line -> new String(line.bytes(), StandardCharsets.UTF_8).strip()).toList();
    }

    private long segments() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.toString().endsWith(".wal")).count();
        }
    }

    @Test
    void linesAreReadBackAcrossSegmentsAndSegmentsBelowTheAcknowledgedOffsetGo() throws Exception {
        List<SpendJournal.Line> told = new ArrayList<>();
        SpendJournal journal = new SpendJournal(dir, told::addAll, 1024);
        for (int i = 0; i < 100; i++) {
            journal.append(line(i), i);
        }
        assertEquals(100, told.size(), "the listener hears of every line, in order");
        assertTrue(segments() > 3, "small segments rolled");
        List<SpendJournal.Line> all = new ArrayList<>();
        for (List<SpendJournal.Line> read = journal.read(0, 30); !read.isEmpty();
             read = journal.read(all.get(all.size() - 1).end(), 30)) {
            all.addAll(read);
        }
        assertEquals(texts(told), texts(all), "read back whole, across segment boundaries");
        assertEquals(journal.end(), all.get(99).end());

        long acknowledged = all.get(60).end();
        long before = segments();
        journal.acknowledge(acknowledged);
        assertTrue(segments() < before, "wholly acknowledged segments are deleted");
        assertTrue(journal.start() <= acknowledged && journal.start() > 0);
        assertEquals(texts(all.subList(61, 100)), texts(journal.read(acknowledged, 100)));
        journal.close();

        SpendJournal reopened = new SpendJournal(dir, lines -> { }, 1024);
        assertEquals(all.get(99).end(), reopened.end());
        assertEquals(texts(all.subList(61, 100)), texts(reopened.read(acknowledged, 100)), "kept over a restart");
        reopened.close();
    }

    @Test
    void aLineCutShortAtTheEndIsDroppedOnOpen() throws Exception {
        SpendJournal journal = new SpendJournal(dir, lines -> { });
        journal.append(line(1), 1);
        long end = journal.end();
        journal.close();
        try (Stream<Path> files = Files.list(dir)) {
            Path segment = files.filter(file -> file.toString().endsWith(".wal")).findFirst().orElseThrow();
            Files.writeString(segment, "{\"n\":2,\"pa", java.nio.file.StandardOpenOption.APPEND);
        }
        SpendJournal reopened = new SpendJournal(dir, lines -> { });
        assertEquals(end, reopened.end());
        reopened.append(line(3), 3);
        assertEquals(List.of(new String(line(1), StandardCharsets.UTF_8).strip(),
                new String(line(3), StandardCharsets.UTF_8).strip()), texts(reopened.read(0, 10)));
        reopened.close();
    }
}
