package dev.vectorvit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ProgressTest {
    private final StringWriter text = new StringWriter();
    private long now;

    private Progress progress(boolean bar, boolean quiet) {
        return new Progress(new PrintWriter(text), "vit embed", 100, bar, quiet, 5_000_000_000L, () -> now);
    }

    @Test
    void plainLinesEveryInterval() {
        Progress p = progress(false, false);
        now = 2_000_000_000L;
        p.update(10); // too soon
        now = 5_000_000_000L;
        p.update(25);
        now = 6_000_000_000L;
        p.update(30); // too soon
        p.message("error: x.png: broken");
        now = 10_000_000_000L;
        p.update(50);
        p.finish(100, 1, 2);
        assertEquals(List.of("vit embed: 25/100 images, 5.0 images/s, 0:15 left", "error: x.png: broken",
                        "vit embed: 50/100 images, 5.0 images/s, 0:10 left",
                        "vit embed: 100 images in 10.0 s (10.0 images/s), 1 failed, 2 other files skipped"),
                text.toString().lines().toList());
    }

    @Test
    void aBarRedrawsInPlaceAndMessagesClearIt() {
        Progress p = progress(true, false);
        now = 5_000_000_000L;
        p.update(50);
        p.message("error: y.png: broken");
        assertEquals("\r\033[K[###############...............] 50/100 images, 10.0 images/s, 0:05 left"
                + "\r\033[Kerror: y.png: broken" + System.lineSeparator(), text.toString());
    }

    @Test
    void quietShowsOnlyMessages() {
        Progress p = progress(false, true);
        now = 60_000_000_000L;
        p.update(50);
        p.message("error: z.png: broken");
        p.finish(100, 1, 0);
        assertEquals(List.of("error: z.png: broken"), text.toString().lines().toList());
    }

    @Test
    void oneImageAndOneSkippedFileAreSingular() {
        Progress p = progress(false, false);
        now = 2_000_000_000L;
        p.finish(1, 0, 1);
        assertEquals(List.of("vit embed: 1 image in 2.0 s (0.5 images/s), 0 failed, 1 other file skipped"),
                text.toString().lines().toList());
    }

    @Test
    void durations() {
        assertEquals("0:59", Progress.duration(59.4));
        assertEquals("1:00:05", Progress.duration(3605));
    }
}
