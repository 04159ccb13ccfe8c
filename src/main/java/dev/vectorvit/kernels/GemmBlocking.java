package dev.vectorvit.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Cache blocking of the GEMM, after BLIS: a KC x NR panel of B is reused by every A panel of the
 * block, an MC x KC block of packed A stays in L2, a KC x NC block of packed B in L3.
 * KC is two L1s of B panel (measured on Zen 5: KC 768 beats the textbook half-L1 KC 192 by 30%, since
 * each k block reloads and restores the C tile and the panel streams well from L2); MC and NC take
 * half of L2 and L3.
 * Sizes come from the Linux sysfs cache description (defaults where it is missing) and can be set with
 * -Dvectorvit.gemm.mc/kc/nc. Results do not depend on them (see {@link MicroKernel}).
 *
 * @param mc rows of A per L2 block (a multiple of MR)
 * @param kc depth per block
 * @param nc columns of B per L3 block (a multiple of NR)
 */
public record GemmBlocking(int mc, int kc, int nc) {

    public GemmBlocking {
        if (mc < 1 || kc < 1 || nc < 1) {
            throw new IllegalArgumentException("GEMM blocking must be positive: mc=" + mc + " kc=" + kc + " nc=" + nc);
        }
    }

    /** The blocking for this machine's caches. */
    public static GemmBlocking forThisMachine() {
        long l1 = cacheBytes(1, 32 << 10);
        long l2 = cacheBytes(2, 512 << 10);
        long l3 = cacheBytes(3, 8 << 20);
        int nr = Simd.enabled() ? MicroKernel.NR : 16;
        int mr = 6;
        int kc = clamp((int) (2 * l1 / ((long) nr * Float.BYTES)) / 8 * 8, 64, 1024);
        kc = Integer.getInteger("vectorvit.gemm.kc", kc);
        int mc = clamp((int) (l2 / 2 / ((long) kc * Float.BYTES)) / mr * mr, mr, 1 << 14);
        int nc = clamp((int) (l3 / 2 / ((long) kc * Float.BYTES)) / nr * nr, nr, 1 << 14);
        return new GemmBlocking(Integer.getInteger("vectorvit.gemm.mc", mc), kc,
                Integer.getInteger("vectorvit.gemm.nc", nc));
    }

    /**
     * The register tile, A panel layout and blocking, e.g. "register tile 6 x 32 (6 rows x 2 vectors), A
     * panels row strips, KC 768, MC 168, NC 2728".
     */
    public String describe() {
        if (!Simd.enabled()) {
            return "scalar reference (no register tile), KC " + kc + ", MC " + mc + ", NC " + nc;
        }
        return String.format(Locale.ROOT, "register tile %d x %d (%d rows x 2 vectors), A panels %s, KC %d, MC %d, NC %d",
                MicroKernel.MR, MicroKernel.NR, MicroKernel.MR, MicroKernel.A_K_MAJOR ? "k-major" : "row strips", kc, mc, nc);
    }

    /** {@link #describe} as a JSON object (tile_rows and tile_cols 0 for the scalar reference). */
    public String json() {
        boolean simd = Simd.enabled();
        return String.format(Locale.ROOT, "{\"tile_rows\":%d,\"tile_cols\":%d,\"a_panels\":\"%s\",\"kc\":%d,\"mc\":%d,\"nc\":%d}",
                simd ? MicroKernel.MR : 0, simd ? MicroKernel.NR : 0,
                !simd ? "none" : MicroKernel.A_K_MAJOR ? "k-major" : "row strips", kc, mc, nc);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Size of the data (or unified) cache of the given level on CPU 0, from sysfs; the default elsewhere. */
    static long cacheBytes(int level, long fallback) {
        Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
        for (int index = 0; index < 8; index++) {
            Path d = dir.resolve("index" + index);
            try {
                if (!Files.isDirectory(d)
                        || Integer.parseInt(Files.readString(d.resolve("level")).trim()) != level
                        || Files.readString(d.resolve("type")).trim().equals("Instruction")) {
                    continue;
                }
                return parseSize(Files.readString(d.resolve("size")).trim());
            } catch (IOException | RuntimeException e) {
                return fallback;
            }
        }
        return fallback;
    }

    static long parseSize(String s) {
        char unit = Character.toUpperCase(s.charAt(s.length() - 1));
        return switch (unit) {
            case 'K' -> Long.parseLong(s.substring(0, s.length() - 1)) << 10;
            case 'M' -> Long.parseLong(s.substring(0, s.length() - 1)) << 20;
            default -> Long.parseLong(s);
        };
    }
}
