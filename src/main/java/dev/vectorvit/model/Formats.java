package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.Json;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The checkpoint formats this library reads, and which one a config.json is. */
final class Formats {
    static final List<CheckpointFormat> ALL = List.of(new HuggingFaceViT(), new DeiT(), Dinov2.PLAIN, Dinov2.WITH_REGISTERS,
            Dinov2.PLAIN_CLASSIFIER, Dinov2.WITH_REGISTERS_CLASSIFIER, new TimmViT(), new Clip(), new Siglip());

    private Formats() {}

    /** The format of a parsed config.json; a one-line error listing the supported ones otherwise. */
    static CheckpointFormat of(Map<String, Object> config, String src) throws FormatException {
        for (CheckpointFormat f : ALL) {
            if (f.reads(config)) {
                return f;
            }
        }
        String what = config.get("model_type") instanceof String type ? "model_type '" + type + "'"
                : "a config without model_type, hidden_size or timm's architecture";
        throw new FormatException(src + ": " + what + " is not supported (supported: " + supported() + ")");
    }

    /** The supported formats as config.json names them, for errors. */
    static String supported() {
        return ALL.stream().map(CheckpointFormat::describes).collect(Collectors.joining("; "));
    }

    /** The architecture a Hugging Face config.json names first, or null if it names none. */
    static String architecture(Map<String, Object> config, String src) throws FormatException {
        if (!(config.get("architectures") instanceof List<?>)) {
            return null;
        }
        List<Object> names = Json.array(config.get("architectures"), "architectures", src);
        return names.isEmpty() ? null : Json.string(names.getFirst(), "architectures[0]", src);
    }
}
