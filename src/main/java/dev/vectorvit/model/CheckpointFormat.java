package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.ImagePreprocessing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * One checkpoint format of a model folder (Hugging Face ViT, DeiT, timm ViT, ...): how its config.json
 * maps to a {@link ViTConfig}, its tensor names to {@link ViTWeights}, and which preprocessing it names.
 * A new format is one class implementing this and a line in {@link Formats#ALL}.
 */
public interface CheckpointFormat {
    /** The format's name in messages, e.g. "Hugging Face DeiT". */
    String name();

    /** What config.json says for this format, in the list of supported ones an unknown model gets. */
    String describes();

    /** Whether a parsed config.json is of this format. */
    boolean reads(Map<String, Object> config);

    /** The model's shape, tokens and head from its parsed config.json ({@code src} names it in errors). */
    ViTConfig config(Map<String, Object> config, String src) throws FormatException;

    /** The folder's preprocessing settings (preprocessor_config.json, timm's pretrained_cfg), or null. */
    Map<String, Object> preprocessorConfig(Path dir, Map<String, Object> config, String src) throws IOException;

    /** The preprocessing those settings ask for; where they name no size, the config's image size. */
    ImagePreprocessing preprocessing(ModelSource source) throws FormatException;

    /**
     * The model at the input size a model of this format runs at unless told otherwise: the config's image
     * size (the one its position embeddings were trained at).
     */
    default ViTConfig runConfig(ModelSource source) throws FormatException {
        return source.config();
    }

    /**
     * This format as the weights' tensor names are: itself, or, for a format whose downloads name the tensors
     * in more than one way, the one these are in.
     */
    default CheckpointFormat forTensors(Set<String> names) {
        return this;
    }

    /** A tensor every checkpoint of this format holds: its absence means another format's weights. */
    String marker();

    /** The prefix of block {@code i}'s tensor names (a block past the config's depth is an error). */
    String layerPrefix(int i);

    /** Block {@code i}'s tensors. */
    ViTWeights.Layer layer(WeightLoader w, ViTConfig c, int i) throws IOException;

    /** The rest of the weights, around the blocks that {@link #layer} made. */
    ViTWeights weights(WeightLoader w, ViTConfig c, ViTWeights.Layer[] layers) throws IOException;
}
