package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.ImagePreprocessing;
import dev.vectorvit.io.Json;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Hugging Face {@code ViTForImageClassification}: "vit." names, separate query/key/value, a linear
 * {@code classifier} on the class token, preprocessor_config.json beside it. Its encoder's names are
 * shared by DeiT, under another prefix.
 */
final class HuggingFaceViT implements HuggingFaceFormat {
    private static final String ARCHITECTURE = "ViTForImageClassification";

    @Override
    public String name() {
        return "Hugging Face ViT";
    }

    @Override
    public String describes() {
        return "model_type 'vit' (" + ARCHITECTURE + ")";
    }

    /** model_type "vit", or an older config without model_type that has hidden_size. */
    @Override
    public boolean reads(Map<String, Object> config) {
        Object type = config.get("model_type");
        return "vit".equals(type) || type == null && config.containsKey("hidden_size");
    }

    @Override
    public ViTConfig config(Map<String, Object> config, String src) throws FormatException {
        String arch = Formats.architecture(config, src);
        if (arch != null && !arch.equals(ARCHITECTURE)) {
            throw new FormatException(src + ": architecture '" + arch + "' is not supported for model_type 'vit' "
                    + "(supported: " + ARCHITECTURE + ")");
        }
        return ConfigValues.huggingFace(config, src, 1, Classifier.CLASS_TOKEN);
    }

    @Override
    public String marker() {
        return "vit.embeddings.cls_token";
    }

    @Override
    public String layerPrefix(int i) {
        return "vit.encoder.layer." + i + ".";
    }

    @Override
    public ViTWeights.Layer layer(WeightLoader w, ViTConfig c, int i) throws IOException {
        return encoderLayer(w, c, layerPrefix(i));
    }

    @Override
    public ViTWeights weights(WeightLoader w, ViTConfig c, ViTWeights.Layer[] layers) throws IOException {
        int d = c.hidden();
        return weights(w, c, "vit.", w.copy("vit.embeddings.cls_token", 1, 1, d), 0, false, layers,
                new ViTWeights.Linear[] {w.head("classifier", c)});
    }

    /** preprocessor_config.json of a Hugging Face folder, or null without one. */
    static Map<String, Object> preprocessorFile(Path dir) throws IOException {
        Path pre = dir.resolve("preprocessor_config.json");
        return Files.isRegularFile(pre) ? Json.object(Json.parse(pre), "preprocessor config", pre.toString()) : null;
    }

    static ImagePreprocessing huggingFacePreprocessing(ModelSource source) throws FormatException {
        ViTConfig c = source.config();
        return ImagePreprocessing.huggingFace(source.preprocessing(), c.imageHeight(), c.imageWidth(),
                source.dir().resolve("preprocessor_config.json").toString());
    }

    /**
     * Weights of a Hugging Face ViT-family model whose tensors start with {@code model} ("vit.", "deit.", ""),
     * the last {@code registers} of its prefix tokens without position embedding, its positions resampled
     * with {@code antialias} or without.
     */
    static ViTWeights weights(WeightLoader w, ViTConfig c, String model, MemorySegment prefix, int registers,
                              boolean antialias, ViTWeights.Layer[] layers, ViTWeights.Linear[] heads) throws IOException {
        int d = c.hidden(), p = c.patchSize();
        String e = model + "embeddings.";
        return new ViTWeights(prefix,
                w.positions(e + "position_embeddings", registers, antialias),
                w.linear(e + "patch_embeddings.projection.weight", d, c.channels(), p, p),
                w.copy(e + "patch_embeddings.projection.bias", d),
                layers,
                w.copy(model + "layernorm.weight", d),
                w.copy(model + "layernorm.bias", d),
                heads);
    }

    /** A Hugging Face ViT-family encoder block whose tensor names start with {@code l}; q, k and v stacked. */
    static ViTWeights.Layer encoderLayer(WeightLoader w, ViTConfig c, String l) throws IOException {
        return LayerNames.VIT.read(w, c, l);
    }
}
