package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.ImagePreprocessing;
import dev.vectorvit.io.Json;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face DINOv2 ({@code Dinov2Model}) and DINOv2 with registers ({@code Dinov2WithRegistersModel}):
 * a ViT without prefix in its tensor names, patch 14, LayerNorm eps from the config, an MLP of
 * {@code hidden_size * mlp_ratio}, and a layer scale on both residual branches, folded at load into the
 * output projection and fc2 ((W x + b) lambda = (lambda W) x + lambda b). The register tokens follow the
 * class token and have no position embedding. The embedding is {@code pooler_output}, the class token after
 * the final LayerNorm. DINOv2 always resamples its positions to the input's grid (bicubic; antialiased with
 * registers, as transformers does); its default input is the
 * size its image processor makes (224 for a {@code facebook/dinov2-*} download trained at 518).
 *
 * <p>The {@code ...ForImageClassification} checkpoints hold the same backbone under {@code dinov2.} (or
 * {@code dinov2_with_registers.}) and a {@code classifier} [classes, 2D] on the class token and the mean of
 * the patch tokens ({@link Classifier#CLASS_AND_PATCH_MEAN}); their names differ from the first tensor on,
 * so they are formats of their own, told apart by the config's architecture.
 */
final class Dinov2 implements CheckpointFormat {
    static final Dinov2 PLAIN = new Dinov2("dinov2", "Dinov2", false, false);
    static final Dinov2 PLAIN_CLASSIFIER = new Dinov2("dinov2", "Dinov2", false, true);
    static final Dinov2 WITH_REGISTERS = new Dinov2("dinov2_with_registers", "Dinov2WithRegisters", true, false);
    static final Dinov2 WITH_REGISTERS_CLASSIFIER = new Dinov2("dinov2_with_registers", "Dinov2WithRegisters", true, true);

    private final String type;
    private final String architecture;
    /** The other architecture of this model_type: the one a config names when it is not this format's. */
    private final String twin;
    private final boolean registers;
    private final boolean classifier;
    /** What the tensor names start with: the backbone's attribute in the classification model, nothing in the bare one. */
    private final String model;

    private Dinov2(String type, String stem, boolean registers, boolean classifier) {
        this.type = type;
        String bare = stem + "Model", head = stem + "ForImageClassification";
        this.architecture = classifier ? head : bare;
        this.twin = classifier ? bare : head;
        this.registers = registers;
        this.classifier = classifier;
        this.model = classifier ? type + "." : "";
    }

    @Override
    public String name() {
        return "Hugging Face DINOv2" + (registers ? " with registers" : "") + (classifier ? " classifier" : "");
    }

    @Override
    public String describes() {
        return "model_type '" + type + "' (" + architecture + ")";
    }

    @Override
    public boolean reads(Map<String, Object> config) {
        boolean names = config.get("architectures") instanceof List<?> a && !a.isEmpty()
                && (classifier ? architecture : twin).equals(a.getFirst());
        return type.equals(config.get("model_type")) && names == classifier;
    }

    @Override
    public ViTConfig config(Map<String, Object> config, String src) throws FormatException {
        String arch = Formats.architecture(config, src);
        if (arch != null && !arch.equals(architecture)) {
            throw new FormatException(src + ": architecture '" + arch + "' is not supported for model_type '" + type
                    + "' (supported: " + architecture + ", " + twin + ")");
        }
        if (config.get("use_swiglu_ffn") != null && Json.bool(config.get("use_swiglu_ffn"), "use_swiglu_ffn", src)) {
            throw new FormatException(src + ": use_swiglu_ffn (the SwiGLU MLP of dinov2-giant) is not supported");
        }
        int hidden = ConfigValues.intValue(config, "hidden_size", 768, src);
        double ratio = ConfigValues.doubleValue(config, "mlp_ratio", 4, src);
        double mlp = Math.floor(hidden * ratio);
        if (!(mlp >= 1 && mlp <= Integer.MAX_VALUE)) {
            throw new FormatException(src + ": mlp_ratio " + ratio + " gives an MLP of " + mlp + " for hidden_size "
                    + hidden);
        }
        int count = registers ? ConfigValues.intValue(config, "num_register_tokens", 4, src) : 0;
        if (count == Integer.MAX_VALUE) {
            throw new FormatException(src + ": num_register_tokens " + count + " is out of range");
        }
        // DINOv2's MLP width is hidden_size x mlp_ratio; its config's intermediate_size is unused.
        Map<String, Object> read = new HashMap<>(config);
        read.put("intermediate_size", (long) mlp);
        read.putIfAbsent("patch_size", 14L);
        read.putIfAbsent("image_size", 518L);
        read.putIfAbsent("layer_norm_eps", 1e-6);
        return ConfigValues.huggingFace(read, src, 1 + count, classifier ? Classifier.CLASS_AND_PATCH_MEAN : Classifier.NONE);
    }

    @Override
    public Map<String, Object> preprocessorConfig(Path dir, Map<String, Object> config, String src) throws IOException {
        return HuggingFaceViT.preprocessorFile(dir);
    }

    /** At the size the image processor makes, if its preprocessor_config.json says; the config's otherwise. */
    @Override
    public ViTConfig runConfig(ModelSource source) throws FormatException {
        if (source.preprocessing() == null) {
            return source.config();
        }
        ImagePreprocessing pre = preprocessing(source);
        return ConfigValues.build(source.dir().toString(),
                () -> source.config().withImageSize(pre.height(), pre.width()));
    }

    @Override
    public ImagePreprocessing preprocessing(ModelSource source) throws FormatException {
        return HuggingFaceViT.huggingFacePreprocessing(source);
    }

    @Override
    public String marker() {
        return model + "embeddings.cls_token";
    }

    @Override
    public String layerPrefix(int i) {
        return model + "encoder.layer." + i + ".";
    }

    @Override
    public ViTWeights.Layer layer(WeightLoader w, ViTConfig c, int i) throws IOException {
        String l = layerPrefix(i), a = l + "attention.attention.";
        String scale1 = l + "layer_scale1.lambda1", scale2 = l + "layer_scale2.lambda1";
        int d = c.hidden(), m = c.mlp();
        return new ViTWeights.Layer(
                w.copy(l + "norm1.weight", d), w.copy(l + "norm1.bias", d),
                w.stackedLinear(d, d, a + "query.weight", a + "key.weight", a + "value.weight"),
                w.stacked(new long[] {d}, a + "query.bias", a + "key.bias", a + "value.bias"),
                w.scaledLinear(l + "attention.output.dense.weight", scale1, d, d),
                w.scaledCopy(l + "attention.output.dense.bias", scale1, d),
                w.copy(l + "norm2.weight", d), w.copy(l + "norm2.bias", d),
                w.linear(l + "mlp.fc1.weight", m, d), w.copy(l + "mlp.fc1.bias", m),
                w.scaledLinear(l + "mlp.fc2.weight", scale2, d, m), w.scaledCopy(l + "mlp.fc2.bias", scale2, d));
    }

    @Override
    public ViTWeights weights(WeightLoader w, ViTConfig c, ViTWeights.Layer[] layers) throws IOException {
        int d = c.hidden(), count = c.prefixTokens() - 1;
        String e = model + "embeddings.";
        MemorySegment prefix = registers ? w.joined(new String[] {e + "cls_token", e + "register_tokens"},
                new long[] {1, 1, d}, new long[] {1, count, d}) : w.copy(e + "cls_token", 1, 1, d);
        ViTWeights.Linear[] heads = classifier ? new ViTWeights.Linear[] {w.head("classifier", c)} : new ViTWeights.Linear[0];
        // Only the registers variant resamples its positions antialiased (transformers 5.x).
        return HuggingFaceViT.weights(w, c, model, prefix, count, registers, layers, heads);
    }
}
