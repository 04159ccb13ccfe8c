package dev.vectorvit.jmh.report;

import dev.vectorvit.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * jmh/peers/run.sh's report: peers.md with ViT-B/16 in vectorvit, ONNX Runtime and PyTorch side by side and
 * the GEMM against netlib and OpenBLAS, and vit-peers.png, gemm-peers.png. Every input but one of --vit and
 * --gemm may be missing; its part of the report is then left out.
 */
@Command(name = "peers", mixinStandardHelpOptions = true, description = "peers.md, vit-peers.png and gemm-peers.png")
final class PeersReport implements Callable<Integer> {
    @Option(names = "--vit", paramLabel = "JSON", description = "VitPeers' result")
    Path vit;

    @Option(names = "--gemm", paramLabel = "JSON", description = "GemmPeersBench's JMH result file")
    Path gemm;

    @Option(names = "--gemm-info", paramLabel = "JSON", description = "GemmPeers' description of each implementation")
    Path gemmInfo;

    @Option(names = "--gemm-turns", paramLabel = "JSON", description = "GemmPeersTurns' result")
    Path gemmTurns;

    @Option(names = "--cold", paramLabel = "DIR", description = "one ENGINE-N.json per fresh-process run")
    Path cold;

    @Option(names = "--torch-bench", paramLabel = "JSON",
            description = "export.py bench's result: PyTorch's latency where VitPeers ran without it")
    Path torchBench;

    @Mixin
    ReportOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path any = exists(vit) ? vit : exists(gemm) ? gemm : null;
        if (any == null) {
            throw new ParameterException(spec.commandLine(),
                    "neither --vit (VitPeers' JSON) nor --gemm (GemmPeersBench's JMH JSON) names a file");
        }
        Run run = options.run(exists(gemm) ? JmhResult.read(gemm) : List.of(), any);
        PeersData data = new PeersData(exists(vit) ? object(vit, "VitPeers result") : Map.of(),
                exists(torchBench) ? object(torchBench, "export.py bench") : null, PeersData.readCold(cold));
        Map<String, String> descriptions = new LinkedHashMap<>();
        if (exists(gemmInfo)) {
            object(gemmInfo, "GEMM implementations").forEach((k, x) -> descriptions.put(k, String.valueOf(x)));
        }
        List<Section> sections = new ArrayList<>();
        StringBuilder md = new StringBuilder("# ViT-B/16: vectorvit, ONNX Runtime and PyTorch on the same weights, input and cores\n\n");
        if (data.vit.isEmpty() && data.cold.isEmpty()) {
            md.append("Machine: ").append(run.machine()).append(". Date: ").append(run.date())
                    .append(". No ViT-B/16 results (VitPeers did not run).\n\n");
        } else {
            sections.add(new VitPeersSection(data, run));
        }
        sections.add(new GemmPeersSection(run, descriptions));
        if (exists(gemmTurns)) {
            sections.add(new GemmTurnsSection(object(gemmTurns, "GemmPeersTurns result"), gemmTurns.toString()));
        }
        for (Section s : sections) {
            s.markdown(md);
        }
        options.write(any, "peers.md", md.toString(), sections.toArray(Section[]::new));
        return 0;
    }

    private static boolean exists(Path p) {
        return p != null && Files.isRegularFile(p);
    }

    private static Map<String, Object> object(Path file, String what) throws java.io.IOException {
        return Json.object(Json.parse(file), what, file.toString());
    }
}
