package dev.vectorvit.model;

import dev.vectorvit.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A model folder as downloaded from a hub: {@code config.json}, {@code model.safetensors} and, for
 * Hugging Face, an optional {@code preprocessor_config.json}. The {@link CheckpointFormat} is told from the
 * config and checked against the weights' key names when they load.
 *
 * @param preprocessing the format's preprocessing settings (preprocessor config, timm's pretrained_cfg); null when absent
 */
public record ModelSource(Path dir, Path configFile, Path weightsFile, CheckpointFormat format, ViTConfig config,
                          Map<String, Object> preprocessing) {

    /** Reads the folder's config; the weights file is only located here. */
    public static ModelSource read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "model folder not found");
        }
        Path configFile = dir.resolve("config.json");
        Path weights = dir.resolve("model.safetensors");
        for (Path p : List.of(configFile, weights)) {
            if (!Files.isRegularFile(p)) {
                throw new NoSuchFileException(p.toString(), null, "missing in the model folder");
            }
        }
        String src = configFile.toString();
        Map<String, Object> json = Json.object(Json.parse(configFile), "config", src);
        CheckpointFormat format = Formats.of(json, src);
        return new ModelSource(dir, configFile, weights, format, format.config(json, src),
                format.preprocessorConfig(dir, json, src));
    }
}
